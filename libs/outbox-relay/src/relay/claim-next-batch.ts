import type { Pool } from 'pg';
import type { OutboxRow, RowPosition } from './outbox-row';

const columns = /* sql */ `
  o.id, o.xid::text as xid, o.message_id as "messageId", o.topic, o.message_key as key,
  o.message_type as "messageType", o.payload::text as payload, o.correlation_id as "correlationId",
  o.causation_id as "causationId", o.saga_type as "sagaType", o.source, o.traceparent,
  o.occurred_at as "occurredAt"`;

// Rows below the snapshot's xmin belong to transactions that have all ended, so no row can still appear
// before them: reading in (xid, id) order below that horizon never skips a late commit.
// A key with a set-aside row is held back entirely, so its later rows never overtake it.
const eligible = /* sql */ `
  o.published_at is null and o.failed_at is null
  and o.xid < pg_snapshot_xmin(pg_current_snapshot())
  and not exists (
    select 1 from sagaflow.outbox p
    where p.failed_at is not null and p.published_at is null
      and p.topic = o.topic and p.message_key = o.message_key)`;

const fromStartSql = /* sql */ `
  select ${columns} from sagaflow.outbox o
  where ${eligible}
  order by o.xid, o.id
  limit $1`;

const afterSql = /* sql */ `
  select ${columns} from sagaflow.outbox o
  where ${eligible} and (o.xid, o.id) > ($2::xid8, $3::bigint)
  order by o.xid, o.id
  limit $1`;

const behindHorizonSql = /* sql */ `
  select exists (
    select 1 from sagaflow.outbox
    where published_at is null and failed_at is null
      and xid >= pg_snapshot_xmin(pg_current_snapshot())) as waiting`;

/**
 * The next rows to publish, oldest first in (xid, id) order; `after` continues where the previous batch
 * ended so the relay can read ahead while that batch is still being sent and marked.
 */
export async function claimNextBatch(
  db: Pool,
  options: { limit: number; after?: RowPosition | undefined },
): Promise<OutboxRow[]> {
  const { limit, after } = options;
  const result = after
    ? await db.query<OutboxRow>(afterSql, [limit, after.xid, after.id])
    : await db.query<OutboxRow>(fromStartSql, [limit]);
  return result.rows;
}

/** Whether committed-or-not rows wait above the horizon, i.e. an older transaction is still open. */
export async function rowsWaitBehindHorizon(db: Pool): Promise<boolean> {
  const result = await db.query<{ waiting: boolean }>(behindHorizonSql);
  return result.rows[0]?.waiting ?? false;
}
