import { createDatabase, dropDatabase, uniqueDatabaseName } from '@sagaflow/stack';
import { newMessageId, outboxMigrations, runMigrations } from '@sagaflow/outbox-relay';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SagaInstance } from '../src/engine/saga-instance';
import { sagaMigrations } from '../src/migrations/saga-migrations';
import { saveAssociations } from '../src/store/save-associations';
import { saveInstance } from '../src/store/save-instance';
import { inboxKey, instanceKey, recordInboxAndLoad } from '../src/store/record-inbox-and-load';
import { writeInstanceChanges } from '../src/store/write-instance-changes';
import './support/provided-context';

// The two statements every consuming transaction is built on: what they report decides whether a
// message is a duplicate and whether a save lost a race, so each answer is checked against the tables.
describe('instance store: the inbox and the instances read in one statement, the changes written in one', () => {
  const stack = inject('stack');
  const name = uniqueDatabaseName('instance_store');
  let db: Pool;

  beforeAll(async () => {
    db = new Pool({ connectionString: await createDatabase(stack.databaseUrl, name), max: 3 });
    await runMigrations(db, [outboxMigrations, sagaMigrations]);
  });
  afterAll(async () => {
    await db.end();
    await dropDatabase(stack.databaseUrl, name);
  });

  const instance = (key: string, over: Partial<SagaInstance> = {}): SagaInstance => ({
    id: newMessageId(),
    correlationId: `c-${key}`,
    type: 'Store',
    definitionVersion: 1,
    correlationKey: key,
    status: 'RUNNING',
    state: { key, nul: 'a\u00e9b' },
    steps: { one: { status: 'STARTED', attempts: 1 } },
    completedSteps: [],
    version: 1,
    startedAt: '2026-12-02T10:00:00.123Z',
    updatedAt: '2026-12-02T10:00:00.456Z',
    ...over,
  });

  it('reports which inbox pairs are new and finds instances by correlation key and by associated key', async () => {
    const a = instance('a');
    const b = instance('b');
    await saveInstance(db as never, a, true);
    await saveInstance(db as never, b, true);
    await saveAssociations(db as never, b, ['rental:R-1']);
    const seen = newMessageId();
    await db.query(
      `insert into sagaflow.inbox (consumer, message_id, message_type) values ('saga:Store', $1, 'X')`,
      [seen],
    );
    const fresh = newMessageId();
    const result = await recordInboxAndLoad(
      db as never,
      [
        { consumer: 'saga:Store', messageId: seen, messageType: 'X' },
        { consumer: 'saga:Store', messageId: fresh, messageType: 'X' },
        { consumer: 'reaction:other', messageId: seen, messageType: 'X' },
      ],
      [
        { type: 'Store', correlationKey: 'a' },
        { type: 'Store', correlationKey: 'rental:R-1' },
        { type: 'Store', correlationKey: 'nobody' },
      ],
    );
    expect([...result.fresh].sort()).toEqual(
      [inboxKey('saga:Store', fresh), inboxKey('reaction:other', seen)].sort(),
    );
    expect(result.instances.get(instanceKey('Store', 'a'))).toEqual(a);
    expect(result.instances.get(instanceKey('Store', 'rental:R-1'))?.id).toBe(b.id);
    expect(result.instances.get(instanceKey('Store', 'rental:R-1'))?.associations).toEqual(['rental:R-1']);
    expect(result.instances.has(instanceKey('Store', 'nobody'))).toBe(false);
    const { rows } = await db.query(`select count(*)::int as n from sagaflow.inbox`);
    expect(rows[0].n).toBe(3);
  });

  it('inserts, updates only at the expected version, and schedules and cancels deadlines, in one statement', async () => {
    const kept = instance('kept');
    const raced = instance('raced');
    await saveInstance(db as never, kept, true);
    await saveInstance(db as never, raced, true);
    await db.query(
      `insert into sagaflow.saga_deadline (saga_id, name, saga_type, due_at) values ($1, 'step', 'Store', now())`,
      [kept.id],
    );
    const started = instance('started');
    const duplicate = instance('kept'); // another transaction started 'kept' first
    const due = new Date('2026-12-02T11:00:00Z');
    const written = await writeInstanceChanges(db as never, {
      inserts: [started, duplicate],
      updates: [
        { instance: { ...kept, status: 'COMPLETED', version: 2, endedAt: due.toISOString() }, expected: 1 },
        { instance: { ...raced, status: 'FAILED', version: 3 }, expected: 2 },
      ],
      deadlines: [
        { sagaId: kept.id, sagaType: 'Store', name: 'step', dueAt: null },
        { sagaId: started.id, sagaType: 'Store', name: 'saga', dueAt: due },
        { sagaId: duplicate.id, sagaType: 'Store', name: 'saga', dueAt: due },
      ],
    });
    expect([...written.inserted]).toEqual([started.id]);
    expect([...written.updated]).toEqual([kept.id]);
    const instances = await db.query(
      `select correlation_key as k, status, version from sagaflow.saga_instance where correlation_key in ('kept', 'raced', 'started') order by 1`,
    );
    expect(instances.rows).toEqual([
      { k: 'kept', status: 'COMPLETED', version: 2 },
      { k: 'raced', status: 'RUNNING', version: 1 },
      { k: 'started', status: 'RUNNING', version: 1 },
    ]);
    const deadlines = await db.query(`select saga_id::text as id, name, due_at from sagaflow.saga_deadline`);
    // the lost insert's deadline is left out: it would name an instance that does not exist
    expect(deadlines.rows).toEqual([{ id: started.id, name: 'saga', due_at: due }]);
  });

  it('writes nothing and asks nothing when there is nothing to write', async () => {
    const written = await writeInstanceChanges(db as never, { inserts: [], updates: [], deadlines: [] });
    expect(written.inserted.size + written.updated.size).toBe(0);
    const read = await recordInboxAndLoad(db as never, [], []);
    expect(read.fresh.size + read.instances.size).toBe(0);
  });
});
