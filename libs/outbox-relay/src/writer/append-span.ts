import type { Span } from '@opentelemetry/api';
import { newMessageId } from '../message/message-id';
import { recordingTraceparent, startMessageSpan } from '../tracing/message-spans';
import { childTraceparent } from '../tracing/traceparent';
import type { ValidEntry } from './validate-entry';

/** A validated entry whose message id is set and whose traceparent is the message's own span. */
export interface TracedEntry {
  valid: ValidEntry;
  span: Span;
}

/**
 * Starts the `create` span of a validated entry, a child of the entry's `traceparent` (its cause) or of
 * the active context, and gives the entry the `traceparent` its row stores: the span's own when a tracer
 * records it, so the relay's `send` span and every consumer descend from it; otherwise a new span id in
 * the cause's trace, as before any tracer was installed.
 */
export function startAppendSpan(valid: ValidEntry, source: string): TracedEntry {
  const entry = valid.entry;
  const messageId = entry.messageId ?? newMessageId();
  const span = startMessageSpan(
    'create',
    {
      topic: entry.type.topic,
      messageType: entry.type.name,
      messageId,
      key: valid.key,
      correlationId: entry.correlationId,
      sagaType: entry.sagaType,
    },
    entry.traceparent,
    { 'sagaflow.source': source },
  );
  const own =
    recordingTraceparent(span) ??
    (entry.traceparent === undefined ? undefined : childTraceparent(entry.traceparent));
  const { traceparent: _cause, ...rest } = entry;
  return {
    valid: { ...valid, entry: { ...rest, messageId, ...(own === undefined ? {} : { traceparent: own }) } },
    span,
  };
}
