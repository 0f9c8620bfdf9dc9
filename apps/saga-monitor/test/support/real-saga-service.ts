import 'reflect-metadata';
import { defineMessage, type MessageType } from '@sagaflow/outbox-relay';
import {
  CommandHandler,
  EndSaga,
  Saga,
  SagaEventHandler,
  SagaflowRuntime,
  sagaSteps,
  StartSaga,
  type MessageContext,
  type SagaContext,
} from '@sagaflow/saga-core';

/** The one field every message of the service carries. */
interface Order {
  orderId: string;
}

/** The saga type the service hosts. */
export const realSagaType = 'UiRealOrder';

/**
 * A real saga-core service for the browser test: one runtime hosting a three-step order saga and the
 * participant that answers it, on topics under `prefix`. Stock and payment answer; the carrier never
 * does, so every saga waits RUNNING with two steps done until an operator acts on it. The saga's
 * lifecycle and definition go to the framework's own `sagaflow.lifecycle` and `sagaflow.definitions`,
 * where every saga-core service writes them.
 */
export function realSagaService(options: {
  prefix: string;
  service: string;
  databaseUrl: string;
  brokers: string[];
  registryUrl: string;
}) {
  const ns = options.prefix.replace(/[^A-Za-z0-9_]/g, '_');
  const msg = (name: string, topic: string, kind: 'event' | 'command'): MessageType<Order> =>
    defineMessage<Order>({
      topic: `${options.prefix}.${topic}`,
      kind,
      key: (m) => m.orderId,
      schema: { type: 'record', namespace: ns, name, fields: [{ name: 'orderId', type: 'string' }] },
    });
  const c = {
    OrderPlaced: msg('OrderPlaced', 'orders.events', 'event'),
    ReserveStock: msg('ReserveStock', 'work.commands', 'command'),
    ReleaseStock: msg('ReleaseStock', 'work.commands', 'command'),
    ChargePayment: msg('ChargePayment', 'work.commands', 'command'),
    RefundPayment: msg('RefundPayment', 'work.commands', 'command'),
    ScheduleShipment: msg('ScheduleShipment', 'work.commands', 'command'),
    CancelShipment: msg('CancelShipment', 'work.commands', 'command'),
    StockReserved: msg('StockReserved', 'work.events', 'event'),
    StockReleased: msg('StockReleased', 'work.events', 'event'),
    PaymentCharged: msg('PaymentCharged', 'work.events', 'event'),
    PaymentRefunded: msg('PaymentRefunded', 'work.events', 'event'),
    ShipmentScheduled: msg('ShipmentScheduled', 'work.events', 'event'),
    ShipmentCancelled: msg('ShipmentCancelled', 'work.events', 'event'),
  };
  const same = (s: Order) => ({ orderId: s.orderId });
  const steps = sagaSteps<Order>()
    .step('reserveStock', c.ReserveStock, same)
    .compensatedBy(c.ReleaseStock, same)
    .step('chargePayment', c.ChargePayment, same)
    .compensatedBy(c.RefundPayment, same)
    .step('scheduleShipment', c.ScheduleShipment, same)
    .compensatedBy(c.CancelShipment, same);
  type Ctx = SagaContext<Order, 'reserveStock' | 'chargePayment' | 'scheduleShipment'>;
  const byOrder = { correlate: (e: Order) => e.orderId };

  @Saga({ type: realSagaType, version: 1, steps })
  class UiRealOrderSaga {
    @StartSaga(c.OrderPlaced, byOrder)
    start(e: Order, ctx: Ctx) {
      return ctx.begin({ orderId: e.orderId }).run('reserveStock');
    }
    @SagaEventHandler(c.StockReserved, byOrder)
    reserved(_s: Order, _e: Order, ctx: Ctx) {
      return ctx.stepCompleted('reserveStock').run('chargePayment');
    }
    @SagaEventHandler(c.PaymentCharged, byOrder)
    charged(_s: Order, _e: Order, ctx: Ctx) {
      return ctx.stepCompleted('chargePayment').run('scheduleShipment');
    }
    @SagaEventHandler(c.ShipmentScheduled, byOrder)
    @EndSaga()
    shipped(_s: Order, _e: Order, ctx: Ctx) {
      return ctx.stepCompleted('scheduleShipment');
    }
    @SagaEventHandler(c.PaymentRefunded, byOrder)
    refunded(_s: Order, _e: Order, ctx: Ctx) {
      return ctx.compensated('chargePayment');
    }
    @SagaEventHandler(c.StockReleased, byOrder)
    released(_s: Order, _e: Order, ctx: Ctx) {
      return ctx.compensated('reserveStock');
    }
    @SagaEventHandler(c.ShipmentCancelled, byOrder)
    shipmentCancelled(_s: Order, _e: Order, ctx: Ctx) {
      return ctx.compensated('scheduleShipment');
    }
  }

  class Participant {
    @CommandHandler(c.ReserveStock, { emits: [c.StockReserved] })
    async reserve(cmd: Order, ctx: MessageContext) {
      await ctx.emit(c.StockReserved, same(cmd));
    }
    @CommandHandler(c.ReleaseStock, { emits: [c.StockReleased] })
    async release(cmd: Order, ctx: MessageContext) {
      await ctx.emit(c.StockReleased, same(cmd));
    }
    @CommandHandler(c.ChargePayment, { emits: [c.PaymentCharged] })
    async charge(cmd: Order, ctx: MessageContext) {
      await ctx.emit(c.PaymentCharged, same(cmd));
    }
    @CommandHandler(c.RefundPayment, { emits: [c.PaymentRefunded] })
    async refund(cmd: Order, ctx: MessageContext) {
      await ctx.emit(c.PaymentRefunded, same(cmd));
    }
    // the carrier never answers (no ShipmentScheduled): the saga waits for its shipment
    @CommandHandler(c.ScheduleShipment, { emits: [c.ShipmentScheduled] })
    async ship(_cmd: Order, _ctx: MessageContext) {}
    @CommandHandler(c.CancelShipment, { emits: [c.ShipmentCancelled] })
    async cancelShipment(cmd: Order, ctx: MessageContext) {
      await ctx.emit(c.ShipmentCancelled, same(cmd));
    }
  }

  const runtime = new SagaflowRuntime({
    service: options.service,
    databaseUrl: options.databaseUrl,
    kafka: { brokers: options.brokers },
    codec: { kind: 'avro', registryUrl: options.registryUrl },
    catalog: Object.values(c),
    consumer: { sessionTimeout: '10s', heartbeatInterval: '1s' },
    deadlines: { pollInterval: '200ms' },
    logLevel: 'warn',
  });
  return {
    runtime,
    start: () => runtime.start({ sagas: [new UiRealOrderSaga()], participants: [new Participant()] }),
    /** Places an order, as the service's HTTP handler would. */
    placeOrder: (orderId: string) => runtime.transactions.run((t) => t.emit(c.OrderPlaced, { orderId })),
  };
}
