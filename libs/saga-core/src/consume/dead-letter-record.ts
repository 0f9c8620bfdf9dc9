import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageHeaders, SagaflowError } from '@sagaflow/outbox-relay';
import type { Pool } from 'pg';
import type { SagaflowLogger } from '../observability/json-logger';
import type { SagaflowMetrics } from '../observability/sagaflow-metrics';
import { toSagaflowError } from '../runtime/classify-error';
import type { ConsumedRecord, DeadLetterPublisher } from '../runtime/dead-letter';
import { inTransaction } from '../runtime/in-transaction';
import { backoff, RetryAborted, type RetrySettings } from '../runtime/retry-in-fresh-transactions';
import { markStuck } from '../store/mark-stuck';
import { recordFields } from './record-fields';

/** What {@link deadLetterRecord} needs. */
export interface DeadLetterDeps {
  pool: Pool;
  deadLetters: DeadLetterPublisher;
  logger: SagaflowLogger;
  metrics: SagaflowMetrics;
  retry: RetrySettings;
  signal: AbortSignal;
}

/**
 * Sends the record to `<topic>.dlt` and marks the correlated instance stuck. Retried until the broker
 * takes it (or the runtime stops): the offset is committed only after.
 * @throws RetryAborted when the runtime stops first.
 */
export async function deadLetterRecord(
  d: DeadLetterDeps,
  record: ConsumedRecord,
  h: MessageHeaders | undefined,
  consumer: string,
  error: SagaflowError,
  attempts: number,
  stuck?: { type: string; correlationKey: string },
): Promise<void> {
  const type = h?.messageType ?? 'unknown';
  for (let failures = 1; ; failures++) {
    try {
      const topic = await d.deadLetters.publish(record, consumer, error, attempts);
      d.metrics.deadLetter(type, consumer, error.code);
      d.metrics.messageHandled(type, consumer, 'dead_lettered');
      d.logger.error('message dead-lettered', {
        ...recordFields(record, h),
        consumer,
        deadLetterTopic: topic,
        attempts,
        errorCode: error.code,
        error,
      });
      break;
    } catch (publishError) {
      if (d.signal.aborted) throw new RetryAborted();
      d.logger.warn('dead-lettering failed, retrying', { ...recordFields(record, h), error: publishError });
      await sleep(backoff(d.retry, failures), undefined, { signal: d.signal }).catch(() => undefined);
    }
  }
  if (!stuck) return;
  try {
    const id = await inTransaction(d.pool, (client) => markStuck(client, stuck, error.code, error.message));
    if (id)
      d.logger.error('saga instance is stuck', {
        ...recordFields(record, h),
        sagaId: id,
        sagaType: stuck.type,
        errorCode: error.code,
      });
  } catch (markError) {
    // the dead letter carries the error; the marker is a convenience for operators
    d.logger.warn('could not mark the saga instance stuck', {
      ...recordFields(record, h),
      error: toSagaflowError(markError, 'markStuck'),
    });
  }
}
