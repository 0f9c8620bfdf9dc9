import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * A database name unique to this run, safe to use unquoted: `<prefix>_<random>`.
 * Suites use one each so they run in parallel and re-run cleanly.
 */
export function uniqueDatabaseName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40);
  return `${clean}_${randomBytes(5).toString('hex')}`;
}

/** The same server and credentials as `adminUrl`, pointed at database `name`. */
export function databaseUrlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`database name "${name}" must match [a-z_][a-z0-9_]{0,62}`);
  }
}

/**
 * Creates database `name` on the server of `adminUrl` unless it exists; returns its URL.
 * Two processes creating the same name at once both succeed.
 */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  assertIdentifier(name);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`create database "${name}"`);
      } catch (error) {
        // 42P04 duplicate_database, 23505 when the catalog insert races: another process won
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await client.end();
  }
  return databaseUrlFor(adminUrl, name);
}

/**
 * Drops database `name`. Connections that are closing get a moment to finish (a pool's `end()` resolves
 * before its sockets are gone, and a forced drop would kill them mid-goodbye: an unhandled FATAL 57P01 in
 * the test that owned them); whoever is still connected after that is disconnected.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertIdentifier(name);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1',
        [name],
      );
      if (rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}
