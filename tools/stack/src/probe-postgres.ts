import { Client } from 'pg';

/** Connects and runs `select 1`; rejects with pg's error when the server does not answer. */
export async function probePostgres(databaseUrl: string, timeoutMs = 2_000): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}
