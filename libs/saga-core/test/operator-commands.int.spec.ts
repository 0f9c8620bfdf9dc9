import 'reflect-metadata';
import { waitFor } from '@sagaflow/stack';
import { createCodec, Header, newMessageId, type MessageCodec } from '@sagaflow/outbox-relay';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { operatorCommandTypes, type SagaflowRuntime } from '../src/index';
import { effectsOf } from './sample-app/participant';
import { memoryLogger, startOrderService, startParticipantService } from './sample-app/services';
import './support/provided-context';
import {
  createSampleSuite,
  instanceOf,
  newOrderId,
  placeOrder,
  transitionsOf,
  waitForStatus,
  type SampleSuite,
} from './support/sample-suite';

// The saga monitor's resume and cancel (docs/decisions/0061, 0076), sent as the monitor sends them: a
// `sagaflow.ResumeSaga` / `sagaflow.CancelSaga` record on the order service's operator topic, key the
// saga id, message-id the action id.
describe('operator commands on real Kafka and PostgreSQL: a service applies its operator topic effectively once', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let orders: SagaflowRuntime;
  let participant: SagaflowRuntime;
  let producer: Producer;
  let codec: MessageCodec;
  const orderLog = memoryLogger();
  const participantLog = memoryLogger();
  const service = () => `${suite.env.id}-orders`;

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'operator');
    participant = await startParticipantService(suite.env, {
      contracts: suite.contracts,
      logger: participantLog,
    });
    orders = await startOrderService(suite.env, { contracts: suite.contracts, logger: orderLog });
    codec = createCodec({ kind: 'avro', registryUrl: stack.schemaRegistryUrl });
    producer = suite.kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await orders?.stop();
    await participant?.stop();
    if (suite) {
      const admin = suite.kafka.admin();
      await admin.connect();
      const topic = operatorCommandTypes(service()).cancel.topic;
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
    await suite?.teardown();
  });

  /** Publishes an operator command as the monitor does; @returns its action id. */
  async function send(
    kind: 'cancel' | 'resume',
    sagaId: string,
    by: { operator: string; reason: string },
    actionId = newMessageId(),
  ): Promise<string> {
    const type = operatorCommandTypes(service())[kind];
    const requestedAt = new Date().toISOString();
    const command = { actionId, sagaId, sagaType: 'SampleOrder', requestedAt, ...by };
    await producer.send({
      topic: type.topic,
      acks: -1,
      messages: [
        {
          key: type.key(command),
          value: await codec.encode(type, command),
          headers: {
            [Header.messageId]: actionId,
            [Header.messageType]: type.name,
            [Header.correlationId]: sagaId,
            [Header.sagaType]: 'SampleOrder',
            [Header.source]: 'saga-monitor',
            [Header.occurredAt]: requestedAt,
            [Header.contentType]: codec.contentType,
          },
        },
      ],
    });
    return actionId;
  }

  /** The order service's log line `msg` about message `messageId`, once it is written. */
  function logLine(msg: string, messageId: string) {
    return waitFor(() => orderLog.lines.find((l) => l.msg === msg && l.messageId === messageId), {
      timeoutMs: 30_000,
      description: `"${msg}" for ${messageId}`,
    });
  }

  /** The reasons on the saga's lifecycle transitions, in order (from the order service's outbox, where a union is Avro JSON). */
  async function reasonsOf(sagaId: string): Promise<Array<{ t: string; reason: string | null }>> {
    const { rows } = await suite.orderDb.query<{ t: string; reason: string | null }>(
      `select e->>'transition' as t, coalesce(e->'reason'->>'string', e->>'reason') as reason
         from sagaflow.outbox o, jsonb_array_elements(o.payload->'transitions') with ordinality as x(e, n)
        where o.message_type = 'sagaflow.SagaTransitions' and o.message_key = $1 order by o.id, x.n`,
      [sagaId],
    );
    return rows;
  }

  it('CancelSaga compensates a running saga once, with the operator reason; the same action again and a second cancel change nothing', async () => {
    const orderId = newOrderId('cancel');
    // the charge gets no reply until the test says so: the saga waits RUNNING with one step done
    await placeOrder(suite, orders.transactions, orderId, 'late-charge');
    const running = await waitFor(
      async () => {
        const i = await instanceOf(suite, orderId);
        return i?.steps.chargePayment?.status === 'STARTED' ? i : undefined;
      },
      { timeoutMs: 30_000, description: 'the saga to wait for its charge' },
    );
    expect(running.status).toBe('RUNNING');

    const by = { operator: 'alice', reason: 'customer asked to cancel' };
    const actionId = await send('cancel', running.id, by);
    const done = await waitForStatus(suite, orderId, 'COMPENSATED');
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'release']);
    const reason = 'cancelled by alice: customer asked to cancel';
    const { rows } = await suite.orderDb.query<{ reason: string }>(
      'select reason from sagaflow.saga_instance where id = $1',
      [done.id],
    );
    expect(rows[0]!.reason).toBe(reason);
    expect(await reasonsOf(done.id)).toEqual([
      { t: 'Started', reason: null },
      { t: 'StepCompleted', reason: null },
      { t: 'Compensating', reason },
      { t: 'StepCompensated', reason: null },
      { t: 'Compensated', reason },
    ]);
    // the transitions the action caused name it as their cause, so the monitor can link them
    const caused = await suite.orderDb.query(
      `select count(*)::int as n from sagaflow.outbox where causation_id = $1 and message_type = 'sagaflow.SagaTransitions'`,
      [actionId],
    );
    expect(caused.rows[0].n).toBe(1);

    // the monitor re-sends an action (same message-id): the inbox has it, nothing changes
    await send('cancel', running.id, by, actionId);
    await logLine('duplicate delivery: already applied, nothing changed', actionId);
    // another operator cancels the ended saga: a no-op outcome, logged with why, not an error or a retry
    const late = await send('cancel', running.id, { operator: 'bob', reason: 'cancel it too' });
    const ignored = await logLine('message ignored by the saga', late);
    expect(ignored.reason).toMatch(/cancel by bob .* has no effect: the saga has ended COMPENSATED/);
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'release']);
    expect(await transitionsOf(suite, done.id)).toEqual([
      'Started',
      'StepCompleted',
      'Compensating',
      'StepCompensated',
      'Compensated',
    ]);
    const inbox = await suite.orderDb.query(
      `select count(*)::int as n from sagaflow.inbox where consumer = $1`,
      [`${service()}:operator`],
    );
    expect(inbox.rows[0].n).toBe(2);
    expect(orderLog.lines.filter((l) => l.msg === 'message dead-lettered')).toEqual([]);
  });

  it('ResumeSaga re-sends the step held back by a dead-lettered command, with its message-id: the saga completes', async () => {
    const orderId = newOrderId('resume');
    await suite.participantDb.query('insert into sample_outage (order_id) values ($1)', [orderId]);
    await placeOrder(suite, orders.transactions, orderId, 'outage-ship');
    // the participant gives up on the shipment: its command is on the dead-letter topic, the saga waits
    await waitFor(
      () =>
        participantLog.lines.find(
          (l) =>
            l.msg === 'message dead-lettered' &&
            String(l.messageType).endsWith('.ScheduleShipment') &&
            l.correlationId !== undefined,
        ),
      { timeoutMs: 60_000, description: 'the shipment command to be dead-lettered' },
    );
    const stuck = await instanceOf(suite, orderId);
    expect(stuck?.status).toBe('RUNNING');
    expect(stuck?.steps.scheduleShipment?.status).toBe('STARTED');

    await suite.participantDb.query('delete from sample_outage where order_id = $1', [orderId]);
    await send('resume', stuck!.id, { operator: 'carol', reason: 'carrier API is back' });
    await waitForStatus(suite, orderId, 'COMPLETED');
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'charge', 'ship']);
    expect(await reasonsOf(stuck!.id)).toContainEqual({
      t: 'StepRetried',
      reason: 'resumed by carol: carrier API is back',
    });
    // the re-sent command kept the first send's message-id: the participant applied it once
    const sends = await suite.orderDb.query<{ message_id: string }>(
      `select distinct message_id from sagaflow.outbox where message_key = $1 and message_type like '%.ScheduleShipment'`,
      [orderId],
    );
    expect(sends.rows).toHaveLength(1);
  });
});
