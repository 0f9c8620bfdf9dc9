import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureTopics } from '@sagaflow/outbox-relay';
import {
  createDatabase,
  dropDatabase,
  uniqueDatabaseName,
  uniqueTopicName,
  type StackEndpoints,
} from '@sagaflow/stack';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { Pool } from 'pg';
import type { SagaflowRuntime } from '../../src/index';
import { memoryLogger } from '../sample-app/services';
import { tickService, tickType } from './batch-app';

/** One suite of the tick service: its topic (one partition), service and consumer group name, database. */
export interface Suite {
  topic: string;
  service: string;
  dbName: string;
  pool: Pool;
  runtime?: SagaflowRuntime;
}

/** The suites' shared steps on the stack: create, produce, start a tick service, read back, tear down. */
export function batchSuites(stack: Pick<StackEndpoints, 'kafkaBrokers' | 'databaseUrl'>) {
  const kafka = new Kafka({
    clientId: 'batch-spec',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });

  async function newSuite(label: string): Promise<Suite> {
    const topic = uniqueTopicName(`batchspec.${label}`);
    const dbName = uniqueDatabaseName(`batch_${label}`);
    const url = await createDatabase(stack.databaseUrl, dbName);
    // one partition: every record of the suite is in one partition's batches
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    return {
      topic,
      service: `batchspec-${label}-${Math.random().toString(36).slice(2, 10)}`,
      dbName,
      pool: new Pool({ connectionString: url, max: 2 }),
    };
  }

  async function produce(topic: string, messages: Message[]): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages, acks: -1 });
    await producer.disconnect();
  }

  async function start(s: Suite): Promise<SagaflowRuntime> {
    const { runtime, start: run } = tickService({
      service: s.service,
      databaseUrl: s.pool.options.connectionString!,
      brokers: stack.kafkaBrokers,
      type: tickType(s.topic),
      logger: memoryLogger(),
    });
    await run();
    s.runtime = runtime;
    return runtime;
  }

  async function applied(s: Suite): Promise<{ key: string; seq: number; message_id: string }[]> {
    return (await s.pool.query('select key, seq, message_id from tick_applied order by n')).rows;
  }

  async function committedOffset(s: Suite): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId: s.service, topics: [s.topic] });
      return Number(t!.partitions[0]!.offset);
    } finally {
      await admin.disconnect();
    }
  }

  async function teardown(s: Suite | undefined): Promise<void> {
    if (!s) return;
    await s.runtime?.stop();
    await s.pool.end();
    await dropDatabase(stack.databaseUrl, s.dbName);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [s.topic, `${s.topic}.dlt`] }).catch(() => undefined);
    await admin.disconnect();
  }

  /**
   * The suite's tick service as a child process (batch-app/crash-main.ts), so a test can SIGKILL it or let
   * a fault point kill it. `exited` resolves with the signal, or the exit code.
   */
  function spawnTickService(
    s: Suite,
    options: { sessionTimeout?: string; env?: Record<string, string> } = {},
  ): { child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> } {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(__dirname, 'crash-main.ts'),
        s.service,
        s.pool.options.connectionString!,
        stack.kafkaBrokers.join(','),
        s.topic,
        ...(options.sessionTimeout === undefined ? [] : [options.sessionTimeout]),
      ],
      {
        cwd: resolve(__dirname, '../..'),
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const exited = new Promise<NodeJS.Signals | number | null>((done) =>
      child.once('exit', (code, signal) => done(signal ?? code)),
    );
    return { child, exited };
  }

  return { kafka, newSuite, produce, start, spawnTickService, applied, committedOffset, teardown };
}
