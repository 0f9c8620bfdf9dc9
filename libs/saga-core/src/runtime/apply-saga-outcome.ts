import type { OutboxEntry, OutboxWriter } from '@sagaflow/outbox-relay';
import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';
import type { OutgoingMessage, SagaOutcome } from '../engine/saga-outcome';
import { SagaTransition } from '../lifecycle/saga-lifecycle-message';
import type { LifecycleTransitionName } from '../engine/saga-outcome';
import { prepareResend } from '../store/prepare-resend';
import { removeAssociations, saveAssociations } from '../store/save-associations';
import { saveDeadlines } from '../store/save-deadlines';
import { saveInstance } from '../store/save-instance';
import { childTraceparent } from './trace-context';

/** What caused a decision: the handled message, or nothing (a deadline). */
export interface Cause {
  messageId?: string;
  traceparent?: string;
}

/**
 * Writes everything one decision changed, in the caller's transaction: the instance (inserted, or updated
 * with its version check), the commands it sends and one `SagaTransition` per lifecycle entry in the
 * outbox, its deadlines and its associated keys (all removed when the saga ended). Every outgoing message
 * carries the saga's correlation id, the cause's message id and `saga-type`, and continues the cause's
 * trace; a step's command carries the message-id the engine gave it, and a re-send of it is written
 * only once the first send left the outbox (docs/decisions/0051).
 * @throws ConcurrencyConflictError when the instance was saved by someone else first.
 */
export async function applySagaOutcome(
  client: ClientBase,
  writer: OutboxWriter,
  outcome: SagaOutcome,
  cause: Cause,
): Promise<void> {
  const i = outcome.instance;
  if (!i) return;
  await saveInstance(client, i, outcome.created);
  await saveAssociationsOf(client, outcome);
  const traceparent = cause.traceparent ?? traceOf(i);
  const headers = { correlationId: i.correlationId, causationId: cause.messageId, sagaType: i.type };
  const entries: OutboxEntry[] = [
    ...outcome.lifecycle.filter(isLegacyTransition).map((t): OutboxEntry => ({
      type: SagaTransition as OutboxEntry['type'],
      payload: {
        sagaId: i.id,
        sagaType: i.type,
        definitionVersion: i.definitionVersion,
        correlationKey: i.correlationKey,
        transition: t.transition,
        status: t.status,
        step: t.step ?? null,
        reason: t.reason ?? null,
        at: t.at,
        instanceVersion: i.version,
      },
      ...headers,
      traceparent: childTraceparent(traceparent),
    })),
    ...(await sendable(client, outcome.send)).map((m) => sagaMessage(m, i, cause.messageId, traceparent)),
  ];
  if (entries.length > 0) await writer.append(client, entries);
  await saveDeadlines(client, i.id, i.type, outcome.schedule, outcome.cancel);
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
    ...(m.messageId ? { messageId: m.messageId } : {}),
  };
}

/** Stores the keys the decision associated, or removes them all when the saga ended. */
export async function saveAssociationsOf(client: ClientBase, outcome: SagaOutcome): Promise<void> {
  const i = outcome.instance;
  if (!i) return;
  if (outcome.dissociateAll) await removeAssociations(client, i.id);
  else if (outcome.associate?.length) await saveAssociations(client, i, outcome.associate);
}

/** The messages to write: a re-send whose first send is still unpublished is left out (it is yet to go out). */
async function sendable(client: ClientBase, send: readonly OutgoingMessage[]): Promise<OutgoingMessage[]> {
  const kept: OutgoingMessage[] = [];
  for (const m of send) {
    if (m.resend && m.messageId && (await prepareResend(client, m.messageId)) === 'pending') continue;
    kept.push(m);
  }
  return kept;
}

// The per-transition `SagaTransition` record's enum knows the first eight transitions; the later ones
// (StepRetried, GroupJoined) travel in the `SagaTransitions` record only, so readers of the old record
// never meet a symbol they cannot read.
const legacyTransitions: ReadonlySet<LifecycleTransitionName> = new Set([
  'Started',
  'StepCompleted',
  'Compensating',
  'StepCompensated',
  'Completed',
  'Compensated',
  'Failed',
  'TimedOut',
]);
function isLegacyTransition(t: { transition: LifecycleTransitionName }): boolean {
  return legacyTransitions.has(t.transition);
}

/**
 * A deadline has no message to continue the trace of; a saga whose correlation id is a UUID gets the
 * trace id derived from it, so its deadline-caused messages stay in one trace with the ones before.
 */
function traceOf(i: SagaInstance): string {
  const hex = i.correlationId.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? `00-${hex}-${'0'.repeat(15)}1-01` : childTraceparent(undefined);
}
