import type { OutboxWriter } from '@sagaflow/outbox-relay';
import type { ConsumedRecord } from '../runtime/dead-letter';
import { RetriesExhausted, retryInFreshTransactions } from '../runtime/retry-in-fresh-transactions';
import { applyTogether, type BatchUnit, type UnitResult } from './apply-together';
import { deadLetterRecord, type DeadLetterDeps } from './dead-letter-record';
import type { InProcessDelivery } from './deliver-in-process';
import { recordFields } from './record-fields';
import type { TransactionGate } from './transaction-gate';
import { reportResult } from './report-result';

/** What {@link applyAlone} needs. */
export interface ApplyAloneDeps extends DeadLetterDeps {
  writer: OutboxWriter;
  gate: TransactionGate;
  /** How long a record's conflicts are retried after its first one (docs/decisions/0074). */
  conflictTimeoutMs: number;
  /** Set when the service delivers what it emits to its own consumers in process. */
  inProcess?: InProcessDelivery;
}

/**
 * The isolated path of one record that failed inside a batch (or could not be batched): each of its
 * consumers applies it in transactions of its own, retried in fresh transactions by its own policy, and
 * dead-letters it (marking its saga stuck) when it gives up — exactly as if it had never met its
 * neighbours. Resolves when the record may be committed.
 * @throws RetryAborted when the runtime stops meanwhile (the offset is then not committed).
 */
export async function applyAlone(
  d: ApplyAloneDeps,
  record: ConsumedRecord,
  unit: BatchUnit,
): Promise<{ committedAt: number }> {
  const h = unit.message.headers;
  let committedAt = Date.now();
  for (const consumer of unit.consumers) {
    const stop = d.metrics.timeHandler(consumer.name);
    try {
      const result = await retryInFreshTransactions<UnitResult>(
        consumer.retry,
        consumer.origin,
        async () => {
          const outcome = await applyTogether(
            d.pool,
            d.writer,
            [{ ...unit, consumers: [consumer] }],
            new Date(),
            d.inProcess,
          );
          if (!outcome.ok) throw outcome.error;
          committedAt = outcome.committedAt;
          return outcome.results[0]![0]!;
        },
        {
          signal: d.signal,
          conflictTimeoutMs: d.conflictTimeoutMs,
          onRetry: (error, attempt, delayMs) => {
            d.metrics.retried(h.messageType, consumer.name, error.code);
            d.logger.warn('message failed, retrying in a fresh transaction', {
              ...recordFields(record, h),
              consumer: consumer.name,
              attempt,
              delayMs,
              error,
            });
          },
        },
      );
      reportResult(d, record, h, consumer, result);
    } catch (error) {
      if (!(error instanceof RetriesExhausted)) throw error;
      await deadLetterRecord(
        d,
        record,
        h,
        consumer.name,
        error.error,
        error.attempts,
        consumer.stuckTarget?.(unit.message),
      );
    } finally {
      stop();
    }
  }
  return { committedAt };
}
