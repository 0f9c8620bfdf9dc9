import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on a client of its own: commit when it resolves, rollback when it throws.
 * Every retry calls this again, so a retried attempt never runs inside the transaction that failed.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => {
      // a connection that cannot roll back is not given back to the pool
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
