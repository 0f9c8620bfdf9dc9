import 'reflect-metadata';
import { waitFor } from '@sagaflow/stack';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SagaflowRuntime } from '../src/index';
import { createOrderSaga } from './sample-app/order-saga';
import { createParticipant, effectsOf, participantSchemaSql } from './sample-app/participant';
import { memoryLogger } from './sample-app/services';
import './support/provided-context';
import {
  createSampleSuite,
  metricValue,
  newOrderId,
  placeOrder,
  readTopic,
  waitForStatus,
  type SampleSuite,
} from './support/sample-suite';

// A saga and the participant of its steps in one service, one database: with consumer.deliverInProcess
// every step's command and reply is applied in the transaction that emitted it, not after a Kafka round
// trip, and each still once (decision 0067).
describe('Effectively once (guarantee 2), in process: a service applies what it emits to its own consumers in the same transaction', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let runtime: SagaflowRuntime;
  const log = memoryLogger();
  const readers: Consumer[] = [];

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'in_process');
    await suite.orderDb.query(participantSchemaSql);
    runtime = new SagaflowRuntime({
      service: `${suite.env.id}-orders`,
      databaseUrl: suite.env.orderDbUrl,
      kafka: { brokers: suite.env.brokers },
      codec: { kind: 'avro', registryUrl: suite.env.registryUrl },
      catalog: suite.contracts.all,
      consumer: {
        deliverInProcess: true,
        retry: { attempts: 3, initialBackoff: '50ms', maxBackoff: '200ms' },
        sessionTimeout: '10s',
        heartbeatInterval: '1s',
      },
      deadlines: { pollInterval: '200ms' },
      relay: { retention: '1h' },
      logger: log,
    });
    const Saga = createOrderSaga(suite.contracts);
    const Participant = createParticipant(suite.contracts);
    await runtime.start({ sagas: [new Saga()], participants: [new Participant()] });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(readers.map((r) => r.disconnect()));
    await runtime?.stop();
    await suite?.teardown();
  });

  const handled = async (outcome: string) =>
    metricValue(await runtime.metrics.registry.metrics(), 'sagaflow_messages_handled_total', { outcome });

  it('the whole saga runs in the business transaction that emits its starting event; the Kafka copies change nothing', async () => {
    const before = {
      inProcess: await handled('applied_in_process'),
      copies: await handled('in_process_copy'),
      dup: await handled('duplicate'),
    };
    const orderId = newOrderId('inproc');
    await placeOrder(suite, runtime.transactions, orderId);
    const instance = await waitForStatus(suite, orderId, 'COMPLETED');
    expect(instance.completed_steps).toEqual(['reserveStock', 'chargePayment', 'scheduleShipment']);
    // the starting event, three commands and three replies, none of them through Kafka first
    expect((await handled('applied_in_process')) - before.inProcess).toBe(7);
    // the order, the saga's start, every command and every reply committed in one transaction
    const { rows } = await suite.orderDb.query<{ rows: number; txs: number }>(
      `select count(*)::int as rows, count(distinct xmin::text)::int as txs from sagaflow.inbox`,
    );
    expect(rows[0]).toEqual({ rows: 7, txs: 1 });
    // the seven Kafka copies arrive later and are passed over without a transaction
    await waitFor(async () => (await handled('in_process_copy')) - before.copies >= 7, {
      timeoutMs: 30_000,
      description: 'the Kafka copies of the seven messages to be passed over',
    });
    expect((await handled('duplicate')) - before.dup).toBe(0);
    expect(await effectsOf(suite.orderDb, orderId)).toEqual(['reserve', 'charge', 'ship']);
  });

  it('a message whose handler fails in process is left to its Kafka copy: it, not its cause, is dead-lettered', async () => {
    const orderId = newOrderId('inproc-throw');
    await placeOrder(suite, runtime.transactions, orderId, 'throw-ship');
    const dead = await readTopic(suite, readers, `${suite.env.prefix}.participant.commands.dlt`, (records) =>
      records.some((r) => r.key?.toString() === orderId),
    );
    const mine = dead.filter((r) => r.key?.toString() === orderId);
    expect(mine.map((r) => r.headers?.['message-type']?.toString())).toEqual([
      suite.contracts.ScheduleShipment.name,
    ]);
    // the payment reply that led to the shipment command was applied: the saga waits on the shipment
    const instance = await waitFor(
      async () => {
        const { rows } = await suite.orderDb.query<{
          status: string;
          steps: Record<string, { status: string }>;
        }>(`select status, steps from sagaflow.saga_instance where correlation_key = $1`, [orderId]);
        return rows[0]?.steps.scheduleShipment ? rows[0] : undefined;
      },
      { timeoutMs: 30_000, description: 'the saga to start its shipment step' },
    );
    expect(instance.status).toBe('RUNNING');
    expect(instance.steps.chargePayment?.status).toBe('COMPLETED');
    expect(await effectsOf(suite.orderDb, orderId)).toEqual(['reserve', 'charge']);
    expect(
      log.lines.some((l) => l.msg === 'message failed when applied in process; it is left to its Kafka copy'),
    ).toBe(true);
  });
});
