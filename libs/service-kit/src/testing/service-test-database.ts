import { createDatabase, dropDatabase, uniqueDatabaseName } from '@sagaflow/stack';
import { Pool, type PoolClient } from 'pg';
import { runServiceMigrations, type ServiceMigration } from '../database/run-migrations';

/** A suite's own database with one service's tables, on the stack's PostgreSQL. */
export interface ServiceTestDatabase {
  url: string;
  pool: Pool;
  /** Runs `work` in one transaction: commit on success, rollback (and rethrow) on error. */
  inTx<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database, applies the service's migrations, and hands back a pool, so a
 * suite runs beside others and re-runs cleanly.
 * @param adminUrl the stack's `databaseUrl` (`inject('stack').databaseUrl`).
 */
export async function createServiceTestDatabase(
  adminUrl: string,
  prefix: string,
  schema: string,
  migrations: readonly ServiceMigration[],
): Promise<ServiceTestDatabase> {
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(adminUrl, name);
  const pool = new Pool({ connectionString: url, max: 20 });
  await runServiceMigrations(pool, schema, migrations);
  return {
    url,
    pool,
    async inTx(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(client);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    },
    async drop() {
      await pool.end();
      await dropDatabase(adminUrl, name);
    },
  };
}
