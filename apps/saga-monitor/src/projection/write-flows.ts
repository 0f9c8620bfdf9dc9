import type { PoolClient } from 'pg';
import { definitionType } from '../flows/flow-message';
import { timeOf } from './derive-interactions';
import type { ProjectedMessage } from './projected-message';

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
