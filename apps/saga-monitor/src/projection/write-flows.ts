import type { PoolClient } from 'pg';
import { definitionType } from '../flows/flow-message';
import { isDeadLetterTopic } from '../kafka/monitored-topics';
import type { ProjectedMessage } from './projected-message';

/** When a message happened, as flows order it. */
const timeOf = (m: ProjectedMessage) => m.occurredAt ?? m.kafkaTimestamp;

/**
 * Keeps `monitor.flow` (one row per correlation id: first and last message time, record count) up to
 * date with a batch, inside the caller's transaction. Rows are written in key order so concurrent
 * batches touching the same flows cannot deadlock.
 */
export async function writeFlows(client: PoolClient, messages: readonly ProjectedMessage[]): Promise<void> {
  const flows = new Map<string, { first: string; last: string; count: number }>();
  for (const m of messages) {
    if (m.correlationId === null || m.messageType === definitionType) continue;
    const at = timeOf(m);
    const f = flows.get(m.correlationId);
    if (!f) flows.set(m.correlationId, { first: at, last: at, count: 1 });
    else {
      if (at < f.first) f.first = at;
      if (at > f.last) f.last = at;
      f.count++;
    }
  }
  if (flows.size === 0) return;
  const ids = [...flows.keys()].sort();
  await client.query(
    /* sql */ `
    insert into monitor.flow (correlation_id, started_at, last_at, message_count)
    select * from unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::int[])
    on conflict (correlation_id) do update set
      started_at = least(monitor.flow.started_at, excluded.started_at),
      last_at = greatest(monitor.flow.last_at, excluded.last_at),
      message_count = monitor.flow.message_count + excluded.message_count`,
    [
      ids,
      ids.map((id) => flows.get(id)!.first),
      ids.map((id) => flows.get(id)!.last),
      ids.map((id) => flows.get(id)!.count),
    ],
  );
}

interface EdgeRow {
  producer: string;
  event: string;
  consumer: string;
  correlation_id: string | null;
  at: Date;
}

/**
 * Counts the interactions a batch reveals (docs/decisions/0030-flows-from-causation.md): each distinct
 * child message whose cause is known adds one observation of `cause.source → cause.type → child.source`.
 * A child and its cause may arrive in either order, in batches of different partitions applied at the
 * same time; so this step runs under one transaction-scoped advisory lock, taken after the batch's rows
 * are inserted: of two such batches, the later one sees the other's rows, and exactly one counts the pair.
 * Re-published copies (same message id) are counted once; dead-letter copies never.
 */
export async function writeInteractions(
  client: PoolClient,
  messages: readonly ProjectedMessage[],
): Promise<void> {
  const firsts = new Map<string, ProjectedMessage>();
  for (const m of messages) {
    if (m.messageId === null || isDeadLetterTopic(m.topic) || firsts.has(m.messageId)) continue;
    firsts.set(m.messageId, m);
  }
  if (firsts.size === 0) return;
  // the batch's rows, as offset ranges per partition: one range for a fetched batch (its offsets are
  // contiguous), so "not in this batch" is one comparison instead of a probe of every batch row
  const ranges = batchRanges(messages.filter((m) => !isDeadLetterTopic(m.topic)));
  const batchParams = [
    ranges.map((r) => r.topic),
    ranges.map((r) => r.partition),
    ranges.map((r) => r.from),
    ranges.map((r) => r.to),
  ];
  const outside = (alias: string) => /* sql */ `not exists (
      select 1 from unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[]) as b(t, p, lo, hi)
      where b.t = ${alias}.topic and b.p = ${alias}.partition and ${alias}."offset" between b.lo and b.hi)`;
  // copies of the same message id are serialised by their partition's offset lock; only a cause and its
  // effect can be applied concurrently, and this lock orders those
  await client.query(`select pg_advisory_xact_lock(hashtext('sagaflow-monitor.interaction'))`);

  const children = [...firsts.values()].filter((m) => m.causationId !== null && m.source !== null);
  const asChildren =
    children.length === 0
      ? []
      : (
          await client.query<EdgeRow>(
            /* sql */ `
      select distinct on (c.id) par.source as producer, par.message_type as event, c.consumer,
        c.corr as correlation_id, c.at
      from unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[]) as c(id, cause, consumer, corr, at)
      join monitor.message par on par.message_id = c.cause and par.topic not like '%.dlt'
      where par.source is not null and par.message_type is not null
        and not exists (
          select 1 from monitor.message o
          where o.message_id = c.id and o.topic not like '%.dlt' and ${outside('o')})
      order by c.id`,
            [
              ...batchParams,
              children.map((m) => m.messageId),
              children.map((m) => m.causationId),
              children.map((m) => m.source),
              children.map((m) => m.correlationId),
              children.map(timeOf),
            ],
          )
        ).rows;

  const parents = [...firsts.values()].filter((m) => m.messageType !== null && m.source !== null);
  const asParents =
    parents.length === 0
      ? []
      : (
          await client.query<EdgeRow>(
            /* sql */ `
      select distinct on (c.message_id) par.producer, par.event, c.source as consumer, c.correlation_id,
        coalesce(c.occurred_at, c.kafka_timestamp) as at
      from unnest($5::text[], $6::text[], $7::text[]) as par(id, event, producer)
      join monitor.message c on c.causation_id = par.id
      where c.topic not like '%.dlt' and c.source is not null and c.message_id is not null
        and ${outside('c')}
        and not exists (
          select 1 from monitor.message o
          where o.message_id = par.id and o.topic not like '%.dlt' and ${outside('o')})
      order by c.message_id`,
            [
              ...batchParams,
              parents.map((m) => m.messageId),
              parents.map((m) => m.messageType),
              parents.map((m) => m.source),
            ],
          )
        ).rows;

  const edges = new Map<
    string,
    {
      producer: string;
      event: string;
      consumer: string;
      n: number;
      first: Date;
      last: Date;
      corr: string | null;
    }
  >();
  for (const r of [...asChildren, ...asParents]) {
    const key = `${r.producer}\u0000${r.event}\u0000${r.consumer}`;
    const e = edges.get(key);
    if (!e) {
      edges.set(key, { ...r, n: 1, first: r.at, last: r.at, corr: r.correlation_id });
      continue;
    }
    e.n++;
    if (r.at < e.first) e.first = r.at;
    if (r.at > e.last || (r.at.getTime() === e.last.getTime() && (r.correlation_id ?? '') > (e.corr ?? ''))) {
      e.last = r.at;
      e.corr = r.correlation_id;
    }
  }
  if (edges.size === 0) return;
  const rows = [...edges.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
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

/**
 * The offset ranges a batch's records cover, one per partition. Callers pass the records of one fetched
 * batch, whose offsets are contiguous (a gap is an offset without a record, so it matches no row).
 */
export function batchRanges(
  messages: readonly ProjectedMessage[],
): { topic: string; partition: number; from: string; to: string }[] {
  const byPartition = new Map<string, { topic: string; partition: number; from: bigint; to: bigint }>();
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
  return [...byPartition.values()].map((r) => ({ ...r, from: r.from.toString(), to: r.to.toString() }));
}
