import { Controller, Get, Header, Inject } from '@nestjs/common';
import { SagaflowMetrics } from '@sagaflow/saga-core';
import { Registry } from 'prom-client';

/** Injection token of the service's own Prometheus registry (process and HTTP metrics). */
export const APP_METRICS = Symbol('APP_METRICS');

/** `GET /metrics`: the service's metrics and Sagaflow's (outbox, consumer, sagas), in Prometheus text format. */
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(APP_METRICS) private readonly app: Registry,
    private readonly sagaflow: SagaflowMetrics,
  ) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  async metrics(): Promise<string> {
    // merged per scrape: both registries keep changing, and merge() only copies references
    return Registry.merge([this.app, this.sagaflow.registry]).metrics();
  }
}
