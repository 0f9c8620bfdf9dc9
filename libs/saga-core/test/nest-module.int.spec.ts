import 'reflect-metadata';
import { Controller, Injectable, type INestApplication } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { newMessageId } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CommandHandler,
  OnEvent,
  SagaflowContext,
  SagaflowHealth,
  SagaflowMetrics,
  SagaflowModule,
  SagaflowTransactions,
  SagaQueries,
  SagaflowTransport,
  type MessageContext,
} from '../src/index';
import type { Contracts, OrderCommand, OrderReply } from './sample-app/contracts';
import { createOrderSaga } from './sample-app/order-saga';
import { createParticipant, effectsOf, participantSchemaSql } from './sample-app/participant';
import { memoryLogger } from './sample-app/services';
import './support/provided-context';
import {
  createSampleSuite,
  instanceOf,
  metricValue,
  newOrderId,
  placeOrder,
  waitForStatus,
  type SampleSuite,
} from './support/sample-suite';

/** The participant as a Nest app: ReserveStock through the transport (`@EventPattern`), the rest as `@CommandHandler`s. */
function participantModule(suite: SampleSuite) {
  const c: Contracts = suite.contracts;
  const Base = createParticipant(c);
  @Controller()
  class ReserveController {
    @EventPattern(c.ReserveStock.name)
    async reserve(@Payload() cmd: OrderCommand, @Ctx() ctx: SagaflowContext): Promise<void> {
      await ctx.client.query(
        'insert into sample_effect (order_id, action, correlation_id) values ($1, $2, $3)',
        [cmd.orderId, 'reserve', ctx.headers.correlationId],
      );
      await ctx.emit(c.StockReserved, { orderId: cmd.orderId, amount: cmd.amount, reason: null });
    }
  }
  @Injectable()
  class OtherCommands {
    private readonly base = new Base();
    @CommandHandler(c.ChargePayment, { emits: [c.PaymentCharged, c.PaymentFailed] })
    charge(cmd: OrderCommand, ctx: MessageContext) {
      return this.base.charge(cmd, ctx);
    }
    @CommandHandler(c.ScheduleShipment, { emits: [c.ShipmentScheduled, c.ShipmentFailed] })
    ship(cmd: OrderCommand, ctx: MessageContext) {
      return this.base.ship(cmd, ctx);
    }
    @CommandHandler(c.ReleaseStock, { emits: [c.StockReleased] })
    release(cmd: OrderCommand, ctx: MessageContext) {
      return this.base.release(cmd, ctx);
    }
    @CommandHandler(c.RefundPayment, { emits: [c.PaymentRefunded] })
    refund(cmd: OrderCommand, ctx: MessageContext) {
      return this.base.refund(cmd, ctx);
    }
  }
  // A reaction that only wants big charges: the others must cost no transaction and no inbox row.
  @Injectable()
  class BigChargeWatcher {
    @OnEvent(c.PaymentCharged, { when: (e: OrderReply) => e.amount >= 1_000 })
    async bigCharge(e: OrderReply, ctx: MessageContext): Promise<void> {
      await ctx.client.query(
        'insert into sample_effect (order_id, action, correlation_id) values ($1, $2, $3)',
        [e.orderId, 'big-charge-seen', ctx.headers.correlationId],
      );
    }
  }
  return { ReserveController, OtherCommands, BigChargeWatcher };
}

function rootConfig(suite: SampleSuite, role: 'orders' | 'participant') {
  return {
    service: `${suite.env.id}-${role}`,
    databaseUrl: role === 'orders' ? suite.env.orderDbUrl : suite.env.participantDbUrl,
    kafka: { brokers: suite.env.brokers },
    codec: { kind: 'avro' as const, registryUrl: suite.env.registryUrl },
    catalog: suite.contracts.all,
    consumer: {
      retry: { attempts: 3, initialBackoff: '50ms' as const, maxBackoff: '200ms' as const },
      sessionTimeout: '10s' as const,
      heartbeatInterval: '1s' as const,
    },
    deadlines: { pollInterval: '200ms' as const },
    relay: { retention: '1h' as const },
    logger: memoryLogger(),
  };
}

