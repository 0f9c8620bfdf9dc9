import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** A started OpenTelemetry SDK: {@link Tracing.shutdown} exports what is still buffered. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry tracing SDK for this process, so the spans Sagaflow's libraries start are
 * recorded and exported as OTLP/HTTP (JSON) to `endpoint` + `/v1/traces`, the resource named `service`.
 * Every span is sampled; spans are exported in batches at least once a second.
 * The libraries never call this: a service chooses its SDK (docs/decisions/0084).
 */
export function startTracing(service: string, endpoint: string): Tracing {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': service })),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
        // a saga's spans reach the backend within a second, as its monitor page does
        scheduledDelayMillis: 1000,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
