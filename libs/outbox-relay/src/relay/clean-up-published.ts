import type { Pool } from 'pg';

// created_at bounds the scan through the BRIN index; published_at >= created_at, so nothing is missed
const cleanupSql = /* sql */ `
  delete from sagaflow.outbox
  where ctid = any (array (
    select ctid from sagaflow.outbox
    where created_at < now() - $1 * interval '1 millisecond'
      and published_at < now() - $1 * interval '1 millisecond'
    limit $2))`;

/**
 * Deletes rows published longer than `retentionMs` ago, in chunks so no statement holds many locks.
 * @returns how many rows were deleted.
 */
export async function cleanUpPublished(db: Pool, retentionMs: number, chunk = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db.query(cleanupSql, [retentionMs, chunk]);
    const n = result.rowCount ?? 0;
    total += n;
    if (n < chunk) return total;
  }
}
