import { defineMessage, ensureTopics } from '@sagaflow/outbox-relay';
import { createDatabase, dropDatabase, uniqueDatabaseName, uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OnEvent, SagaflowRuntime, type MessageContext } from '../src/index';
import { memoryLogger } from './sample-app/services';
import './support/provided-context';

// A service added to a running system: where its new consumer group starts reading is
// `consumer.fromBeginning` — true (the default) handles what was written before it first started, false
// starts at the end of each topic (the loyalty service that must not award points for old orders).
const stack = inject('stack');
const prefix = uniqueTopicName('sagacore.startpos');
const ns = prefix.replace(/[^A-Za-z0-9_]/g, '_');
const id = `startpos-${ns.slice(-10)}`;
const OrderApproved = defineMessage<{ id: string }>({
  topic: `${prefix}.orders`,
  kind: 'event',
  key: (m) => m.id,
  schema: { type: 'record', namespace: ns, name: 'OrderApproved', fields: [{ name: 'id', type: 'string' }] },
});

function loyalty() {
  const seen: string[] = [];
  class Loyalty {
    @OnEvent(OrderApproved)
    async award(e: { id: string }, _ctx: MessageContext): Promise<void> {
      seen.push(e.id);
    }
  }
  return { seen, reaction: new Loyalty() };
}

const databases: string[] = [];
const runtimes: SagaflowRuntime[] = [];
const kafka = new Kafka({ clientId: `${id}-test`, brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });

async function startService(name: string, participant: object, fromBeginning?: boolean) {
  const database = uniqueDatabaseName(`startpos_${name}`);
  databases.push(database);
  const runtime = new SagaflowRuntime({
    service: `${id}-${name}`,
    databaseUrl: await createDatabase(stack.databaseUrl, database),
    kafka: { brokers: stack.kafkaBrokers },
    codec: { kind: 'avro', registryUrl: stack.schemaRegistryUrl },
    catalog: [OrderApproved],
    database: { poolSize: 3 },
    logger: memoryLogger(),
    ...(fromBeginning === undefined ? {} : { consumer: { fromBeginning } }),
  });
  runtimes.push(runtime);
  await runtime.start({ participants: [participant] });
  return runtime;
}

beforeAll(async () => {
  await ensureTopics(kafka, [{ topic: OrderApproved.topic }]);
});
afterAll(async () => {
  for (const r of runtimes) await r.stop();
  for (const d of databases) await dropDatabase(stack.databaseUrl, d);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [OrderApproved.topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe('consumer.fromBeginning: where a new consumer group starts reading', () => {
  it('false skips what was written before the group first joined; the default (true) handles it', async () => {
    const orders = loyalty();
    const writer = await startService('orders', orders.reaction);
    await writer.transactions.run((tx) => tx.emit(OrderApproved, { id: 'old' }));
    await waitFor(async () => orders.seen.includes('old'), {
      timeoutMs: 30_000,
      description: 'the old order published and handled by the service that wrote it',
    });

    const late = loyalty();
    const history = loyalty();
    await startService('late', late.reaction, false);
    await startService('history', history.reaction);
    // The late group starts at the end of the topic once it has its partitions: keep approving orders
    // until it handles one, which proves it reads, then check it never saw the old one.
    let n = 0;
    await waitFor(
      async () => {
        await writer.transactions.run((tx) => tx.emit(OrderApproved, { id: `new-${n++}` }));
        return late.seen.length > 0;
      },
      {
        timeoutMs: 45_000,
        intervalMs: 500,
        description: 'the late service handling an order approved after it started',
      },
    );
    await waitFor(async () => history.seen.includes('old') && history.seen.includes('new-0'), {
      timeoutMs: 30_000,
      description: 'the default service handling the old order and the new ones',
    });
    expect(late.seen).not.toContain('old');
  });
});
