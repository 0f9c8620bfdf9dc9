import {
  context as otelContext,
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent } from './traceparent';

/** The instrumentation scope of every span Sagaflow starts. */
export const tracerName = '@sagaflow';

/**
 * What Sagaflow's spans do (OpenTelemetry messaging conventions): `create` appends a message to the
 * outbox, `send` publishes it, `process` consumes it; `transaction` is the database transaction that
 * applies it (or, for a business transaction, that emits it).
 */
export type SpanOperation = 'create' | 'send' | 'process' | 'transaction';

const kinds: Record<SpanOperation, SpanKind> = {
  create: SpanKind.PRODUCER,
  send: SpanKind.PRODUCER,
  process: SpanKind.CONSUMER,
  transaction: SpanKind.INTERNAL,
};

/** The message a span is about, as span attributes (messaging conventions plus `sagaflow.*`). */
export interface SpanMessage {
  /** Unknown to a transaction span (the consumed message's `process` span, its parent, names it). */
  topic?: string | undefined;
  messageType: string;
  messageId?: string | undefined;
  key?: string | undefined;
  correlationId?: string | undefined;
  sagaType?: string | null | undefined;
}

/**
 * Starts a span of `operation` on `message`, a child of `parent`: a `traceparent` (the message's cause),
 * else the active context (e.g. an HTTP request's span). Without an OpenTelemetry SDK registered the span
 * records nothing and costs next to nothing.
 */
export function startMessageSpan(
  operation: SpanOperation,
  message: SpanMessage,
  parent: string | null | undefined,
  attributes: Attributes = {},
): Span {
  const subject = operation === 'transaction' ? message.messageType : message.topic;
  const span = startSpan(`${operation} ${subject}`, kinds[operation], parent, {});
  // built only for a span that records: four spans per message must cost nothing without an SDK
  if (!span.isRecording()) return span;
  return span.setAttributes({
    'messaging.system': 'kafka',
    ...(operation === 'transaction'
      ? { 'db.system.name': 'postgresql' }
      : { 'messaging.operation.type': operation, 'messaging.operation.name': operation }),
    ...(message.topic === undefined ? {} : { 'messaging.destination.name': message.topic }),
    'sagaflow.message.type': message.messageType,
    ...(message.messageId === undefined ? {} : { 'messaging.message.id': message.messageId }),
    ...(message.key === undefined ? {} : { 'messaging.kafka.message.key': message.key }),
    ...(message.correlationId === undefined ? {} : { 'sagaflow.correlation_id': message.correlationId }),
    ...(message.sagaType ? { 'sagaflow.saga.type': message.sagaType } : {}),
    ...attributes,
  });
}

/**
 * Starts a Sagaflow span that is not about one message (a business transaction's), a child of `parent`
 * (a `traceparent`) or of the active context.
 */
export function startSpan(
  name: string,
  kind: SpanKind,
  parent: string | null | undefined,
  attributes: Attributes,
): Span {
  if (noTracerRegistered()) return notRecorded;
  // not kept: a tracer provider registered later (or again, in tests) must get the spans from then on
  return trace.getTracer(tracerName).startSpan(name, { kind, attributes }, parentContext(parent));
}

/** The `traceparent` naming `span`, when it records (else the span is not exported: nothing to point at). */
export function recordingTraceparent(span: Span): string | undefined {
  return span.isRecording() ? formatTraceparent(span.spanContext()) : undefined;
}

/** Ends a span, as failed when `error` is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
  }
  span.end();
}

// Without an SDK the API's global provider is a proxy whose delegate is the no-op provider: then a span
// costs no traceparent parsing and no context (a parse alone measured ~1 µs, four spans per message).
// A proxy of another copy of the API is not recognised, and takes the full way, which is still correct.
const noopProvider = new ProxyTracerProvider().getDelegate();
const notRecorded = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

function noTracerRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === noopProvider;
}

function parentContext(parent: string | null | undefined): Context {
  const remote = parseTraceparent(parent);
  return remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : otelContext.active();
}
