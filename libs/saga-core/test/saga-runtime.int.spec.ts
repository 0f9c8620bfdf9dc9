import 'reflect-metadata';
import { waitFor } from '@sagaflow/stack';
import { DeadLetterHeader, Header } from '@sagaflow/outbox-relay';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SagaflowRuntime } from '../src/index';
import { answerLateCharge, effectsOf } from './sample-app/participant';
import { memoryLogger, startOrderService, startParticipantService } from './sample-app/services';
import './support/provided-context';
import {
  createSampleSuite,
  instanceOf,
  metricValue,
  newOrderId,
  placeOrder,
  readTopic,
  transitionsOf,
  waitForStatus,
  type SampleSuite,
} from './support/sample-suite';

// The SampleOrder saga (reserve → charge → ship) across two real services on Kafka, the registry and PostgreSQL.
describe('saga runtime on real Kafka and PostgreSQL', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let orders: SagaflowRuntime;
  let participant: SagaflowRuntime;
  const orderLog = memoryLogger();
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'runtime');
    participant = await startParticipantService(suite.env, { contracts: suite.contracts });
    orders = await startOrderService(suite.env, {
      chargeTimeout: '2s',
      logger: orderLog,
      contracts: suite.contracts,
    });
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await orders?.stop();
    await participant?.stop();
    await suite?.teardown();
  });

  it('happy path: the three steps run in order and the saga completes', async () => {
    const orderId = newOrderId('happy');
    await placeOrder(suite, orders.transactions, orderId);
    const instance = await waitForStatus(suite, orderId, 'COMPLETED');
    expect(instance.completed_steps).toEqual(['reserveStock', 'chargePayment', 'scheduleShipment']);
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'charge', 'ship']);
    expect(await transitionsOf(suite, instance.id)).toEqual([
      'Started',
      'StepCompleted',
      'StepCompleted',
      'StepCompleted',
      'Completed',
    ]);
  });

  it('failure at each step compensates exactly the completed steps, in reverse order', async () => {
    const cases = [
      { scenario: 'fail-reserve', effects: [] as string[] },
      { scenario: 'fail-charge', effects: ['reserve', 'release'] },
      { scenario: 'fail-ship', effects: ['reserve', 'charge', 'refund', 'release'] },
    ];
    const ids = cases.map((c) => newOrderId(c.scenario));
    await Promise.all(cases.map((c, i) => placeOrder(suite, orders.transactions, ids[i]!, c.scenario)));
    for (const [i, c] of cases.entries()) {
      const instance = await waitForStatus(suite, ids[i]!, 'COMPENSATED');
      expect(await effectsOf(suite.participantDb, ids[i]!), c.scenario).toEqual(c.effects);
      const compensatedSteps = Object.entries(instance.steps)
        .filter(([, s]) => s.status === 'COMPENSATED')
        .map(([n]) => n);
      expect(compensatedSteps.sort(), c.scenario).toEqual(
        instance.completed_steps.filter((s) => s !== 'scheduleShipment').sort(),
      );
    }
  });

  it('a step that gets no reply times out and the saga compensates', async () => {
    const orderId = newOrderId('timeout');
    await placeOrder(suite, orders.transactions, orderId, 'silent-charge');
    const instance = await waitForStatus(suite, orderId, 'COMPENSATED');
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'release']);
    expect(await transitionsOf(suite, instance.id)).toEqual([
      'Started',
      'StepCompleted',
      'TimedOut',
      'Compensating',
      'StepCompensated',
      'Compensated',
    ]);
  });

  it('a reply arriving after the timeout is compensated too', async () => {
    const orderId = newOrderId('late');
    await placeOrder(suite, orders.transactions, orderId, 'late-charge');
    await waitForStatus(suite, orderId, 'COMPENSATED');
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'release']);
    await answerLateCharge(suite.contracts, participant.transactions, orderId);
    await waitFor(async () => (await effectsOf(suite.participantDb, orderId)).includes('refund'), {
      timeoutMs: 30_000,
      description: 'the late charge to be refunded',
    });
    const instance = await waitForStatus(suite, orderId, 'COMPENSATED');
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'release', 'charge', 'refund']);
    expect(instance.steps.chargePayment?.status).toBe('COMPENSATED');
    // the reply was sent outside a handler, and still names the command it answers and its correlation
    const command = await suite.orderDb.query<{ id: string; correlation_id: string }>(
      `select distinct message_id::text as id, correlation_id from sagaflow.outbox where message_type = $1 and message_key = $2`,
      [suite.contracts.ChargePayment.name, orderId],
    );
    const reply = await suite.participantDb.query<{ causation_id: string; correlation_id: string }>(
      `select causation_id, correlation_id from sagaflow.outbox where message_type = $1 and message_key = $2`,
      [suite.contracts.PaymentCharged.name, orderId],
    );
    expect(command.rows).toHaveLength(1);
    expect(reply.rows).toEqual([
      { causation_id: command.rows[0]!.id, correlation_id: command.rows[0]!.correlation_id },
    ]);
  });

  it('a duplicated delivery changes nothing', async () => {
    const orderId = newOrderId('dup');
    await placeOrder(suite, orders.transactions, orderId);
    const before = await waitForStatus(suite, orderId, 'COMPLETED');
    // re-publish the very records (same message-id) of the reply and of a command
    const mine = (records: KafkaMessage[]) => records.filter((m) => m.key?.toString() === orderId);
    // three replies (reserved, charged, shipped) and three commands; copied once all are read
    const replies = [
      ...(await readTopic(
        suite,
        consumers,
        `${suite.env.prefix}.participant.events`,
        (r) => mine(r).length >= 3,
      )),
    ];
    const commands = [
      ...(await readTopic(
        suite,
        consumers,
        `${suite.env.prefix}.participant.commands`,
        (r) => mine(r).length >= 3,
      )),
    ];
    const again = [
      ...mine(replies).map((m) => ({ topic: `${suite.env.prefix}.participant.events`, m })),
      ...mine(commands).map((m) => ({ topic: `${suite.env.prefix}.participant.commands`, m })),
    ];
    const handled = async (rt: SagaflowRuntime) =>
      metricValue(await rt.metrics.registry.metrics(), 'sagaflow_messages_handled_total', {
        outcome: 'duplicate',
      });
    const [orderDuplicates, participantDuplicates] = [await handled(orders), await handled(participant)];
    const producer = suite.kafka.producer();
    await producer.connect();
    for (const { topic, m } of again)
      await producer.send({ topic, messages: [{ key: m.key, value: m.value, headers: m.headers }] });
    await producer.disconnect();
    await waitFor(async () => (await handled(orders)) >= orderDuplicates + mine(replies).length, {
      timeoutMs: 30_000,
      description: 'the duplicated replies to be recognised',
    });
    await waitFor(async () => (await handled(participant)) >= participantDuplicates + mine(commands).length, {
      timeoutMs: 30_000,
      description: 'the duplicated commands to be recognised',
    });
    const after = await instanceOf(suite, orderId);
    expect(after?.version).toBe(before.version);
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'charge', 'ship']);
  });

  it("a message no instance correlates with follows its handler's policy: 'discard' is logged and counted, 'fault' is dead-lettered", async () => {
    const unknown = newOrderId('nobody');
    const [discardedId, faultedId] = await participant.transactions.run(async (t) => [
      await t.emit(suite.contracts.StockReleased, { orderId: unknown, amount: 1, reason: null }),
      await t.emit(suite.contracts.StockReserved, { orderId: unknown, amount: 1, reason: null }),
    ]);
    await waitFor(
      () =>
        orderLog.lines.some(
          (l) => l.msg === 'message discarded: no saga instance correlates' && l.messageId === discardedId,
        ),
      {
        timeoutMs: 30_000,
        description: 'the discard to be logged',
      },
    );
    expect(
      await metricValue(await orders.metrics.registry.metrics(), 'sagaflow_messages_handled_total', {
        outcome: 'discarded',
      }),
    ).toBeGreaterThanOrEqual(1);
    const dead = await readTopic(suite, consumers, `${suite.env.prefix}.participant.events.dlt`, (r) =>
      r.some((m) => m.headers?.[Header.messageId]?.toString() === faultedId),
    );
    const record = dead.find((m) => m.headers?.[Header.messageId]?.toString() === faultedId)!;
    expect(record.headers?.[DeadLetterHeader.errorCode]?.toString()).toBe('NO_SAGA_INSTANCE');
    expect(record.headers?.[DeadLetterHeader.attempts]?.toString()).toBe('3');
    expect(await instanceOf(suite, unknown)).toBeUndefined();
  });

  it('a handler whose own call is refused (ECONNREFUSED) fails as a handler: dead-lettered after its retries, not waited out as a database outage', async () => {
    const orderId = newOrderId('refused');
    await placeOrder(suite, orders.transactions, orderId, 'refused-ship');
    const dead = await readTopic(suite, consumers, `${suite.env.prefix}.participant.commands.dlt`, (r) =>
      r.some((m) => m.key?.toString() === orderId),
    );
    const record = dead.find((m) => m.key?.toString() === orderId)!;
    expect(record.headers?.[Header.messageType]?.toString()).toContain('ScheduleShipment');
    expect(record.headers?.[DeadLetterHeader.errorCode]?.toString()).toBe('HANDLER_FAILED');
    expect(record.headers?.[DeadLetterHeader.attempts]?.toString()).toBe('3');
    expect(record.headers?.[DeadLetterHeader.errorMessage]?.toString()).toContain('ECONNREFUSED');
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'charge']);
  });

  it('a poison message goes to the dead-letter topic with its error, the instance shows stuck, and the partition moves on', async () => {
    const poisoned = newOrderId('poison');
    const next = newOrderId('after-poison');
    await placeOrder(suite, orders.transactions, poisoned, 'poison-saga');
    await placeOrder(suite, orders.transactions, next);
    const stuck = await waitFor(
      async () => {
        const i = await instanceOf(suite, poisoned);
        return i?.stuck_code ? i : undefined;
      },
      { timeoutMs: 30_000, description: 'the poisoned saga to show stuck' },
    );
    expect(stuck.stuck_code).toBe('HANDLER_FAILED');
    expect(stuck.stuck_reason).toContain('charge of -1 is negative');
    const dead = await readTopic(suite, consumers, `${suite.env.prefix}.participant.events.dlt`, (r) =>
      r.some((m) => m.key?.toString() === poisoned),
    );
    const record = dead.find((m) => m.key?.toString() === poisoned)!;
    expect(record.headers?.[Header.messageType]?.toString()).toContain('PaymentCharged');
    expect(record.headers?.[DeadLetterHeader.errorCode]?.toString()).toBe('HANDLER_FAILED');
    expect(record.headers?.[DeadLetterHeader.originalTopic]?.toString()).toBe(
      `${suite.env.prefix}.participant.events`,
    );
    expect(record.headers?.[DeadLetterHeader.consumer]?.toString()).toBe(
      `${suite.env.id}-orders:saga:SampleOrder`,
    );
    // the same (single) partition keeps flowing
    await waitForStatus(suite, next, 'COMPLETED');
  });
});
