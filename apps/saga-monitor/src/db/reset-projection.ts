import type { Pool } from 'pg';
import { monitorMigrations } from './monitor-migrations';

/**
 * Drops the whole projection, offsets included, so the next start replays every topic from its earliest
 * offset. The migrations' bookkeeping rows go too, so they run again on an empty schema.
 */
export async function resetProjection(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(/* sql */ `drop schema if exists monitor cascade`);
    await client.query(/* sql */ `
      do $$ begin
        if to_regclass('sagaflow.schema_migrations') is not null then
          delete from sagaflow.schema_migrations where lib = '${monitorMigrations.lib}';
        end if;
      end $$`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
