import type { Pool } from 'pg';

const markSql = /* sql */ `update sagaflow.outbox set published_at = now() where id = any($1::bigint[])`;
const deleteSql = /* sql */ `delete from sagaflow.outbox where id = any($1::bigint[])`;

/**
 * Records that Kafka acknowledged these rows. Called only after the ack: a crash before it republishes
 * them with the same message-id (a duplicate, never a loss).
 * @param keep false deletes the rows at once (retention 0).
 */
export async function markPublished(db: Pool, ids: readonly string[], keep: boolean): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    keep
      ? { name: 'sagaflow.mark-published', text: markSql, values: [ids] }
      : { name: 'sagaflow.delete-published', text: deleteSql, values: [ids] },
  );
}
