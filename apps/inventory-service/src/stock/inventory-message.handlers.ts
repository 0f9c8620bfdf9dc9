import { Inject, Injectable } from '@nestjs/common';
import {
  OrderCancellationRequested,
  ReleaseStock,
  ReserveStock,
  StockRejected,
  StockReleased,
  StockReserved,
  StockRestocked,
  StockRestockRefused,
} from '@sagaflow/contracts';
import { CommandHandler, OnEvent, type MessageContext } from '@sagaflow/saga-core';
import { APP_LOGGER, JsonLogger, type StructuredLogger } from '@sagaflow/service-kit';
import { releaseStock } from './release-stock';
import { reserveStock } from './reserve-stock';
import { restockCancelledOrder } from './restock-cancelled-order';

/**
 * inventory-service as a participant: the saga's commands and the cancellation reaction. Each handler
 * runs in Sagaflow's transaction (`ctx.client`), so the stock change, the inbox entry and the reply
 * in the outbox commit together or not at all.
 */
@Injectable()
export class InventoryMessageHandlers {
  private readonly log: StructuredLogger;

  constructor(@Inject(APP_LOGGER) logger: JsonLogger) {
    this.log = logger.child(InventoryMessageHandlers.name);
  }

  @CommandHandler(ReserveStock, { emits: [StockReserved, StockRejected] })
  async reserve(command: ReserveStock, ctx: MessageContext): Promise<void> {
    const outcome = await reserveStock(ctx.client, command);
    if (outcome.reserved) await ctx.emit(StockReserved, outcome.event);
    else await ctx.emit(StockRejected, outcome.event);
    this.log.info(outcome.reserved ? 'stock reserved' : 'stock rejected', {
      orderId: command.orderId,
      correlationId: ctx.headers.correlationId,
      ...(outcome.reserved ? {} : { reason: outcome.event.reason }),
    });
  }

  @CommandHandler(ReleaseStock, { emits: [StockReleased] })
  async release(command: ReleaseStock, ctx: MessageContext): Promise<void> {
    const event = await releaseStock(ctx.client, command);
    await ctx.emit(StockReleased, event);
    this.log.info('stock released', {
      orderId: command.orderId,
      correlationId: ctx.headers.correlationId,
      lines: event.items.length,
    });
  }

  @OnEvent(OrderCancellationRequested, { emits: [StockRestocked, StockRestockRefused] })
  async restock(event: OrderCancellationRequested, ctx: MessageContext): Promise<void> {
    const outcome = await restockCancelledOrder(ctx.client, event);
    if (outcome.restocked) await ctx.emit(StockRestocked, outcome.event);
    else await ctx.emit(StockRestockRefused, outcome.event);
    this.log.info(outcome.restocked ? 'cancelled order restocked' : 'restock refused', {
      orderId: event.orderId,
      correlationId: ctx.headers.correlationId,
    });
  }
}
