import {
  Body,
  ConflictException,
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
import { cancelOrderBody, type CancelOrderBody } from '../cancellation/cancel-order.body';
import { requestCancellation } from '../cancellation/request-cancellation';
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

  /**
   * Asks to cancel an APPROVED order: CANCELLATION_REQUESTED and OrderCancellationRequested commit
   * together; inventory restocks and payment refunds on their own (choreography), and the order becomes
   * CANCELLED once both answered (`GET /orders/:id` shows each answer). 404 for an unknown order, 409
   * naming the status and why for any order that is not APPROVED.
   */
  @Post(':orderId/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  async cancel(
    @Param('orderId', new ZodValidationPipe(orderIdParam, 'orderId')) orderId: string,
    @Body(new ZodValidationPipe(cancelOrderBody)) body: CancelOrderBody,
  ): Promise<{ orderId: string; status: 'CANCELLATION_REQUESTED'; correlationId: string }> {
    const decision = await this.transactions.run(
      (tx) => requestCancellation(tx, orderId, body?.reason ?? null, new Date()),
      // the order id is the business transaction, as for its saga (decision 0035)
      { correlationId: orderId },
    );
    if (!decision.ok) {
      if (decision.httpStatus === 404) throw new NotFoundException(decision.message);
      throw new ConflictException(decision.message);
    }
    return { orderId, status: 'CANCELLATION_REQUESTED', correlationId: orderId };
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
