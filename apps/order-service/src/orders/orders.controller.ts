import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { OrderPlaced } from '@sagaflow/contracts';
import { newMessageId } from '@sagaflow/outbox-relay';
import { SagaflowTransactions } from '@sagaflow/saga-core';
import { Pool } from 'pg';
import { PG_POOL, ZodValidationPipe } from '@sagaflow/service-kit';
import { orderTotal, type OrderView } from './order';
import { findOrder, insertOrder } from './order-store';
import { orderIdParam, placeOrderBody, type PlaceOrderBody } from './place-order.body';

/** Placing and reading orders. An order's outcome is decided by the OrderFulfilment saga, asynchronously. */
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly transactions: SagaflowTransactions,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  /**
   * Places an order: the order row and its OrderPlaced event commit in one transaction (the outbox), so
   * the saga starts if and only if the order exists. 202: the outcome comes later, at `GET /orders/:id`.
   */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async place(
    @Body(new ZodValidationPipe(placeOrderBody)) body: PlaceOrderBody,
  ): Promise<{ orderId: string; status: 'PENDING' }> {
    const orderId = newMessageId();
    const total = orderTotal(body.items);
    await this.transactions.run(
      async (tx) => {
        await insertOrder(tx.client, { orderId, customerId: body.customerId, items: body.items, total });
        await tx.emit(OrderPlaced, { orderId, customerId: body.customerId, items: body.items, total });
      },
      // the order id is the business transaction: every message of its saga carries it
      { correlationId: orderId },
    );
    return { orderId, status: 'PENDING' };
  }

  @Get(':orderId')
  async get(
    @Param('orderId', new ZodValidationPipe(orderIdParam, 'orderId')) orderId: string,
  ): Promise<OrderView> {
    const order = await findOrder(this.pool, orderId);
    if (!order) throw new NotFoundException(`no order ${orderId}`);
    return order;
  }
}
