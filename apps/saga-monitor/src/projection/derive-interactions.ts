import { isDeadLetterTopic } from '../kafka/monitored-topics';
import type { ProjectedMessage } from './projected-message';

/** When a message happened, as flows order it. */
export const timeOf = (m: ProjectedMessage): string => m.occurredAt ?? m.kafkaTimestamp;

/** Where a stored row sits; with the batch's offset ranges this says whether the batch wrote it. */
export interface StoredPosition {
  topic: string;
  partition: number;
  /** bigint as a decimal string, as `pg` returns it. */
  offset: string;
}

/** A stored (non dead-letter) row of one of the batch's message ids or of a cause they name. */
export interface StoredNode extends StoredPosition {
  messageId: string;
  messageType: string | null;
  source: string | null;
}

/** A stored (non dead-letter) row whose cause is one of the batch's messages. */
export interface StoredChild extends StoredPosition {
  messageId: string;
  causationId: string;
  source: string;
  correlationId: string | null;
  at: Date;
}

/** One observation of `producer → event → consumer`, made by one child message. */
export interface Edge {
  producer: string;
  event: string;
  consumer: string;
  correlationId: string | null;
  at: Date;
}

/** A batch's records of one partition cover one contiguous offset range per partition. */
export interface OffsetRange {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

/** The batch's messages that can take part in an interaction: the first copy of each id, no dead letters. */
export function interactionCandidates(messages: readonly ProjectedMessage[]): ProjectedMessage[] {
  const firsts = new Map<string, ProjectedMessage>();
  for (const m of messages) {
    if (m.messageId === null || isDeadLetterTopic(m.topic) || firsts.has(m.messageId)) continue;
    firsts.set(m.messageId, m);
  }
  return [...firsts.values()];
}

/**
 * The observations a batch adds (docs/decisions/0030-flows-from-causation.md), worked out from the rows
 * already stored: each distinct child message whose cause is known is observed once, by whichever of the
 * two (child, cause) is applied second. A batch message with a stored copy outside the batch was seen
 * before and adds nothing, neither as a child nor as a parent: its earlier copy already did.
 * @param candidates the batch's {@link interactionCandidates}.
 * @param nodes stored rows (batch rows included) of the candidates' ids and of the causes they name.
 * @param children stored rows whose cause is a candidate (batch rows may be among them; they are ignored).
 * @param ranges what the batch itself wrote (see {@link batchRanges}).
 */
export function deriveInteractions(
  candidates: readonly ProjectedMessage[],
  nodes: readonly StoredNode[],
  children: readonly StoredChild[],
  ranges: readonly OffsetRange[],
): Edge[] {
  const inBatch = (r: StoredPosition) => {
    const o = BigInt(r.offset);
    return ranges.some((b) => b.topic === r.topic && b.partition === r.partition && o >= b.from && o <= b.to);
  };
  const seenBefore = new Set<string>();
  const causes = new Map<string, { source: string; type: string }>();
  for (const n of nodes) {
    if (!inBatch(n)) seenBefore.add(n.messageId);
    if (n.source !== null && n.messageType !== null && !causes.has(n.messageId))
      causes.set(n.messageId, { source: n.source, type: n.messageType });
  }
  const edges: Edge[] = [];
  // as a child: its cause is stored (in this batch or before)
  for (const c of candidates) {
    if (c.causationId === null || c.source === null || seenBefore.has(c.messageId!)) continue;
    const cause = causes.get(c.causationId);
    if (!cause) continue;
    edges.push({
      producer: cause.source,
      event: cause.type,
      consumer: c.source,
      correlationId: c.correlationId,
      at: new Date(timeOf(c)),
    });
  }
  // as a parent: children stored before it, which found no cause when they were applied
  const parents = new Map(
    candidates
      .filter((p) => p.messageType !== null && p.source !== null && !seenBefore.has(p.messageId!))
      .map((p) => [p.messageId!, p]),
  );
  const counted = new Set<string>();
  for (const c of children) {
    const p = parents.get(c.causationId);
    if (!p || inBatch(c) || counted.has(c.messageId)) continue;
    counted.add(c.messageId);
    edges.push({
      producer: p.source!,
      event: p.messageType!,
      consumer: c.source,
      correlationId: c.correlationId,
      at: c.at,
    });
  }
  return edges;
}

/** The ids whose stored children {@link deriveInteractions} needs: candidates that can be a cause. */
export function possibleParents(candidates: readonly ProjectedMessage[]): string[] {
  return candidates.filter((p) => p.messageType !== null && p.source !== null).map((p) => p.messageId!);
}

/**
 * The offset ranges a batch's records cover, one per partition. Callers pass the records of one fetched
 * batch, whose offsets are contiguous (a gap is an offset without a record, so it matches no row).
 */
export function batchRanges(messages: readonly ProjectedMessage[]): OffsetRange[] {
  const byPartition = new Map<string, OffsetRange>();
  for (const m of messages) {
    const k = `${m.topic}\u0000${m.partition}`;
    const o = BigInt(m.offset);
    const r = byPartition.get(k);
    if (!r) byPartition.set(k, { topic: m.topic, partition: m.partition, from: o, to: o });
    else {
      if (o < r.from) r.from = o;
      if (o > r.to) r.to = o;
    }
  }
  return [...byPartition.values()];
}
