import { createDatabase, dropDatabase, uniqueDatabaseName } from '@sagaflow/stack';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { outboxMigrations, runMigrations, SagaflowError, type MigrationSet } from '../src/index';

describe('runMigrations', () => {
  const stack = inject('stack');
  const name = uniqueDatabaseName('relay_migrations');
  let url: string;

  beforeAll(async () => {
    url = await createDatabase(stack.databaseUrl, name);
  });
  afterAll(async () => {
    await dropDatabase(stack.databaseUrl, name);
  });

  const later: MigrationSet = {
    lib: 'spec-lib',
    migrations: [
      { version: 2, name: 'add column', sql: 'alter table sagaflow.spec_thing add column note text' },
      { version: 1, name: 'create thing', sql: 'create table sagaflow.spec_thing (id int primary key)' },
    ],
  };

  it('applies each migration exactly once when several processes start at the same moment', async () => {
    const pool = new Pool({ connectionString: url, max: 3 });
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const sets = [outboxMigrations, later];
      await Promise.all([
        runMigrations(url, sets),
        runMigrations(url, sets),
        runMigrations(pool, sets),
        runMigrations(pool, sets),
        runMigrations(client, sets),
        runMigrations(url, sets),
      ]);
      const { rows } = await client.query(
        'select lib, version, name from sagaflow.schema_migrations order by lib, version',
      );
      expect(rows).toEqual([
        { lib: 'outbox-relay', version: 1, name: 'create outbox' },
        { lib: 'outbox-relay', version: 2, name: 'wake the relay after commit, not from a trigger' },
        { lib: 'outbox-relay', version: 3, name: 'escape the private-use mark of NUL in pending payloads' },
        { lib: 'spec-lib', version: 1, name: 'create thing' },
        { lib: 'spec-lib', version: 2, name: 'add column' },
      ]);
      // applied in version order, so version 2 found the table of version 1
      await client.query("insert into sagaflow.spec_thing (id, note) values (1, 'x')");
      await runMigrations(client, sets);
    } finally {
      await client.end();
      await pool.end();
    }
  });

  it('refuses a released migration whose name changed, naming lib and version', async () => {
    const renamed: MigrationSet = {
      lib: 'spec-lib',
      migrations: [{ ...later.migrations[1]!, name: 'renamed' }],
    };
    const error = await runMigrations(url, [renamed]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SagaflowError);
    expect((error as SagaflowError).code).toBe('MIGRATION_FAILED');
    expect((error as Error).message).toContain('spec-lib v1');
  });

  it('reports a failing migration with its lib, version and name, and leaves it unapplied', async () => {
    const broken: MigrationSet = {
      lib: 'spec-broken',
      migrations: [{ version: 1, name: 'typo', sql: 'create tabel x ()' }],
    };
    await expect(runMigrations(url, [broken])).rejects.toThrow(/spec-broken v1 "typo" failed/);
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rowCount } = await client.query(
      "select 1 from sagaflow.schema_migrations where lib = 'spec-broken'",
    );
    await client.end();
    expect(rowCount).toBe(0);
  });
});
