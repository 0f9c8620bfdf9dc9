import type { Pool } from 'pg';
import type { OutboxRow } from './outbox-row';
import type { SetAsideKey } from './set-aside';

// Pending rows by state, in id order, with no high-water mark: a row that commits late with a lower id is
// still pending on the next read, so none is ever skipped. Writers of one key are serialised by a lock
// held when they append (decision 0005), so a key's ids follow its commit order and a visible row's
// earlier rows of the same key are visible too.
const columns = /* sql */ `
  o.id, o.message_id as "messageId", o.topic, o.message_key as key,
  o.message_type as "messageType", o.payload::text as payload, o.correlation_id as "correlationId",
  o.causation_id as "causationId", o.saga_type as "sagaType", o.source, o.traceparent,
  o.occurred_at as "occurredAt"`;

const claimSql = /* sql */ `
  select ${columns} from sagaflow.outbox o
  where o.published_at is null and o.failed_at is null and o.id <> all ($2::bigint[])
  order by o.id
  limit $1`;

// Set-aside rows are few and the leader knows them, so they come as parameters: a correlated lookup in the
// table gets a seq-scan plan on a freshly bulk-loaded, not yet analysed outbox.
const claimHoldingBackSql = /* sql */ `
  select ${columns} from sagaflow.outbox o
  where o.published_at is null and o.failed_at is null and o.id <> all ($2::bigint[])
    and not exists (
      select 1 from unnest($3::text[], $4::text[], $5::bigint[]) as b(topic, message_key, id)
      where b.topic = o.topic and b.message_key = o.message_key and b.id < o.id)
  order by o.id
  limit $1`;

/**
 * The next rows to publish, in id order.
 * @param inFlight ids already sent or being sent and not yet marked; the relay reads ahead while a batch
 * is on its way, and those rows must not be read twice. Earlier rows of a key that are in flight were
 * sent before, so they do not hold the key back.
 * @param setAside the first set-aside row of each held-back key: later rows of that key are not returned.
 */
export async function claimNextBatch(
  db: Pool,
  options: { limit: number; inFlight?: readonly string[]; setAside?: readonly SetAsideKey[] },
): Promise<OutboxRow[]> {
  const { limit, inFlight = [], setAside = [] } = options;
  const result =
    setAside.length === 0
      ? await db.query<OutboxRow>({
          name: 'sagaflow.claim-next-batch',
          text: claimSql,
          values: [limit, inFlight],
        })
      : await db.query<OutboxRow>({
          name: 'sagaflow.claim-next-batch-holding-back',
          text: claimHoldingBackSql,
          values: [
            limit,
            inFlight,
            setAside.map((k) => k.topic),
            setAside.map((k) => k.key),
            setAside.map((k) => k.id),
          ],
        });
  return result.rows;
}
