import { Module } from '@nestjs/common';
import { InventoryMessageHandlers } from './inventory-message.handlers';
import { StockController } from './stock.controller';

/** Stock per SKU: HTTP seeding and reading, and the reserve / release / restock handlers. */
@Module({ controllers: [StockController], providers: [InventoryMessageHandlers] })
export class StockModule {}
