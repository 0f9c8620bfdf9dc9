import { createDatabase, dropDatabase, uniqueDatabaseName } from '@sagaflow/stack';
import { Pool } from 'pg';
import { outboxMigrations, runMigrations } from '../../src/index';

/** A database of its own with the outbox migrated, for one suite. */
export interface OutboxDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

export async function createOutboxDatabase(adminUrl: string, prefix: string): Promise<OutboxDatabase> {
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(adminUrl, name);
  await runMigrations(url, [outboxMigrations]);
  const pool = new Pool({ connectionString: url, max: 20 });
  // dropping the database with (force) ends connections the pool may still hold
  pool.on('error', () => undefined);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(adminUrl, name);
    },
  };
}
