import { randomBytes } from 'node:crypto';
import {
  createDatabase,
  dropDatabase,
  uniqueDatabaseName,
  uniqueTopicName,
  waitFor,
  type StackEndpoints,
} from '@sagaflow/stack';
import { ensureTopics } from '@sagaflow/outbox-relay';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { Pool } from 'pg';
import type { SagaflowTransactions } from '../../src/index';
import { createContracts, type Contracts } from '../sample-app/contracts';
import type { SampleEnv } from '../sample-app/services';

/** One suite's isolated share of the stack: its own topics (prefix), consumer groups and two databases. */
export interface SampleSuite {
  env: SampleEnv;
  contracts: Contracts;
  orderDb: Pool;
  participantDb: Pool;
  kafka: Kafka;
  teardown(): Promise<void>;
}

/**
 * Creates the suite's databases and topics (`partitions` each, so tests of one consumer group with
 * several members have partitions to share).
 */
export async function createSampleSuite(
  stack: StackEndpoints,
  name: string,
  partitions = 1,
): Promise<SampleSuite> {
  const orderName = uniqueDatabaseName(`${name}_orders`);
  const participantName = uniqueDatabaseName(`${name}_participant`);
  const orderDbUrl = await createDatabase(stack.databaseUrl, orderName);
  const participantDbUrl = await createDatabase(stack.databaseUrl, participantName);
  const prefix = uniqueTopicName(`sagacore.${name}`);
  const env: SampleEnv = {
    prefix,
    id: `${name.replace(/[^a-z0-9]/g, '')}-${randomBytes(4).toString('hex')}`,
    brokers: stack.kafkaBrokers,
    registryUrl: stack.schemaRegistryUrl,
    orderDbUrl,
    participantDbUrl,
  };
  const contracts = createContracts(prefix);
  const kafka = new Kafka({
    clientId: `${env.id}-test`,
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topics = [...new Set(contracts.all.map((t) => t.topic))];
  await ensureTopics(
    kafka,
    topics.map((topic) => ({ topic, numPartitions: partitions })),
  );
  const orderDb = new Pool({ connectionString: orderDbUrl, max: 2 });
  const participantDb = new Pool({ connectionString: participantDbUrl, max: 2 });
  return {
    env,
    contracts,
    orderDb,
    participantDb,
    kafka,
    async teardown() {
      await orderDb.end();
      await participantDb.end();
      const admin = kafka.admin();
      await admin.connect();
      const existing = await admin.listTopics();
      await admin
        .deleteTopics({ topics: existing.filter((t) => t.startsWith(prefix)) })
        .catch(() => undefined);
      await admin.disconnect();
      await dropDatabase(stack.databaseUrl, orderName);
      await dropDatabase(stack.databaseUrl, participantName);
    },
  };
}

/** Places an order: the OrderPlaced event in the order service's outbox, as its HTTP handler would. */
export async function placeOrder(
  suite: SampleSuite,
  tx: SagaflowTransactions,
  orderId: string,
  scenario = 'ok',
  amount = 100,
): Promise<void> {
  await tx.run((t) => t.emit(suite.contracts.OrderPlaced, { orderId, amount, scenario }));
}

/** The stored instance of an order's saga. */
export interface StoredInstance {
  id: string;
  status: string;
  version: number;
  completed_steps: string[];
  steps: Record<string, { status: string }>;
  stuck_code: string | null;
  stuck_reason: string | null;
  definition_version: number;
}

/** The saga instance of `orderId`, or undefined. */
export async function instanceOf(suite: SampleSuite, orderId: string): Promise<StoredInstance | undefined> {
  const { rows } = await suite.orderDb.query<StoredInstance>(
    `select id, status, version, completed_steps, steps, stuck_code, stuck_reason, definition_version
       from sagaflow.saga_instance where type = 'SampleOrder' and correlation_key = $1`,
    [orderId],
  );
  return rows[0];
}

/** Waits until the order's saga reached `status`; returns the instance. */
export function waitForStatus(
  suite: SampleSuite,
  orderId: string,
  status: string,
  timeoutMs = 60_000,
): Promise<StoredInstance> {
  return waitFor(
    async () => {
      const i = await instanceOf(suite, orderId);
      return i?.status === status ? i : undefined;
    },
    { timeoutMs, intervalMs: 100, description: `saga of ${orderId} to be ${status}` },
  );
}

/** A unique order id. */
export function newOrderId(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** The lifecycle transitions the order service wrote for one saga, in order (from its outbox). */
export async function transitionsOf(suite: SampleSuite, sagaId: string): Promise<string[]> {
  const { rows } = await suite.orderDb.query<{ t: string }>(
    `select e->>'transition' as t
       from sagaflow.outbox o, jsonb_array_elements(o.payload->'transitions') with ordinality as x(e, n)
      where o.message_type = 'sagaflow.SagaTransitions' and o.message_key = $1 order by o.id, x.n`,
    [sagaId],
  );
  return rows.map((r) => r.t);
}

/** Reads the value of one series of a prom-client registry's text output. */
export async function metricValue(
  registryText: string,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  let total = 0;
  for (const line of registryText.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      total += Number(line.split(' ').at(-1));
  }
  return total;
}

/**
 * Every record of `topic` so far, read by a fresh consumer group of the suite, once `until` holds. The
 * reader is pushed to `readers` for the suite's afterAll to disconnect.
 */
export async function readTopic(
  suite: SampleSuite,
  readers: Consumer[],
  topic: string,
  until: (records: KafkaMessage[]) => boolean,
): Promise<KafkaMessage[]> {
  const admin = suite.kafka.admin();
  await admin.connect();
  await waitFor(async () => (await admin.listTopics()).includes(topic), {
    timeoutMs: 30_000,
    description: `topic ${topic} to exist`,
  });
  await admin.disconnect();
  const records: KafkaMessage[] = [];
  const reader = suite.kafka.consumer({ groupId: `${suite.env.id}-reader-${readers.length}` });
  readers.push(reader);
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({ eachMessage: async ({ message }) => void records.push(message) });
  await waitFor(() => until(records), { timeoutMs: 60_000, description: `records on ${topic}` });
  return records;
}
