import { randomBytes } from 'node:crypto';
import { isSpanContextValid, TraceFlags, type SpanContext } from '@opentelemetry/api';

const pattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The span context a W3C `traceparent` names, or undefined when it is absent or not a valid one. */
export function parseTraceparent(traceparent: string | null | undefined): SpanContext | undefined {
  const match = traceparent ? pattern.exec(traceparent) : null;
  if (!match || match[1] === 'ff') return undefined;
  const context: SpanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: parseInt(match[4]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(context) ? context : undefined;
}

/** The W3C `traceparent` of a span context (version 00). */
export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-0${context.traceFlags & TraceFlags.SAMPLED}`;
}

/**
 * The `traceparent` of a message caused by `parent` when no tracer records its span: the same trace id
 * and a new span id, so a whole saga is still one trace id. Without a (valid) parent, a new trace starts.
 */
export function childTraceparent(parent: string | null | undefined): string {
  const context = parseTraceparent(parent);
  if (!context) return newTraceparent();
  return formatTraceparent({ ...context, spanId: randomBytes(8).toString('hex') });
}

/** A new trace (sampled). */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
