import type { Pool } from 'pg';

// processed_at bounds the scan through the BRIN index (rows are inserted in processed_at order); SKIP
// LOCKED lets several replicas clean at once, each taking rows the others are not deleting
const deleteSql = /* sql */ `
  delete from sagaflow.inbox
  where ctid = any (array (
    select ctid from sagaflow.inbox
    where processed_at < now() - $1 * interval '1 millisecond'
    limit $2
    for update skip locked))`;

/**
 * Deletes inbox rows older than `retentionMs`, `chunk` rows per statement (each its own short transaction,
 * so no statement holds many locks or one long snapshot), until none is left.
 * @returns how many rows were deleted.
 */
export async function deleteExpiredInboxRows(
  pool: Pool,
  retentionMs: number,
  chunk = 5000,
  signal?: AbortSignal,
): Promise<number> {
  let total = 0;
  while (!signal?.aborted) {
    const n = (await pool.query(deleteSql, [retentionMs, chunk])).rowCount ?? 0;
    total += n;
    if (n < chunk) break;
  }
  return total;
}
