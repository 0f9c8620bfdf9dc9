import { Module, type DynamicModule } from '@nestjs/common';
import { inventoryCatalog } from '@sagaflow/contracts';
import { SagaflowModule } from '@sagaflow/saga-core';
import { serviceName, type InventoryConfig } from './config';
import { APP_LOGGER, DatabaseModule, type JsonLogger, PlatformModule } from '@sagaflow/service-kit';
import { inventoryMigrations, inventorySchema } from './stock/inventory-migrations';
import { StockModule } from './stock/stock.module';

/** inventory-service: its database, Sagaflow (outbox, relay, consumer), health/metrics, and stock. */
@Module({})
export class AppModule {
  static forRoot(config: InventoryConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          schema: inventorySchema,
          migrations: inventoryMigrations,
          logger,
        }),
        SagaflowModule.forRoot({
          service: serviceName,
          databaseUrl: config.DATABASE_URL,
          kafka: { brokers: config.KAFKA_BROKERS },
          codec: config.codec,
          catalog: inventoryCatalog,
          logger,
        }),
        PlatformModule,
        StockModule,
      ],
      providers: [{ provide: APP_LOGGER, useValue: logger }],
      exports: [APP_LOGGER],
    };
  }
}
