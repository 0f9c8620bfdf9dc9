import { newTraceparent, type OutboxEntry } from '@sagaflow/outbox-relay';
import type { PoolClient } from 'pg';
import type { ConsumingTransaction } from '../consume/consuming-transaction';
import type { TransitionHook } from '../consume/transition-hooks';
import type { SagaInstance } from '../engine/saga-instance';
import type { OutgoingMessage, SagaOutcome } from '../engine/saga-outcome';
import { SagaTransitions, type SagaTransitionsEvent } from '../lifecycle/saga-transitions-message';
import { transitionsEvent } from '../lifecycle/transitions-event';
import { prepareResend } from '../store/prepare-resend';
import { removeAssociations, saveAssociations } from '../store/save-associations';
import { saveInstance } from '../store/save-instance';
import { TransactionalMessageContext } from './transactional-message-context';

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
 * lifecycle entries (queued for the transaction's outbox), its deadlines and its associated keys (all
 * removed when the saga ended); then calls the service's `@OnSagaTransition` hooks for those transitions in
 * the same transaction. Every outgoing message carries the saga's correlation id, the cause's message id
 * and `saga-type`, and continues the cause's trace; a step's command carries the message-id the engine
 * gave it, and a re-send of it is written only once the first send left the outbox (docs/decisions/0051).
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
  // a new instance that associates keys is inserted now (the associations refer to it); any other is
  // inserted or updated with the transaction's other writes just before the commit
  if (outcome.created && outcome.associate?.length) {
    await saveInstance(tx.client, i, true);
    tx.saved(i);
  } else if (outcome.created) tx.insert(i);
  else tx.update(i);
  await saveAssociationsOf(tx.client, outcome);
  const traceparent = cause.traceparent ?? traceOf(i);
  const headers = { correlationId: i.correlationId, causationId: cause.messageId, sagaType: i.type };
  const lifecycle: SagaTransitionsEvent | undefined = transitionsEvent(i, outcome.lifecycle);
  const entries: OutboxEntry[] = [
    ...(lifecycle
      ? [
          {
            type: SagaTransitions as OutboxEntry['type'],
            payload: lifecycle,
            ...headers,
            traceparent,
          },
        ]
      : []),
    ...(await sendable(tx.client, outcome.send)).map((m) => sagaMessage(m, i, cause.messageId, traceparent)),
  ];
  const ids = entries.length > 0 ? tx.emit(entries) : [];
  tx.changeDeadlines(i.id, i.type, outcome.schedule, outcome.cancel);
  const followers = hooks?.bySagaType.get(i.type);
  if (lifecycle && followers && followers.length > 0)
    await runHooks(tx, followers, lifecycle, {
      id: ids[0]!,
      correlationId: i.correlationId,
      traceparent,
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
    traceparent,
    ...(m.messageId ? { messageId: m.messageId } : {}),
  };
}

/** Stores the keys the decision associated, or removes them all when the saga ended. */
export async function saveAssociationsOf(client: PoolClient, outcome: SagaOutcome): Promise<void> {
  const i = outcome.instance;
  if (!i) return;
  if (outcome.dissociateAll) await removeAssociations(client, i.id);
  else if (outcome.associate?.length) await saveAssociations(client, i, outcome.associate);
}

/** The messages to write: a re-send whose first send is still unpublished is left out (it is yet to go out). */
async function sendable(client: PoolClient, send: readonly OutgoingMessage[]): Promise<OutgoingMessage[]> {
  const kept: OutgoingMessage[] = [];
  for (const m of send) {
    if (m.resend && m.messageId && (await prepareResend(client, m.messageId)) === 'pending') continue;
    kept.push(m);
  }
  return kept;
}

/**
 * A deadline has no message to continue the trace of; a saga whose correlation id is a UUID gets the
 * trace id derived from it, so its deadline-caused messages stay in one trace with the ones before.
 */
function traceOf(i: SagaInstance): string {
  const hex = i.correlationId.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? `00-${hex}-${'0'.repeat(15)}1-01` : newTraceparent();
}
