import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, dropDatabase, uniqueDatabaseName, waitFor } from '../src/index';

describe('PostgreSQL (real server) with pg', () => {
  const { databaseUrl } = inject('stack');
  const name = uniqueDatabaseName('stack_pg_spec');
  let url: string;
  const clients: Client[] = [];

  async function connect(): Promise<Client> {
    const client = new Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    url = await createDatabase(databaseUrl, name);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await dropDatabase(databaseUrl, name);
  });

  it('creates a database of its own, idempotently', async () => {
    expect(await createDatabase(databaseUrl, name)).toBe(url);
    const c = await connect();
    expect((await c.query('select current_database() as db')).rows[0].db).toBe(name);
  });

  it('keeps a rolled-back transaction invisible and a committed one visible', async () => {
    const writer = await connect();
    const reader = await connect();
    await writer.query('create table t (id int primary key)');
    await writer.query('begin');
    await writer.query('insert into t values (1)');
    expect((await reader.query('select count(*)::int as n from t')).rows[0].n).toBe(0);
    await writer.query('rollback');
    await writer.query('begin');
    await writer.query('insert into t values (2)');
    await writer.query('commit');
    expect((await reader.query('select id from t')).rows).toEqual([{ id: 2 }]);
  });

  it('delivers NOTIFY to a LISTENer only when the notifying transaction commits', async () => {
    const listener = await connect();
    const notifier = await connect();
    const received: string[] = [];
    listener.on('notification', (n) => received.push(n.payload ?? ''));
    await listener.query('listen stack_spec');
    await notifier.query('begin');
    await notifier.query("select pg_notify('stack_spec', 'rolled-back')");
    await notifier.query('rollback');
    await notifier.query("select pg_notify('stack_spec', 'hello')");
    await waitFor(() => received.length > 0, { timeoutMs: 5_000, description: 'the notification' });
    expect(received).toEqual(['hello']);
  });
});
