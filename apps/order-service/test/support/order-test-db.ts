import { createDatabase, dropDatabase, uniqueDatabaseName, type StackEndpoints } from '@sagaflow/stack';
import { Pool, type PoolClient } from 'pg';
import { orderMigrations, orderSchema } from '../../src/orders/order-migrations';
import { runServiceMigrations } from '@sagaflow/service-kit';

/** A database of its own with order-service's tables, for one suite. */
export async function createOrderTestDb(
  stack: StackEndpoints,
  prefix: string,
): Promise<{ url: string; pool: Pool; drop: () => Promise<void> }> {
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(stack.databaseUrl, name);
  const pool = new Pool({ connectionString: url, max: 10 });
  await runServiceMigrations(pool, orderSchema, orderMigrations);
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      await dropDatabase(stack.databaseUrl, name);
    },
  };
}

/** A message emitted through a recording context. */
export interface Emitted {
  type: string;
  payload: unknown;
  correlationId?: string;
}

/** Runs `work` in one transaction of `pool`: commit on success, rollback on error. */
export async function inTx<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (e) {
    await client.query('rollback');
    throw e;
  } finally {
    client.release();
  }
}
