import { Inject, Injectable } from '@nestjs/common';
import {
  ChargePayment,
  OrderCancellationRequested,
  PaymentCharged,
  PaymentDeclined,
  PaymentRefunded,
  PaymentRefundedForCancellation,
  PaymentRefundRefused,
  RefundPayment,
} from '@sagaflow/contracts';
import { CommandHandler, OnEvent, type MessageContext } from '@sagaflow/saga-core';
import { APP_LOGGER, JsonLogger, type StructuredLogger } from '@sagaflow/service-kit';
import { chargePayment } from './charge-payment';
import { refundCancelledOrder } from './refund-cancelled-order';
import { refundPayment } from './refund-payment';

/**
 * payment-service as a participant: the saga's commands and the cancellation reaction. Each handler runs
 * in Sagaflow's transaction (`ctx.client`): the money moves, the inbox entry and the reply commit together.
 */
@Injectable()
export class PaymentMessageHandlers {
  private readonly log: StructuredLogger;

  constructor(@Inject(APP_LOGGER) logger: JsonLogger) {
    this.log = logger.child(PaymentMessageHandlers.name);
  }

  @CommandHandler(ChargePayment, { emits: [PaymentCharged, PaymentDeclined] })
  async charge(command: ChargePayment, ctx: MessageContext): Promise<void> {
    const outcome = await chargePayment(ctx.client, command);
    if (outcome.charged) await ctx.emit(PaymentCharged, outcome.event);
    else await ctx.emit(PaymentDeclined, outcome.event);
    this.log.info(outcome.charged ? 'payment charged' : 'payment declined', {
      orderId: command.orderId,
      amount: command.amount,
      correlationId: ctx.headers.correlationId,
      ...(outcome.charged ? {} : { reason: outcome.event.reason }),
    });
  }

  @CommandHandler(RefundPayment, { emits: [PaymentRefunded] })
  async refund(command: RefundPayment, ctx: MessageContext): Promise<void> {
    const event = await refundPayment(ctx.client, command);
    await ctx.emit(PaymentRefunded, event);
    this.log.info('payment refunded', {
      orderId: command.orderId,
      amount: event.amount,
      correlationId: ctx.headers.correlationId,
    });
  }

  @OnEvent(OrderCancellationRequested, { emits: [PaymentRefundedForCancellation, PaymentRefundRefused] })
  async refundCancelled(event: OrderCancellationRequested, ctx: MessageContext): Promise<void> {
    const outcome = await refundCancelledOrder(ctx.client, event);
    if (outcome.refunded) await ctx.emit(PaymentRefundedForCancellation, outcome.event);
    else await ctx.emit(PaymentRefundRefused, outcome.event);
    this.log.info(outcome.refunded ? 'cancelled order refunded' : 'cancellation refund refused', {
      orderId: event.orderId,
      correlationId: ctx.headers.correlationId,
    });
  }
}
