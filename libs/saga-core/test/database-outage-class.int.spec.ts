import 'reflect-metadata';
import { waitFor } from '@sagaflow/stack';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SagaflowRuntime } from '../src/index';
import { effectsOf } from './sample-app/participant';
import { memoryLogger, startOrderService, startParticipantService } from './sample-app/services';
import './support/provided-context';
import {
  createSampleSuite,
  metricValue,
  newOrderId,
  placeOrder,
  waitForStatus,
  type SampleSuite,
} from './support/sample-suite';

describe('Poison messages (guarantee 5) are told from outages: a database that cannot take writes is waited out, not blamed on the message', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let orders: SagaflowRuntime;
  let participant: SagaflowRuntime;
  let admin: Client;
  let database: string;
  const participantLog = memoryLogger();

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'dbclass');
    // the test ends the database's sessions: the suite's idle ones go too
    suite.participantDb.on('error', () => undefined);
    database = new URL(suite.env.participantDbUrl).pathname.slice(1);
    admin = new Client({ connectionString: stack.databaseUrl });
    await admin.connect();
    participant = await startParticipantService(suite.env, {
      contracts: suite.contracts,
      logger: participantLog,
    });
    orders = await startOrderService(suite.env, { contracts: suite.contracts });
  });

  afterAll(async () => {
    await admin
      ?.query(`alter database "${database}" reset default_transaction_read_only`)
      .catch(() => undefined);
    await admin?.end();
    await orders?.stop();
    await participant?.stop();
    await suite?.teardown();
  });

  it('a database read-only after a failover (25006, its old sessions ended) is waited out: the saga completes, nothing is dead-lettered', async () => {
    // as after a failover to a replica: every new session is read-only, the old ones are ended
    await admin.query(`alter database "${database}" set default_transaction_read_only = on`);
    await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    const orderId = newOrderId('readonly');
    await placeOrder(suite, orders.transactions, orderId);
    await waitFor(
      () =>
        participantLog.lines.some(
          (l) =>
            l.msg === 'batch transaction failed, database unavailable; retrying' &&
            String((l.error as Error | undefined)?.message).includes('read-only'),
        ),
      { timeoutMs: 30_000, description: 'the participant to wait for its read-only database' },
    );
    await admin.query(`alter database "${database}" reset default_transaction_read_only`);
    await waitForStatus(suite, orderId, 'COMPLETED');
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'charge', 'ship']);
    expect(
      await metricValue(
        await participant.metrics.registry.metrics(),
        'sagaflow_messages_dead_lettered_total',
        {},
      ),
    ).toBe(0);
  });
});
