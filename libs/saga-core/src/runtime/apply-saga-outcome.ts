import type { OutboxEntry } from '@sagaflow/outbox-relay';
import type { ConsumingTransaction } from '../consume/consuming-transaction';
import type { TransitionHook } from '../consume/transition-hooks';
import type { SagaInstance } from '../engine/saga-instance';
import type { OutgoingMessage, SagaOutcome } from '../engine/saga-outcome';
import { SagaTransitions, type SagaTransitionsEvent } from '../lifecycle/saga-transitions-message';
import { saveDeadlines } from '../store/save-deadlines';
import { saveInstance } from '../store/save-instance';
import { TransactionalMessageContext } from './transactional-message-context';
import { childTraceparent } from './trace-context';

/** What caused a decision: the handled message, or nothing (a deadline). */
export interface Cause {
  messageId?: string;
  traceparent?: string;
}

/** The service's in-process followers of its sagas' transitions, by saga type. */
export interface OutcomeHooks {
  service: string;
  bySagaType: ReadonlyMap<string, readonly TransitionHook[]>;
}

/**
 * Writes everything one decision changed, in the caller's transaction: the instance (inserted, or updated
 * with its version check), the commands it sends and one `SagaTransitions` record carrying the decision's
 * lifecycle entries (queued for the transaction's outbox), and its deadlines; then calls the service's
 * `@OnSagaTransition` hooks for those transitions in the same transaction. Every outgoing message carries
 * the saga's correlation id, the cause's message id and `saga-type`, and continues the cause's trace.
 * @throws ConcurrencyConflictError when the instance was saved by someone else first.
 */
export async function applySagaOutcome(
  tx: ConsumingTransaction,
  outcome: SagaOutcome,
  cause: Cause,
  hooks?: OutcomeHooks,
): Promise<void> {
  const i = outcome.instance;
  if (!i) return;
  await saveInstance(tx.client, i, outcome.created);
  tx.saved(i);
  const traceparent = cause.traceparent ?? traceOf(i);
  const headers = { correlationId: i.correlationId, causationId: cause.messageId, sagaType: i.type };
  const lifecycle: SagaTransitionsEvent | undefined =
    outcome.lifecycle.length === 0
      ? undefined
      : {
          sagaId: i.id,
          sagaType: i.type,
          definitionVersion: i.definitionVersion,
          correlationKey: i.correlationKey,
          instanceVersion: i.version,
          transitions: outcome.lifecycle.map((t) => ({
            transition: t.transition,
            status: t.status,
            step: t.step ?? null,
            reason: t.reason ?? null,
            at: t.at,
          })),
        };
  const lifecycleTrace = childTraceparent(traceparent);
  const entries: OutboxEntry[] = [
    ...(lifecycle
      ? [
          {
            type: SagaTransitions as OutboxEntry['type'],
            payload: lifecycle,
            ...headers,
            traceparent: lifecycleTrace,
          },
        ]
      : []),
    ...outcome.send.map((m) => sagaMessage(m, i, cause.messageId, traceparent)),
  ];
  const ids = entries.length > 0 ? tx.emit(entries) : [];
  await saveDeadlines(tx.client, i.id, i.type, outcome.schedule, outcome.cancel);
  const followers = hooks?.bySagaType.get(i.type);
  if (lifecycle && followers && followers.length > 0)
    await runHooks(tx, followers, lifecycle, {
      id: ids[0]!,
      correlationId: i.correlationId,
      traceparent: lifecycleTrace,
      cause,
      service: hooks!.service,
    });
}

async function runHooks(
  tx: ConsumingTransaction,
  followers: readonly TransitionHook[],
  lifecycle: SagaTransitionsEvent,
  record: { id: string; correlationId: string; traceparent: string; cause: Cause; service: string },
): Promise<void> {
  for (const t of lifecycle.transitions) {
    const event = {
      sagaId: lifecycle.sagaId,
      sagaType: lifecycle.sagaType,
      definitionVersion: lifecycle.definitionVersion,
      correlationKey: lifecycle.correlationKey,
      instanceVersion: lifecycle.instanceVersion,
      ...t,
    };
    for (const hook of followers) {
      if (hook.transitions && !hook.transitions.has(t.transition)) continue;
      // the hook sees the lifecycle record as the message it handles: what it emits is caused by it
      const ctx = new TransactionalMessageContext(
        tx,
        {
          messageId: record.id,
          messageType: SagaTransitions.name,
          correlationId: record.correlationId,
          ...(record.cause.messageId ? { causationId: record.cause.messageId } : {}),
          sagaType: lifecycle.sagaType,
          source: record.service,
          occurredAt: t.at,
          traceparent: record.traceparent,
          contentType: 'application/json',
        },
        new Date(t.at),
        hook,
      );
      await hook.invoke(structuredClone(event), ctx);
    }
  }
}

/** The outbox entry of a message a saga sends. */
export function sagaMessage(
  m: OutgoingMessage,
  i: SagaInstance,
  causationId: string | undefined,
  traceparent: string,
): OutboxEntry {
  return {
    type: m.type,
    payload: m.payload,
    correlationId: i.correlationId,
    causationId,
    sagaType: i.type,
    traceparent: childTraceparent(traceparent),
  };
}

/**
 * A deadline has no message to continue the trace of; a saga whose correlation id is a UUID gets the
 * trace id derived from it, so its deadline-caused messages stay in one trace with the ones before.
 */
function traceOf(i: SagaInstance): string {
  const hex = i.correlationId.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? `00-${hex}-${'0'.repeat(15)}1-01` : childTraceparent(undefined);
}
