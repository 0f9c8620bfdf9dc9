import type { Pool } from 'pg';

/** What waits in the outbox right now. */
export interface PendingStats {
  pending: number;
  oldestPendingAgeSeconds: number;
  setAside: number;
}

/** Counts pending and set-aside rows and the age of the oldest pending one. */
export async function readPendingStats(db: Pool): Promise<PendingStats> {
  const result = await db.query<{ pending: string; age: number | null; set_aside: string }>(/* sql */ `
    select count(*) as pending,
           extract(epoch from now() - min(created_at))::float8 as age,
           count(*) filter (where failed_at is not null) as set_aside
    from sagaflow.outbox where published_at is null`);
  const row = result.rows[0];
  return {
    pending: Number(row?.pending ?? 0),
    oldestPendingAgeSeconds: row?.age ?? 0,
    setAside: Number(row?.set_aside ?? 0),
  };
}
