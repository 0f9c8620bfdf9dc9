import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Tracing } from './start-tracing';

const TRACING = Symbol('sagaflow.tracing');

/**
 * The root module around an app whose process traces: Nest shuts the root down last, so the spans of the
 * app's own shutdown (the relay's last sends, the consumers' last transactions) are exported too.
 */
@Module({})
export class TracingShutdownModule implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  static around(app: DynamicModule, tracing: Tracing): DynamicModule {
    return {
      module: TracingShutdownModule,
      imports: [app],
      providers: [{ provide: TRACING, useValue: tracing }],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}
