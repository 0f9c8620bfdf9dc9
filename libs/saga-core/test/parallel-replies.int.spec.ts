import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { defineMessage, ensureTopics, type AnyMessageType } from '@sagaflow/outbox-relay';
import { createDatabase, dropDatabase, uniqueDatabaseName, uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  EndSaga,
  Saga,
  SagaEventHandler,
  sagaSteps,
  SagaflowRuntime,
  StartSaga,
  type SagaContext,
} from '../src/index';
import { memoryLogger } from './sample-app/services';
import { metricValue } from './support/sample-suite';
import './support/provided-context';

interface TallyOpened {
  tallyId: string;
  expected: number;
}
interface ItemCounted {
  tallyId: string;
  item: number;
}
interface TallyState {
  tallyId: string;
  expected: number;
  counted: number[];
}

const replies = 20;

/**
 * A saga that takes `expected` replies, each keyed by its own item (so they spread over every partition
 * of their topic and are handled at once), and completes when it has them all.
 */
function createTally(prefix: string) {
  const ns = prefix.replace(/[^A-Za-z0-9_]/g, '_');
  const TallyOpened = defineMessage<TallyOpened>({
    topic: `${prefix}.tally.events`,
    kind: 'event',
    key: (m) => m.tallyId,
    schema: {
      type: 'record',
      namespace: ns,
      name: 'TallyOpened',
      fields: [
        { name: 'tallyId', type: 'string' },
        { name: 'expected', type: 'int' },
      ],
    },
  });
  const ItemCounted = defineMessage<ItemCounted>({
    topic: `${prefix}.counts.events`,
    kind: 'event',
    key: (m) => `${m.tallyId}:${m.item}`,
    schema: {
      type: 'record',
      namespace: ns,
      name: 'ItemCounted',
      fields: [
        { name: 'tallyId', type: 'string' },
        { name: 'item', type: 'int' },
      ],
    },
  });
  const CloseTally = defineMessage<{ tallyId: string }>({
    topic: `${prefix}.tally.commands`,
    kind: 'command',
    key: (m) => m.tallyId,
    schema: {
      type: 'record',
      namespace: ns,
      name: 'CloseTally',
      fields: [{ name: 'tallyId', type: 'string' }],
    },
  });
  const TallyClosed = defineMessage<{ tallyId: string }>({
    topic: `${prefix}.tally.events`,
    kind: 'event',
    key: (m) => m.tallyId,
    schema: {
      type: 'record',
      namespace: ns,
      name: 'TallyClosed',
      fields: [{ name: 'tallyId', type: 'string' }],
    },
  });
  const steps = sagaSteps<TallyState>()
    .step('close', CloseTally, (s) => ({ tallyId: s.tallyId }))
    .withoutCompensation('never run: the tally completes on its replies');
  type Ctx = SagaContext<TallyState, 'close'>;

  @Saga({
    type: 'Tally',
    version: 1,
    steps,
    // the default budget of five attempts, with short pauses, so conflicting retries meet again
    retry: { attempts: 5, initialBackoff: '1ms', maxBackoff: '10ms' },
  })
  class TallySaga {
    @StartSaga(TallyOpened, { correlate: (e) => e.tallyId })
    open(e: TallyOpened, ctx: Ctx) {
      return ctx.begin({ tallyId: e.tallyId, expected: e.expected, counted: [] });
    }

    @SagaEventHandler(ItemCounted, { correlate: (e) => e.tallyId })
    counted(s: TallyState, e: ItemCounted, ctx: Ctx) {
      const counted = [...s.counted, e.item];
      return counted.length === s.expected ? ctx.complete({ ...s, counted }) : ctx.state({ ...s, counted });
    }

    @SagaEventHandler(TallyClosed, { correlate: (e) => e.tallyId })
    @EndSaga()
    closed(_s: TallyState, _e: { tallyId: string }, ctx: Ctx) {
      return ctx.complete();
    }
  }
  return {
    TallyOpened,
    ItemCounted,
    Saga: TallySaga,
    all: [TallyOpened, TallyClosed, ItemCounted, CloseTally] as AnyMessageType[],
  };
}

