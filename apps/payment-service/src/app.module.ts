import { Module, type DynamicModule } from '@nestjs/common';
import { paymentCatalog } from '@sagaflow/contracts';
import { SagaflowModule } from '@sagaflow/saga-core';
import { serviceName, type PaymentConfig } from './config';
import { APP_LOGGER, DatabaseModule, type JsonLogger, PlatformModule } from '@sagaflow/service-kit';
import { paymentMigrations, paymentSchema } from './accounts/payment-migrations';
import { AccountsModule } from './accounts/accounts.module';

/** payment-service: its database, Sagaflow (outbox, relay, consumer), health/metrics, and accounts. */
@Module({})
export class AppModule {
  static forRoot(config: PaymentConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          schema: paymentSchema,
          migrations: paymentMigrations,
          logger,
        }),
        SagaflowModule.forRoot({
          service: serviceName,
          databaseUrl: config.DATABASE_URL,
          kafka: { brokers: config.KAFKA_BROKERS },
          codec: config.codec,
          catalog: paymentCatalog,
          logger,
        }),
        PlatformModule,
        AccountsModule,
      ],
      providers: [{ provide: APP_LOGGER, useValue: logger }],
      exports: [APP_LOGGER],
    };
  }
}
