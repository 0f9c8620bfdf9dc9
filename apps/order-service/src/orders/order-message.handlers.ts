import { Inject, Injectable } from '@nestjs/common';
import { ApproveOrder, OrderApproved, OrderRejected } from '@sagaflow/contracts';
import {
  CommandHandler,
  OnSagaTransition,
  type MessageContext,
  type SagaTransitionEvent,
} from '@sagaflow/saga-core';
import { orderFulfilmentType } from '../fulfilment/order-fulfilment.saga';
import { rejectionReason } from '../fulfilment/rejection-reason';
import { APP_LOGGER, JsonLogger, type StructuredLogger } from '@sagaflow/service-kit';
import { lockOrder, recordSagaId, setOrderStatus } from './order-store';

/**
 * The order's side of its saga: the saga's last step (ApproveOrder), and the saga's transitions, followed
 * in process in the transaction that makes them — Compensated or Failed marks the order REJECTED.
 * Following the lifecycle (rather than a RejectOrder command) covers every way a saga ends, timeouts
 * included; see docs/decisions/0016 and 0040.
 */
@Injectable()
export class OrderMessageHandlers {
  private readonly log: StructuredLogger;

  constructor(@Inject(APP_LOGGER) logger: JsonLogger) {
    this.log = logger.child(OrderMessageHandlers.name);
  }

  /** PENDING → APPROVED + OrderApproved; approved already → OrderApproved again (the saga's reply is idempotent). */
  @CommandHandler(ApproveOrder, { emits: [OrderApproved] })
  async approve(command: ApproveOrder, ctx: MessageContext): Promise<void> {
    const order = await lockOrder(ctx.client, command.orderId);
    if (!order) throw new Error(`ApproveOrder: no order ${command.orderId} in this service's database`);
    const fields = { orderId: command.orderId, correlationId: ctx.headers.correlationId };
    if (order.status !== 'PENDING' && order.status !== 'APPROVED') {
      // the saga ended before its approval arrived; approving now would approve a rejected order
      this.log.warn('approval ignored: order is no longer pending', { ...fields, status: order.status });
      return;
    }
    if (order.status === 'PENDING') await setOrderStatus(ctx.client, command.orderId, 'APPROVED', null);
    await ctx.emit(OrderApproved, {
      orderId: command.orderId,
      customerId: order.customerId,
      total: order.total,
    });
    this.log.info('order approved', fields);
  }

  /** Started → the order learns its saga id; Compensated / Failed → REJECTED with the reason, + OrderRejected. */
  @OnSagaTransition(orderFulfilmentType, {
    transitions: ['Started', 'Compensated', 'Failed'],
    emits: [OrderRejected],
  })
  async sagaTransition(event: SagaTransitionEvent, ctx: MessageContext): Promise<void> {
    // the runtime calls it for OrderFulfilment only; the check keeps the method right on its own
    if (event.sagaType !== orderFulfilmentType) return;
    const orderId = event.correlationKey;
    if (event.transition === 'Started') return recordSagaId(ctx.client, orderId, event.sagaId);
    if (event.transition !== 'Compensated' && event.transition !== 'Failed') return;
    const order = await lockOrder(ctx.client, orderId);
    if (!order) {
      // the saga starts from OrderPlaced, written with the order: an instance without its order is a bug
      this.log.warn('saga ended for an order this service does not have; ignored', {
        orderId,
        sagaId: event.sagaId,
        transition: event.transition,
      });
      return;
    }
    // a late reply compensated after the end publishes Compensated again: the order is rejected once
    if (order.status === 'REJECTED') return;
    const reason = rejectionReason(event.transition, event.reason);
    await setOrderStatus(ctx.client, orderId, 'REJECTED', reason);
    await ctx.emit(OrderRejected, { orderId, customerId: order.customerId, reason });
    this.log.info('order rejected', {
      orderId,
      correlationId: ctx.headers.correlationId,
      reason,
      previous: order.status,
    });
  }
}
