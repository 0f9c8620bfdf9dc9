import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AppMetrics } from './app-metrics';
import { CorrelationMiddleware } from '../logging/correlation';
import { HealthController } from './health.controller';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';

/**
 * What every demo service has besides its domain: `/health`, `/metrics` (its own registry with process
 * metrics and HTTP timings, beside Sagaflow's), and a correlation id on every request.
 * Needs the DatabaseModule and SagaflowModule in the same application.
 */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [AppMetrics],
  exports: [AppMetrics],
})
export class PlatformModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware, HttpMetricsMiddleware).forRoutes('*path');
  }
}
