/** Where one message's time went, from what the streams show (docs/decisions/0063-where-the-time-went.md). */
export interface MessageHops {
  /** `occurred-at` → the Kafka record's timestamp: outbox commit to relay publish. */
  publishMs: number | null;
  /**
   * `occurred-at` → the consuming transaction: the earliest `occurred-at` of a record it caused (a reply,
   * the next command, a lifecycle transition). Relay + broker + consumer lag + handler. Null when nothing
   * it caused is in the timeline (not consumed yet, or consumed without output).
   */
  consumedMs: number | null;
  /** Service of that earliest caused record. */
  consumedBy: string | null;
}

/** The fields of a timeline message {@link messageHops} reads. */
export interface HopInput {
  messageId: string | null;
  causationId: string | null;
  source: string | null;
  occurredAt: string | null;
  kafkaTimestamp: string;
  deadLetter: boolean;
}

/** The hops of every message, in the order given. Dead letters cause nothing, so they are not consumers. */
export function messageHops(messages: readonly HopInput[]): MessageHops[] {
  const firstCaused = new Map<string, { at: number; source: string | null }>();
  for (const m of messages) {
    if (m.deadLetter || m.causationId === null || m.occurredAt === null) continue;
    const at = Date.parse(m.occurredAt);
    const seen = firstCaused.get(m.causationId);
    if (!seen || at < seen.at) firstCaused.set(m.causationId, { at, source: m.source });
  }
  return messages.map((m) => {
    if (m.occurredAt === null) return { publishMs: null, consumedMs: null, consumedBy: null };
    const at = Date.parse(m.occurredAt);
    const caused = m.messageId === null || m.deadLetter ? undefined : firstCaused.get(m.messageId);
    return {
      publishMs: Date.parse(m.kafkaTimestamp) - at,
      consumedMs: caused ? caused.at - at : null,
      consumedBy: caused?.source ?? null,
    };
  });
}
