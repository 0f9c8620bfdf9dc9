import {
  OrderApproved,
  OrderPlaced,
  PaymentCharged,
  PaymentDeclined,
  PaymentRefunded,
  StockRejected,
  StockReleased,
  StockReserved,
} from '@sagaflow/contracts';
import { EndSaga, Saga, SagaEventHandler, StartSaga, type SagaContext } from '@sagaflow/saga-core';
import {
  fulfilmentSteps,
  type FulfilmentState,
  type FulfilmentStep,
  type FulfilmentTimeouts,
} from './fulfilment-steps';

/** The saga type name, as published and as `saga-type` headers and lifecycle records carry it. */
export const orderFulfilmentType = 'OrderFulfilment';

type Ctx = SagaContext<FulfilmentState, FulfilmentStep>;
/** Every message of the saga is about one order: the order id is the correlation key. */
const byOrder = { correlate: (m: { orderId: string }) => m.orderId };

/**
 * Declares the OrderFulfilment saga with these timeouts. A factory, not a plain class, because the
 * timeouts come from the environment and decorators are evaluated when the class is declared.
 *
 * Handlers are pure: state and reply in, a decision out. The engine does the rest: a reply after a
 * timeout is compensated, compensations run in reverse, and the order service learns the end from the
 * saga's lifecycle (see order-lifecycle.handlers.ts).
 */
export function defineOrderFulfilment(timeouts: FulfilmentTimeouts) {
  @Saga({ type: orderFulfilmentType, version: 1, steps: fulfilmentSteps(timeouts) })
  class OrderFulfilment {
    @StartSaga(OrderPlaced, byOrder)
    placed(e: OrderPlaced, ctx: Ctx) {
      return ctx
        .begin({
          orderId: e.orderId,
          customerId: e.customerId,
          items: e.items.map(({ sku, quantity }) => ({ sku, quantity })),
          total: e.total,
        })
        .run('reserveStock');
    }

    @SagaEventHandler(StockReserved, byOrder)
    stockReserved(_s: FulfilmentState, _e: StockReserved, ctx: Ctx) {
      return ctx.stepCompleted('reserveStock').run('chargePayment');
    }

    @SagaEventHandler(StockRejected, byOrder)
    stockRejected(_s: FulfilmentState, e: StockRejected, ctx: Ctx) {
      return ctx.stepFailed('reserveStock', e.reason);
    }

    @SagaEventHandler(PaymentCharged, byOrder)
    paymentCharged(_s: FulfilmentState, _e: PaymentCharged, ctx: Ctx) {
      return ctx.stepCompleted('chargePayment').run('approveOrder');
    }

    @SagaEventHandler(PaymentDeclined, byOrder)
    paymentDeclined(_s: FulfilmentState, e: PaymentDeclined, ctx: Ctx) {
      return ctx.stepFailed('chargePayment', `payment declined: ${e.reason}`);
    }

    @SagaEventHandler(StockReleased, byOrder)
    stockReleased(_s: FulfilmentState, _e: StockReleased, ctx: Ctx) {
      return ctx.compensated('reserveStock');
    }

    @SagaEventHandler(PaymentRefunded, byOrder)
    paymentRefunded(_s: FulfilmentState, _e: PaymentRefunded, ctx: Ctx) {
      return ctx.compensated('chargePayment');
    }

    @EndSaga()
    @SagaEventHandler(OrderApproved, byOrder)
    approved(_s: FulfilmentState, _e: OrderApproved, ctx: Ctx) {
      return ctx.stepCompleted('approveOrder');
    }
  }
  return OrderFulfilment;
}

/** The class {@link defineOrderFulfilment} returns. */
export type OrderFulfilmentClass = ReturnType<typeof defineOrderFulfilment>;
