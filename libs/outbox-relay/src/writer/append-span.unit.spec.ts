import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { defineMessage } from '../message/message-type';
import { parseTraceparent } from '../tracing/traceparent';
import { startAppendSpan } from './append-span';
import type { OutboxEntry } from './outbox-entry';
import { validateEntry } from './validate-entry';

const Reserved = defineMessage<{ orderId: string }>({
  topic: 'inventory.events',
  kind: 'event',
  key: (e) => e.orderId,
  schema: {
    type: 'record',
    namespace: 'inventory',
    name: 'StockReserved',
    fields: [{ name: 'orderId', type: 'string' }],
  },
});
const cause = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const valid = (traceparent?: string) =>
  validateEntry(
    {
      type: Reserved,
      payload: { orderId: 'o-1' },
      correlationId: 'o-1',
      sagaType: 'OrderFulfilment',
      ...(traceparent === undefined ? {} : { traceparent }),
    } as OutboxEntry,
    0,
  );

describe('startAppendSpan', () => {
  afterEach(() => trace.disable());

  it('without a tracer, stores a new span id in the cause’s trace, and nothing without a cause', () => {
    const { valid: withCause, span } = startAppendSpan(valid(cause), 'inventory-service');
    expect(span.isRecording()).toBe(false);
    const stored = parseTraceparent(withCause.entry.traceparent)!;
    expect(stored.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(stored.spanId).not.toBe('00f067aa0ba902b7');
    expect(startAppendSpan(valid(), 'inventory-service').valid.entry.traceparent).toBeUndefined();
  });

  it('with a tracer, stores the create span itself: a producer span, child of the cause, naming the message', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    trace.setGlobalTracerProvider(provider);

    const { valid: traced, span } = startAppendSpan(valid(cause), 'inventory-service');
    span.end();
    await provider.forceFlush();

    const [exported] = exporter.getFinishedSpans();
    expect(exported).toBeDefined();
    expect(traced.entry.traceparent).toBe(`00-${cause.slice(3, 35)}-${exported!.spanContext().spanId}-01`);
    expect(exported!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(exported!.name).toBe('create inventory.events');
    expect(exported!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'create',
      'messaging.destination.name': 'inventory.events',
      'messaging.message.id': traced.entry.messageId,
      'messaging.kafka.message.key': 'o-1',
      'sagaflow.message.type': 'inventory.StockReserved',
      'sagaflow.correlation_id': 'o-1',
      'sagaflow.saga.type': 'OrderFulfilment',
      'sagaflow.source': 'inventory-service',
    });
  });
});
