import type { Pool } from 'pg';
import type { OutboxRow } from './outbox-row';

// Pending rows by state, in id order, with no high-water mark: a row that commits late with a lower id is
// still pending on the next read, so none is ever skipped. Writers of one key are serialised by a lock
// held when they append (decision 0005), so a key's ids follow its commit order and a visible row's
// earlier rows of the same key are visible too. A key with a set-aside row is held back from that row on.
const claimSql = /* sql */ `
  select o.id, o.message_id as "messageId", o.topic, o.message_key as key,
         o.message_type as "messageType", o.payload::text as payload, o.correlation_id as "correlationId",
         o.causation_id as "causationId", o.saga_type as "sagaType", o.source, o.traceparent,
         o.occurred_at as "occurredAt"
  from sagaflow.outbox o
  where o.published_at is null and o.failed_at is null
    and o.id <> all ($2::bigint[])
    and not exists (
      select 1 from sagaflow.outbox p
      where p.failed_at is not null and p.published_at is null
        and p.topic = o.topic and p.message_key = o.message_key and p.id < o.id)
  order by o.id
  limit $1`;

/**
 * The next rows to publish, in id order.
 * @param inFlight ids already sent or being sent and not yet marked; the relay reads ahead while a batch
 * is on its way, and those rows must not be read twice. Earlier rows of a key that are in flight were
 * sent before, so they do not hold the key back.
 */
export async function claimNextBatch(
  db: Pool,
  options: { limit: number; inFlight?: readonly string[] },
): Promise<OutboxRow[]> {
  const result = await db.query<OutboxRow>(claimSql, [options.limit, options.inFlight ?? []]);
  return result.rows;
}
