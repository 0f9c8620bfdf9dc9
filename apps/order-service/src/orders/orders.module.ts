import { Module } from '@nestjs/common';
import { OrderCancellationHandlers } from '../cancellation/order-cancellation.handlers';
import { OrderMessageHandlers } from './order-message.handlers';
import { OrdersController } from './orders.controller';

/** Orders: the HTTP API, the ApproveOrder handler, the saga-lifecycle reaction and the cancellation reactions. */
@Module({ controllers: [OrdersController], providers: [OrderMessageHandlers, OrderCancellationHandlers] })
export class OrdersModule {}
