import type { DeclaredReaction } from './declared-reactions';
import { isFrameworkType, type FlowMessage } from './flow-message';

/** A declared reaction that has not (observably) happened to one message of the flow. */
export interface MissingReaction {
  service: string;
  handler: string;
  /** The type it consumes: the trigger's type. */
  consumes: string;
  /** What it would emit, one of which would show it happened. */
  emits: string[];
  triggerMessageId: string;
  /** ISO-8601 time of the trigger. */
  triggerAt: string;
  /** How long the reaction has been awaited. */
  waitedMs: number;
  /** A copy of the trigger reached a dead-letter topic: some consumer gave up on it. */
  triggerDeadLettered: boolean;
}

/**
 * Where a flow is. `settled`: every expected reaction happened. `waiting`: some have not, none for longer
 * than the threshold. `stalled`: at least one has been awaited past the threshold.
 */
export type FlowState = 'settled' | 'waiting' | 'stalled';

/** The verdict on one flow. */
export interface FlowStatus {
  state: FlowState;
  /** Awaited past the threshold, oldest trigger first (the first is the likeliest cause). */
  missing: MissingReaction[];
  /** Awaited, still within the threshold. */
  pending: MissingReaction[];
}

/**
 * Judges whether a flow's declared reactions all happened (docs/decisions/0031-stalled-flows.md).
 * For every message of the flow and every reaction declared to it that declares what it emits, the
 * reacting service must have written something in the flow caused by that message, or after it (a join,
 * such as "cancelled once both answered", emits once for several triggers). Reactions that declare no
 * emitted type leave no trace and are not awaited; saga handlers and the framework's own records are
 * judged by the saga rules (0022), not here. Pure: time comes in as `now`.
 * @param stallAfterMs how long a reaction may take before the flow counts as stalled.
 */
export function evaluateFlow(
  messages: readonly FlowMessage[],
  reactions: readonly DeclaredReaction[],
  now: Date,
  stallAfterMs: number,
): FlowStatus {
  const expected = new Map<string, DeclaredReaction[]>();
  for (const r of reactions) {
    if (r.from !== 'reactions' || r.emits === null || r.emits.length === 0) continue;
    expected.set(r.consumes, [...(expected.get(r.consumes) ?? []), r]);
  }
  const live = messages.filter((m) => !m.deadLetter);
  const lettered = new Set(messages.filter((m) => m.deadLetter).map((m) => m.messageId));
  const triggers = new Map<string, FlowMessage>();
  for (const m of live) {
    if (m.messageId === null || m.messageType === null || isFrameworkType(m.messageType)) continue;
    const first = triggers.get(m.messageId);
    if (!first || Date.parse(m.at) < Date.parse(first.at)) triggers.set(m.messageId, m);
  }
  const missing: MissingReaction[] = [];
  const pending: MissingReaction[] = [];
  for (const trigger of triggers.values()) {
    const triggerAt = Date.parse(trigger.at);
    for (const r of expected.get(trigger.messageType!) ?? []) {
      const happened = live.some(
        (m) =>
          m.source === r.service &&
          m.messageId !== trigger.messageId &&
          (m.causationId === trigger.messageId || Date.parse(m.at) >= triggerAt),
      );
      if (happened) continue;
      const waitedMs = now.getTime() - triggerAt;
      const entry: MissingReaction = {
        service: r.service,
        handler: r.handler,
        consumes: r.consumes,
        emits: r.emits!,
        triggerMessageId: trigger.messageId!,
        triggerAt: trigger.at,
        waitedMs,
        triggerDeadLettered: lettered.has(trigger.messageId),
      };
      (waitedMs > stallAfterMs ? missing : pending).push(entry);
    }
  }
  const order = (a: MissingReaction, b: MissingReaction) =>
    Date.parse(a.triggerAt) - Date.parse(b.triggerAt) || a.service.localeCompare(b.service);
  missing.sort(order);
  pending.sort(order);
  return {
    state: missing.length > 0 ? 'stalled' : pending.length > 0 ? 'waiting' : 'settled',
    missing,
    pending,
  };
}
