/** One Kafka record as the order checks need it: where it sits and what its headers say. */
export interface TopicRecord {
  topic: string;
  partition: number;
  /** The offset, as kafkajs gives it (a decimal string). */
  offset: string;
  key: string;
  messageId: string;
  messageType: string;
  /** `occurred-at` header (ISO-8601): when the message was written in its business transaction. */
  occurredAt: string;
}

/**
 * What breaks per-key order in `records`, for the keys in `keys` (all when omitted): a key on more than one
 * partition of a topic, or a message that comes, in partition order, before one written earlier for the
 * same key. Duplicates (at-least-once: the same `message-id` again after a relay handover or a retried
 * send) are allowed and only their first copy counts. Messages of one key are written one transaction
 * after the other (each caused by the previous), so their `occurred-at` must not go down.
 */
export function keyOrderViolations(records: readonly TopicRecord[], keys?: ReadonlySet<string>): string[] {
  const byTopicKey = new Map<string, TopicRecord[]>();
  for (const r of records) {
    if (keys && !keys.has(r.key)) continue;
    const id = `${r.topic} ${r.key}`;
    byTopicKey.set(id, [...(byTopicKey.get(id) ?? []), r]);
  }
  const faults: string[] = [];
  for (const [id, list] of byTopicKey) {
    const partitions = new Set(list.map((r) => r.partition));
    if (partitions.size > 1) {
      faults.push(`${id}: on partitions ${[...partitions].join(', ')}`);
      continue;
    }
    const seen = new Set<string>();
    let last: TopicRecord | undefined;
    for (const r of [...list].sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)))) {
      if (seen.has(r.messageId)) continue;
      seen.add(r.messageId);
      if (last && Date.parse(r.occurredAt) < Date.parse(last.occurredAt))
        faults.push(
          `${id}: ${r.messageType} (written ${r.occurredAt}) at offset ${r.offset} after ${last.messageType} (written ${last.occurredAt}) at offset ${last.offset}`,
        );
      last = r;
    }
  }
  return faults;
}