describe('Order and concurrency (guarantee 3): parallel replies to one saga instance conflict, and none of them is dead-lettered for it', () => {
  const stack = inject('stack');
  const id = `tally-${randomBytes(4).toString('hex')}`;
  const prefix = uniqueTopicName('sagacore.tally');
  const tally = createTally(prefix);
  const name = uniqueDatabaseName('tally');
  let db: Pool;
  let runtime: SagaflowRuntime;
  const log = memoryLogger();

  beforeAll(async () => {
    const url = await createDatabase(stack.databaseUrl, name);
    const kafka = new Kafka({
      clientId: `${id}-setup`,
      brokers: stack.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    await ensureTopics(kafka, [
      { topic: tally.TallyOpened.topic, numPartitions: 1 },
      // one partition per reply: each is fetched in a batch of its own, all handled at once
      { topic: tally.ItemCounted.topic, numPartitions: replies },
    ]);
    db = new Pool({ connectionString: url, max: 2 });
    runtime = new SagaflowRuntime({
      service: id,
      databaseUrl: url,
      kafka: { brokers: stack.kafkaBrokers },
      codec: { kind: 'avro', registryUrl: stack.schemaRegistryUrl },
      catalog: tally.all,
      consumer: {
        partitionsConsumedConcurrently: replies,
        concurrentTransactions: replies,
        sessionTimeout: '10s',
        heartbeatInterval: '1s',
      },
      database: { poolSize: replies + 10 },
      relay: { retention: '1h' },
      logger: log,
    });
    await runtime.start({ sagas: [new tally.Saga()] });
  });

  afterAll(async () => {
    await runtime?.stop();
    await db?.end();
    const kafka = new Kafka({
      clientId: `${id}-teardown`,
      brokers: stack.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const existing = await admin.listTopics();
    await admin.deleteTopics({ topics: existing.filter((t) => t.startsWith(prefix)) }).catch(() => undefined);
    await admin.disconnect();
    await dropDatabase(stack.databaseUrl, name);
  });

  it(`${replies} replies to one instance arriving at once are each applied once, none dead-lettered`, async () => {
    const tallyId = `t-${randomBytes(4).toString('hex')}`;
    await runtime.transactions.run((t) => t.emit(tally.TallyOpened, { tallyId, expected: replies }));
    await waitFor(
      async () =>
        (
          await db.query(
            `select 1 from sagaflow.saga_instance where type = 'Tally' and correlation_key = $1`,
            [tallyId],
          )
        ).rows.length > 0,
      { timeoutMs: 30_000, description: 'the tally to start' },
    );
    // all replies in one commit: the relay publishes them together, one to each partition
    await runtime.transactions.run(async (t) => {
      for (let item = 1; item <= replies; item++) await t.emit(tally.ItemCounted, { tallyId, item });
    });
    const metrics = async () => runtime.metrics.registry.metrics();
    const done = await waitFor(
      async () => {
        const { rows } = await db.query<{ status: string; state: TallyState }>(
          `select status, state from sagaflow.saga_instance where type = 'Tally' and correlation_key = $1`,
          [tallyId],
        );
        const deadLettered = await metricValue(await metrics(), 'sagaflow_messages_dead_lettered_total', {});
        // a dead-lettered reply can never complete the tally: stop waiting at once
        if (deadLettered > 0) return { status: 'DEAD_LETTERED', state: rows[0]?.state, deadLettered };
        return rows[0]?.status === 'COMPLETED' ? { ...rows[0], deadLettered } : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: `the tally to take its ${replies} replies` },
    );
    expect(done.deadLettered).toBe(0);
    expect(done.status).toBe('COMPLETED');
    expect([...done.state!.counted].sort((a, b) => a - b)).toEqual(
      Array.from({ length: replies }, (_, i) => i + 1),
    );
    // the replies met each other: the test is about conflicts, so there must have been some
    expect(
      await metricValue(await metrics(), 'sagaflow_message_retries_total', {
        error_code: 'CONCURRENCY_CONFLICT',
      }),
    ).toBeGreaterThan(0);
  });
});
