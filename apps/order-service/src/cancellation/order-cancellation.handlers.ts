import { Inject, Injectable } from '@nestjs/common';
import {
  OrderCancelled,
  PaymentRefundedForCancellation,
  PaymentRefundRefused,
  StockRestocked,
  StockRestockRefused,
} from '@sagaflow/contracts';
import { OnEvent, type MessageContext } from '@sagaflow/saga-core';
import { APP_LOGGER, JsonLogger, type StructuredLogger } from '@sagaflow/service-kit';
import { lockOrder, setOrderStatus } from '../orders/order-store';
import { decideCancellationAnswer, type CancellationAnswer } from './cancellation-decision';
import {
  completeCancellation,
  loadCancellationAnswers,
  recordCancellationAnswer,
} from './cancellation-store';

/**
 * The order's side of the choreographed cancellation (no coordinator): inventory and payment each react
 * to OrderCancellationRequested; this records their answers and, once both are in, marks the order
 * CANCELLED and emits OrderCancelled. The order row is locked first, so two answers handled at once are
 * applied one after the other and exactly one of them completes the cancellation.
 */
@Injectable()
export class OrderCancellationHandlers {
  private readonly log: StructuredLogger;

  constructor(@Inject(APP_LOGGER) logger: JsonLogger) {
    this.log = logger.child(OrderCancellationHandlers.name);
  }

  @OnEvent(StockRestocked, { emits: [OrderCancelled] })
  onRestocked(event: StockRestocked, ctx: MessageContext): Promise<void> {
    return this.answer(event.orderId, { part: 'stock', done: true, note: null }, ctx);
  }

  @OnEvent(StockRestockRefused, { emits: [OrderCancelled] })
  onRestockRefused(event: StockRestockRefused, ctx: MessageContext): Promise<void> {
    return this.answer(event.orderId, { part: 'stock', done: false, note: event.reason }, ctx);
  }

  @OnEvent(PaymentRefundedForCancellation, { emits: [OrderCancelled] })
  onRefunded(event: PaymentRefundedForCancellation, ctx: MessageContext): Promise<void> {
    return this.answer(
      event.orderId,
      { part: 'payment', done: true, note: null, refundedAmount: event.amount },
      ctx,
    );
  }

  @OnEvent(PaymentRefundRefused, { emits: [OrderCancelled] })
  onRefundRefused(event: PaymentRefundRefused, ctx: MessageContext): Promise<void> {
    return this.answer(event.orderId, { part: 'payment', done: false, note: event.reason }, ctx);
  }

  private async answer(orderId: string, answer: CancellationAnswer, ctx: MessageContext): Promise<void> {
    const fields = { orderId, part: answer.part, correlationId: ctx.headers.correlationId };
    const order = await lockOrder(ctx.client, orderId);
    if (!order) {
      // another system's record on a shared broker: retrying cannot make the order appear
      this.log.warn('cancellation answer for an order this service does not have; ignored', fields);
      return;
    }
    const recorded = await loadCancellationAnswers(ctx.client, orderId);
    const decision = decideCancellationAnswer(
      {
        orderId,
        status: order.status,
        customerId: order.customerId,
        stock: recorded?.stock,
        payment: recorded?.payment,
      },
      answer,
    );
    if (decision.kind === 'ignore') {
      this.log.warn(`cancellation answer ignored: ${decision.why}`, fields);
      return;
    }
    await recordCancellationAnswer(ctx.client, orderId, answer);
    if (!decision.complete) {
      this.log.info('cancellation answer recorded; waiting for the other service', {
        ...fields,
        done: answer.done,
      });
      return;
    }
    await setOrderStatus(ctx.client, orderId, 'CANCELLED', decision.complete.reason);
    await completeCancellation(ctx.client, orderId, ctx.now);
    await ctx.emit(OrderCancelled, decision.complete.event);
    this.log.info('order cancelled', { ...fields, notes: decision.complete.event.notes });
  }
}
