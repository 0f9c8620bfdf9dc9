import { Controller, Get, Header } from '@nestjs/common';
import { SagaflowMetrics } from '@sagaflow/saga-core';
import { Registry } from 'prom-client';
import { AppMetrics } from './app-metrics';

/** `GET /metrics`: the service's metrics and Sagaflow's (outbox, consumer, sagas), in Prometheus text format. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly app: AppMetrics,
    private readonly sagaflow: SagaflowMetrics,
  ) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  async metrics(): Promise<string> {
    const [own, sagaflow] = await Promise.all([
      this.app.registry.metrics(),
      this.sagaflow.registry.metrics(),
    ]);
    return `${own}\n${sagaflow}`;
  }
}
