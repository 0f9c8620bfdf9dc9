import type { PoolClient } from 'pg';
import { isDeadLetterTopic } from '../kafka/monitored-topics';
import type { ProjectedMessage } from './projected-message';
import {
  batchRanges,
  deriveInteractions,
  interactionCandidates,
  possibleParents,
  type Edge,
  type StoredChild,
  type StoredNode,
} from './derive-interactions';

/**
 * Counts the interactions a batch reveals (docs/decisions/0030-flows-from-causation.md), inside the
 * caller's transaction, after the batch's rows are inserted and under one advisory lock held to the commit. A child
 * and its cause may arrive in either order, in batches of different partitions applied at the same time:
 * of two such batches the later one (in lock order) sees the other's rows, and exactly one counts the
 * pair. The lock is held to the commit, so the step only reads by index (one probe per id) and decides
 * in memory (docs/decisions/0070-monitor-catch-up-by-index.md).
 */
export async function writeInteractions(
  client: PoolClient,
  messages: readonly ProjectedMessage[],
): Promise<void> {
  const candidates = interactionCandidates(messages);
  if (candidates.length === 0) return;
  // every row the batch wrote, copies and id-less records included: none of them was "seen before"
  const ranges = batchRanges(messages.filter((m) => !isDeadLetterTopic(m.topic)));
  const own = new Set(candidates.map((m) => m.messageId!));
  const causes = [
    ...new Set(
      candidates.flatMap((m) => (m.causationId === null || own.has(m.causationId) ? [] : [m.causationId])),
    ),
  ];
  const parents = possibleParents(candidates);
  // one index scan for all ids, whatever the table's (lagging, during a catch-up) statistics say: with
  // sequential scans disabled for these probes "= any" stays an index scan, where the planner chose a
  // scan of the whole table, a cost that grew with the projection; the step took 8.0 s of a 40k-saga
  // catch-up against 14.0 s with the one lateral probe per id it replaced (docs/decisions/0070)
  const nodesOf = async (ids: string[]) =>
    ids.length === 0
      ? []
      : (
          await client.query<StoredNode>(
            /* sql */ `
      select message_id as "messageId", message_type as "messageType", source, topic, partition, "offset"
      from monitor.message m where m.message_id = any($1::text[]) and m.topic not like '%.dlt'`,
            [ids],
          )
        ).rows;
  // the batch's own ids need no lock: copies of one message id share a key, hence a partition, and are
  // serialised by that partition's offset lock
  await client.query('set local enable_seqscan = off');
  const ownNodes = await nodesOf([...own]);
  // only a cause and its effect can be applied concurrently (other partitions), and this lock orders those
  await client.query(`select pg_advisory_xact_lock(hashtext('sagaflow-monitor.interaction'))`);
  const causeNodes = await nodesOf(causes);
  const children =
    parents.length === 0
      ? { rows: [] as StoredChild[] }
      : await client.query<StoredChild>(
          /* sql */ `
      select message_id as "messageId", causation_id as "causationId", source,
        correlation_id as "correlationId", coalesce(occurred_at, kafka_timestamp) as at, topic, partition, "offset"
      from monitor.message m
      where m.causation_id = any($1::text[]) and m.topic not like '%.dlt' and m.source is not null
        and m.message_id is not null`,
          [parents],
        );
  await client.query('set local enable_seqscan to default');
  const edges = deriveInteractions(candidates, [...ownNodes, ...causeNodes], children.rows, ranges);
  if (edges.length === 0) return;
  const rows = countEdges(edges);
  await client.query(
    /* sql */ `
    insert into monitor.interaction as i (producer, event_type, consumer, observations, first_seen, last_seen,
      last_correlation_id)
    select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::timestamptz[], $7::text[])
    on conflict (producer, event_type, consumer) do update set
      observations = i.observations + excluded.observations,
      first_seen = least(i.first_seen, excluded.first_seen),
      last_seen = greatest(i.last_seen, excluded.last_seen),
      last_correlation_id = case
        when excluded.last_seen > i.last_seen
          or (excluded.last_seen = i.last_seen and excluded.last_correlation_id > i.last_correlation_id)
        then excluded.last_correlation_id else i.last_correlation_id end`,
    [
      rows.map((e) => e.producer),
      rows.map((e) => e.event),
      rows.map((e) => e.consumer),
      rows.map((e) => e.n),
      rows.map((e) => e.first),
      rows.map((e) => e.last),
      rows.map((e) => e.corr),
    ],
  );
}

interface EdgeCount {
  producer: string;
  event: string;
  consumer: string;
  n: number;
  first: Date;
  last: Date;
  corr: string | null;
}

/** Observations summed per edge, in key order so concurrent upserts of the same edges cannot deadlock. */
function countEdges(edges: readonly Edge[]): EdgeCount[] {
  const counts = new Map<string, EdgeCount>();
  for (const r of edges) {
    const key = `${r.producer}\u0000${r.event}\u0000${r.consumer}`;
    const e = counts.get(key);
    if (!e) {
      counts.set(key, { ...r, n: 1, first: r.at, last: r.at, corr: r.correlationId });
      continue;
    }
    e.n++;
    if (r.at < e.first) e.first = r.at;
    if (r.at > e.last || (r.at.getTime() === e.last.getTime() && (r.correlationId ?? '') > (e.corr ?? ''))) {
      e.last = r.at;
      e.corr = r.correlationId;
    }
  }
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
}
