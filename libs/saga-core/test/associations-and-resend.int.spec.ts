import { newMessageId, outboxMigrations, runMigrations, SagaflowError } from '@sagaflow/outbox-relay';
import { createDatabase, dropDatabase, uniqueDatabaseName } from '@sagaflow/stack';
import { Pool, type PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SagaInstance } from '../src/engine/saga-instance';
import { sagaMigrations } from '../src/migrations/saga-migrations';
import { loadInstance, loadInstanceById } from '../src/store/load-instance';
import { prepareResend } from '../src/store/prepare-resend';
import { removeAssociations, saveAssociations } from '../src/store/save-associations';
import { saveInstance } from '../src/store/save-instance';
import './support/provided-context';

// The store functions behind associations and step re-sends, on real PostgreSQL.
describe('associations and re-sends in PostgreSQL', () => {
  const stack = inject('stack');
  const name = uniqueDatabaseName('assoc_resend');
  let pool: Pool;
  let db: PoolClient;

  beforeAll(async () => {
    pool = new Pool({ connectionString: await createDatabase(stack.databaseUrl, name), max: 1 });
    await runMigrations(pool, [outboxMigrations, sagaMigrations]);
    db = await pool.connect();
  });
  afterAll(async () => {
    db?.release();
    await pool?.end();
    await dropDatabase(stack.databaseUrl, name);
  });

  const instance = (key: string): SagaInstance => ({
    id: newMessageId(),
    correlationId: newMessageId(),
    type: 'Trip',
    definitionVersion: 1,
    correlationKey: key,
    status: 'RUNNING',
    state: {},
    steps: {},
    completedSteps: [],
    version: 1,
    startedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });

  it('an instance is found by any key it associated, with its associations, until they are removed', async () => {
    const a = instance('trip-a');
    await saveInstance(db, a, true);
    await saveAssociations(db, a, ['rental:1', 'payment:9']);
    await saveAssociations(db, a, ['rental:1']); // again: a no-op
    expect((await loadInstance(db, 'Trip', 'rental:1'))?.id).toBe(a.id);
    expect((await loadInstance(db, 'Trip', 'trip-a'))?.associations).toEqual(['payment:9', 'rental:1']);
    expect((await loadInstanceById(db, a.id))?.associations).toEqual(['payment:9', 'rental:1']);
    expect(await loadInstance(db, 'OtherType', 'rental:1')).toBeUndefined();
    await removeAssociations(db, a.id);
    expect(await loadInstance(db, 'Trip', 'rental:1')).toBeUndefined();
    expect((await loadInstance(db, 'Trip', 'trip-a'))?.associations).toBeUndefined();
  });

  it('a key another instance answers to is refused, naming the owner, and is not retried', async () => {
    const b = instance('trip-b');
    const c = instance('trip-c');
    await saveInstance(db, b, true);
    await saveInstance(db, c, true);
    await saveAssociations(db, b, ['rental:2']);
    const taken = await saveAssociations(db, c, ['rental:2']).catch((e: unknown) => e);
    expect(taken instanceof SagaflowError && taken.retriable).toBe(false);
    expect((taken as Error).message).toContain(
      `associates key rental:2, which instance ${b.id} already answers to`,
    );
    const asKey = await saveAssociations(db, c, ['trip-b']).catch((e: unknown) => e);
    expect((asKey as Error).message).toContain(`which instance ${b.id} already answers to`);
  });

  it('a re-send waits while the first send is unpublished, and replaces it once published and retained', async () => {
    const id = newMessageId();
    const row = /* sql */ `insert into sagaflow.outbox (message_id, topic, message_key, message_type, payload, correlation_id, source, occurred_at)
      values ($1, 't', 'k', 'x.Cmd', '{}', 'c', 'test', now())`;
    expect(await prepareResend(db, id)).toBe('ready'); // nothing there (cleaned up, or never written)
    await db.query(row, [id]);
    expect(await prepareResend(db, id)).toBe('pending');
    expect((await db.query('select 1 from sagaflow.outbox where message_id = $1', [id])).rowCount).toBe(1);
    await db.query('update sagaflow.outbox set published_at = now() where message_id = $1', [id]);
    expect(await prepareResend(db, id)).toBe('ready');
    expect((await db.query('select 1 from sagaflow.outbox where message_id = $1', [id])).rowCount).toBe(0);
    await db.query(row, [id]); // the re-send takes the same id
  });
});
