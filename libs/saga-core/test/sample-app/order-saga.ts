import {
  EndSaga,
  Saga,
  SagaEventHandler,
  sagaSteps,
  StartSaga,
  type Duration,
  type SagaContext,
} from '../../src/index';
import type { Contracts, OrderPlaced, OrderReply } from './contracts';

/** The saga's state: plain JSON. */
export interface OrderState {
  orderId: string;
  amount: number;
  scenario: string;
}

/** Options of {@link createOrderSaga}. */
export interface OrderSagaOptions {
  version?: number;
  /** Timeout of the charge step (default 60s). */
  chargeTimeout?: Duration;
  /** How long the stock release waits for its confirmation before it is sent again (default 30s). */
  releaseTimeout?: Duration;
  /** Sends of a compensation in all before the saga ends FAILED (default: the runtime's, 3). */
  compensationAttempts?: number;
}

/**
 * The sample's 3-step saga: reserve stock (released on compensation), charge payment (refunded),
 * schedule shipment (last: no compensation). A class per contracts set, since decorators name the types.
 */
export function createOrderSaga(c: Contracts, options: OrderSagaOptions = {}) {
  const steps = sagaSteps<OrderState>()
    .step('reserveStock', c.ReserveStock, (s) => ({ ...s }))
    .compensatedBy(c.ReleaseStock, (s) => ({ ...s }), { timeout: options.releaseTimeout ?? '30s' })
    .step('chargePayment', c.ChargePayment, (s) => ({ ...s }), { timeout: options.chargeTimeout ?? '60s' })
    .compensatedBy(c.RefundPayment, (s) => ({ ...s }), { timeout: '30s' })
    .step('scheduleShipment', c.ScheduleShipment, (s) => ({ ...s }))
    .withoutCompensation('shipping is the last step: nothing after it can fail');
  type Ctx = SagaContext<OrderState, 'reserveStock' | 'chargePayment' | 'scheduleShipment'>;
  const byOrder = { correlate: (e: OrderReply) => e.orderId };

  @Saga({
    type: 'SampleOrder',
    version: options.version ?? 1,
    steps,
    retry: { attempts: 3, initialBackoff: '50ms', maxBackoff: '200ms' },
    ...(options.compensationAttempts === undefined
      ? {}
      : { compensationAttempts: options.compensationAttempts }),
  })
  class SampleOrderSaga {
    @StartSaga(c.OrderPlaced, { correlate: (e) => e.orderId })
    start(e: OrderPlaced, ctx: Ctx) {
      return ctx.begin({ orderId: e.orderId, amount: e.amount, scenario: e.scenario }).run('reserveStock');
    }

    @SagaEventHandler(c.StockReserved, byOrder)
    reserved(_s: OrderState, _e: OrderReply, ctx: Ctx) {
      return ctx.stepCompleted('reserveStock').run('chargePayment');
    }

    @SagaEventHandler(c.StockReservationFailed, byOrder)
    reserveFailed(_s: OrderState, e: OrderReply, ctx: Ctx) {
      return ctx.stepFailed('reserveStock', e.reason ?? 'no stock');
    }

    @SagaEventHandler(c.PaymentCharged, byOrder)
    charged(_s: OrderState, e: OrderReply, ctx: Ctx) {
      if (e.amount < 0) throw new Error(`charge of ${e.amount} is negative`);
      return ctx.stepCompleted('chargePayment').run('scheduleShipment');
    }

    @SagaEventHandler(c.PaymentFailed, byOrder)
    chargeFailed(_s: OrderState, e: OrderReply, ctx: Ctx) {
      return ctx.stepFailed('chargePayment', e.reason ?? 'declined');
    }

    @SagaEventHandler(c.ShipmentScheduled, byOrder)
    @EndSaga()
    shipped(_s: OrderState, _e: OrderReply, ctx: Ctx) {
      return ctx.stepCompleted('scheduleShipment');
    }

    @SagaEventHandler(c.ShipmentFailed, byOrder)
    shipFailed(_s: OrderState, e: OrderReply, ctx: Ctx) {
      return ctx.stepFailed('scheduleShipment', e.reason ?? 'no carrier');
    }

    @SagaEventHandler(c.StockReleased, { ...byOrder, onMissingInstance: 'discard' })
    released(_s: OrderState, _e: OrderReply, ctx: Ctx) {
      return ctx.compensated('reserveStock');
    }

    @SagaEventHandler(c.PaymentRefunded, byOrder)
    refunded(_s: OrderState, _e: OrderReply, ctx: Ctx) {
      return ctx.compensated('chargePayment');
    }
  }
  return SampleOrderSaga;
}