describe('SagaflowModule: sagas, participants and the transport in NestJS apps', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let orderApp: INestApplication;
  let participantApp: INestApplication;
  let V2: ReturnType<typeof createOrderSaga>;

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'nest');
    await suite.participantDb.query(participantSchemaSql);
    const { ReserveController, OtherCommands, BigChargeWatcher } = participantModule(suite);
    const participantRef = await Test.createTestingModule({
      imports: [SagaflowModule.forRoot(rootConfig(suite, 'participant'))],
      controllers: [ReserveController],
      providers: [OtherCommands, BigChargeWatcher],
    }).compile();
    participantApp = participantRef.createNestApplication({ logger: false });
    participantApp.connectMicroservice({ strategy: participantApp.get(SagaflowTransport) });
    await participantApp.startAllMicroservices();
    await participantApp.init();

    const V1 = createOrderSaga(suite.contracts, { version: 1 });
    V2 = createOrderSaga(suite.contracts, { version: 2 });
    const orderRef = await Test.createTestingModule({
      imports: [SagaflowModule.forRoot(rootConfig(suite, 'orders')), SagaflowModule.forFeature([V1, V2])],
    }).compile();
    orderApp = orderRef.createNestApplication({ logger: false });
    await orderApp.init();
  });

  afterAll(async () => {
    await orderApp?.close();
    await participantApp?.close();
    await suite?.teardown();
  });

  it('runs a saga through @CommandHandler and @EventPattern participants; new instances start on the highest version', async () => {
    const orderId = newOrderId('nest');
    await placeOrder(suite, orderApp.get(SagaflowTransactions), orderId);
    const instance = await waitForStatus(suite, orderId, 'COMPLETED');
    expect(instance.definition_version).toBe(2);
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'charge', 'ship']);
    const metrics = await orderApp.get(SagaflowMetrics).registry.metrics();
    expect(
      await metricValue(metrics, 'sagaflow_sagas_total', {
        saga_type: 'SampleOrder',
        transition: 'completed',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('@OnEvent({ when }) handles only the events it wants; the rest cost no transaction and are counted', async () => {
    const small = newOrderId('nest-small');
    const big = newOrderId('nest-big');
    await placeOrder(suite, orderApp.get(SagaflowTransactions), small, 'ok', 100);
    await placeOrder(suite, orderApp.get(SagaflowTransactions), big, 'ok', 5_000);
    await waitForStatus(suite, small, 'COMPLETED');
    await waitForStatus(suite, big, 'COMPLETED');
    await waitFor(async () => (await effectsOf(suite.participantDb, big)).includes('big-charge-seen'), {
      timeoutMs: 30_000,
      description: 'the big charge reaction',
    });
    const consumer = `${suite.env.id}-participant:BigChargeWatcher.bigCharge`;
    await waitFor(
      async () =>
        (await metricValue(
          await participantApp.get(SagaflowMetrics).registry.metrics(),
          'sagaflow_messages_handled_total',
          {
            consumer,
            outcome: 'filtered',
          },
        )) >= 1,
      { timeoutMs: 30_000, description: 'the small charge counted as filtered' },
    );
    expect(await effectsOf(suite.participantDb, small)).not.toContain('big-charge-seen');
    const inbox = await suite.participantDb.query(
      'select count(*)::int as n from sagaflow.inbox where consumer = $1',
      [consumer],
    );
    expect(inbox.rows[0].n).toBe(1);
  });

  it('SagaQueries reads a saga by its key, its class, its id and its status; an unhosted type is an error', async () => {
    const orderId = newOrderId('query');
    await placeOrder(suite, orderApp.get(SagaflowTransactions), orderId);
    const done = await waitForStatus(suite, orderId, 'COMPLETED');
    const sagas = orderApp.get(SagaQueries);

    const view = await sagas.find<{ orderId: string; amount: number }>('SampleOrder', orderId);
    expect(view).toMatchObject({
      id: done.id,
      type: 'SampleOrder',
      correlationKey: orderId,
      status: 'COMPLETED',
      definitionVersion: 2,
      currentSteps: [],
      completedSteps: ['reserveStock', 'chargePayment', 'scheduleShipment'],
    });
    expect(view!.state.orderId).toBe(orderId);
    expect(view!.endedAt).toBeInstanceOf(Date);
    expect(await sagas.find(V2, orderId)).toEqual(view);
    expect(await sagas.get(done.id)).toEqual(view);
    expect((await sagas.list('SampleOrder', { status: 'COMPLETED' })).map((v) => v.id)).toContain(done.id);
    expect(await sagas.find('SampleOrder', 'no-such-order')).toBeUndefined();
    expect(await sagas.get(newMessageId())).toBeUndefined();
    await expect(sagas.find('SampleOrdr', orderId)).rejects.toMatchObject({
      code: 'UNKNOWN_SAGA_TYPE',
      message: expect.stringContaining('hosts no saga of type SampleOrdr (it hosts SampleOrder)'),
    });

    // a saga waiting on a step, stopped by a dead letter: where it is and why it does not move
    const waiting = newOrderId('query-waiting');
    const id = newMessageId();
    await suite.orderDb.query(
      `insert into sagaflow.saga_instance (id, type, correlation_key, correlation_id, definition_version, status, state, steps,
         completed_steps, version, started_at, updated_at, stuck_code, stuck_reason, stuck_at)
       values ($1, 'SampleOrder', $2, $3, 2, 'RUNNING', $4,
         '{"reserveStock":{"status":"COMPLETED"},"chargePayment":{"status":"STARTED","attempts":1}}',
         '["reserveStock"]', 3, now(), now(), 'HANDLER_FAILED', 'charge reply could not be applied', now())`,
      [id, waiting, newMessageId(), JSON.stringify({ orderId: waiting, amount: 5, scenario: 'ok' })],
    );
    expect(await sagas.find('SampleOrder', waiting)).toMatchObject({
      id,
      status: 'RUNNING',
      currentSteps: ['chargePayment'],
      completedSteps: ['reserveStock'],
      version: 3,
      stuck: { code: 'HANDLER_FAILED', reason: 'charge reply could not be applied' },
    });
    const running = await sagas.list('SampleOrder', { status: 'RUNNING', limit: 1000 });
    expect(running.map((v) => v.id)).toContain(id);
    expect(running.map((v) => v.id)).not.toContain(done.id);
  });

  it('an in-flight instance keeps the definition version it started with', async () => {
    const orderId = newOrderId('v1');
    const correlationId = newMessageId();
    await suite.orderDb.query(
      `insert into sagaflow.saga_instance (id, type, correlation_key, correlation_id, definition_version, status, state, steps,
         completed_steps, version, started_at, updated_at)
       values ($1, 'SampleOrder', $2, $3, 1, 'RUNNING', $4, '{"reserveStock":{"status":"STARTED"}}', '[]', 1, now(), now())`,
      [newMessageId(), orderId, correlationId, JSON.stringify({ orderId, amount: 5, scenario: 'ok' })],
    );
    await participantApp
      .get(SagaflowTransactions)
      .run((t) => t.emit(suite.contracts.StockReserved, { orderId, amount: 5, reason: null }), {
        correlationId,
      });
    const done = await waitForStatus(suite, orderId, 'COMPLETED');
    expect(done.definition_version).toBe(1);
  });

  it('publishes each saga definition and the reactions at start-up, on a compacted sagaflow.definitions', async () => {
    const { rows } = await suite.orderDb.query(
      `select message_key, payload->>'version' as version from sagaflow.outbox where message_type = 'sagaflow.DefinitionPublished' order by id`,
    );
    expect(rows.map((r) => `${r.message_key}@${r.version}`)).toEqual([
      'saga:SampleOrder@1',
      'saga:SampleOrder@2',
    ]);
    const reactions = await suite.participantDb.query(
      `select payload->>'document' as document from sagaflow.outbox where message_key = $1`,
      [`reactions:${suite.env.id}-participant`],
    );
    const document = JSON.parse(reactions.rows[0].document);
    expect(document.reactions.map((r: { handler: string }) => r.handler).sort()).toEqual(
      [
        'BigChargeWatcher.bigCharge',
        'OtherCommands.charge',
        'OtherCommands.refund',
        'OtherCommands.release',
        'OtherCommands.ship',
        `@EventPattern(${suite.contracts.ReserveStock.name})`,
      ].sort(),
    );
    const admin = suite.kafka.admin();
    await admin.connect();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'sagaflow.definitions', configNames: ['cleanup.policy'] },
      ],
    });
    await admin.disconnect();
    expect(described.resources[0]!.configEntries[0]!.configValue).toBe('compact');
    await waitFor(
      async () => {
        const { rows: unpublished } = await suite.orderDb.query(
          `select 1 from sagaflow.outbox where message_type = 'sagaflow.DefinitionPublished' and published_at is null`,
        );
        return unpublished.length === 0;
      },
      { timeoutMs: 30_000, description: 'the definitions to be published by the relay' },
    );
  });

  it('reports the health of the database, the broker and the registry', async () => {
    const report = await orderApp.get(SagaflowHealth).check();
    expect(report).toMatchObject({
      status: 'up',
      database: { status: 'up' },
      kafka: { status: 'up' },
      registry: { status: 'up' },
    });
    expect(await instanceOf(suite, 'nobody')).toBeUndefined();
  });
});
