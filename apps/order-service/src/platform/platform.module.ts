import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { CorrelationMiddleware } from './correlation';
import { HealthController } from './health.controller';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { APP_METRICS, MetricsController } from './metrics.controller';

/**
 * What every demo service has besides its domain: `/health`, `/metrics` (its own registry with process
 * metrics and HTTP timings, merged with Sagaflow's), and a correlation id on every request.
 * Needs the DatabaseModule and SagaflowModule in the same application.
 */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [
    {
      provide: APP_METRICS,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
    HttpMetricsMiddleware,
  ],
  exports: [APP_METRICS],
})
export class PlatformModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware, HttpMetricsMiddleware).forRoutes('*path');
  }
}
