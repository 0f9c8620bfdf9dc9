import { Module } from '@nestjs/common';
import { OrderMessageHandlers } from './order-message.handlers';
import { OrdersController } from './orders.controller';

/** Orders: the HTTP API, the ApproveOrder handler and the saga-lifecycle reaction. */
@Module({ controllers: [OrdersController], providers: [OrderMessageHandlers] })
export class OrdersModule {}
