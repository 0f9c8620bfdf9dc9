import { Client, type ClientBase, type Pool, type PoolClient } from 'pg';
import { SagaflowError } from '../errors/sagaflow-error';
import type { MigrationSet } from './migration';

// One key for every Sagaflow lib: migrations of different libs may depend on each other's schema.
const migrationLockSql = /* sql */ `select pg_advisory_lock(hashtextextended('sagaflow.migrations', 0))`;
const migrationUnlockSql = /* sql */ `select pg_advisory_unlock(hashtextextended('sagaflow.migrations', 0))`;

const bookkeepingSql = /* sql */ `
  create schema if not exists sagaflow;
  create table if not exists sagaflow.schema_migrations (
    lib text not null,
    version integer not null,
    name text not null,
    applied_at timestamptz not null default now(),
    primary key (lib, version)
  );`;

/**
 * Applies each set's migrations that this database has not seen, in order, each in its own transaction.
 * Several processes may call it at once: a session advisory lock makes them take turns, and the later
 * ones find everything applied.
 * @param db a pool, a connection string, or a client that is not inside a transaction.
 * @throws SagaflowError MIGRATION_FAILED naming the lib, version and name of the failing step.
 */
export async function runMigrations(
  db: Pool | ClientBase | string,
  sets: readonly MigrationSet[],
): Promise<void> {
  for (const set of sets) checkSet(set);
  await withClient(db, async (client) => {
    await client.query(migrationLockSql);
    try {
      await client.query(bookkeepingSql);
      for (const set of sets) await applySet(client, set);
    } finally {
      await client.query(migrationUnlockSql).catch(() => undefined);
    }
  });
}

async function applySet(client: ClientBase, set: MigrationSet): Promise<void> {
  const applied = await client.query<{ version: number; name: string }>(
    /* sql */ `select version, name from sagaflow.schema_migrations where lib = $1`,
    [set.lib],
  );
  const names = new Map(applied.rows.map((r) => [r.version, r.name]));
  for (const m of [...set.migrations].sort((a, b) => a.version - b.version)) {
    const known = names.get(m.version);
    if (known !== undefined) {
      if (known !== m.name) {
        throw new SagaflowError(
          'MIGRATION_FAILED',
          `migration ${set.lib} v${m.version} was applied as "${known}" but this code calls it "${m.name}": a released migration was changed`,
          { context: { lib: set.lib, version: m.version } },
        );
      }
      continue;
    }
    try {
      await client.query('begin');
      await client.query(m.sql);
      await client.query(
        /* sql */ `insert into sagaflow.schema_migrations (lib, version, name) values ($1, $2, $3)`,
        [set.lib, m.version, m.name],
      );
      await client.query('commit');
    } catch (cause) {
      await client.query('rollback').catch(() => undefined);
      throw new SagaflowError(
        'MIGRATION_FAILED',
        `migration ${set.lib} v${m.version} "${m.name}" failed: ${(cause as Error).message}`,
        { cause, context: { lib: set.lib, version: m.version } },
      );
    }
  }
}

function checkSet(set: MigrationSet): void {
  const seen = new Set<number>();
  for (const m of set.migrations) {
    if (!Number.isInteger(m.version) || m.version < 1 || seen.has(m.version)) {
      throw new SagaflowError(
        'MIGRATION_FAILED',
        `migration set ${set.lib}: version ${m.version} ("${m.name}") must be a unique positive integer`,
        { context: { lib: set.lib, version: m.version } },
      );
    }
    seen.add(m.version);
  }
}

async function withClient<T>(
  db: Pool | ClientBase | string,
  work: (c: ClientBase) => Promise<T>,
): Promise<T> {
  if (typeof db === 'string') {
    const client = new Client({ connectionString: db });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
  if (isPool(db)) {
    const client: PoolClient = await db.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }
  return work(db);
}

function isPool(db: Pool | ClientBase): db is Pool {
  return 'idleCount' in db && 'totalCount' in db;
}
