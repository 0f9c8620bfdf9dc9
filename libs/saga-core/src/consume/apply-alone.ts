import type { OutboxWriter } from '@sagaflow/outbox-relay';
import type { ConsumedRecord } from '../runtime/dead-letter';
import { RetriesExhausted, retryInFreshTransactions } from '../runtime/retry-in-fresh-transactions';
import { applyTogether, type BatchUnit, type UnitResult } from './apply-together';
import { deadLetterRecord, type DeadLetterDeps } from './dead-letter-record';
import type { InProcessDelivery } from './deliver-in-process';
import { recordFields } from './record-fields';
import type { TransactionGate } from './transaction-gate';
import { reportResult } from './report-result';
import type { VersionGapClock } from './version-gap-clock';

/** What {@link applyAlone} needs. */
export interface ApplyAloneDeps extends DeadLetterDeps {
  writer: OutboxWriter;
  gate: TransactionGate;
  /** How long a record's conflicts are retried after its first one (docs/decisions/0074). */
  conflictTimeoutMs: number;
  /** How long a record for an instance of a definition version this replica lacks is held (decision 0069). */
  versionGapTimeoutMs: number;
  /** When each held record first met its version gap here. */
  versionGaps: VersionGapClock;
  /** Aborted when the group rebalances: a version-gap hold ends uncommitted, for the partition's next owner. */
  rebalanced: AbortSignal;
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
    const gapKey = `${consumer.name}|${h.messageId}`;
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
          versionGap: {
            timeoutMs: d.versionGapTimeoutMs,
            since: (now) => d.versionGaps.since(gapKey, now),
            release: d.rebalanced,
          },
          onRetry: (error, attempt, delayMs) => {
            d.metrics.retried(h.messageType, consumer.name, error.code);
            if (error.code === 'DEFINITION_VERSION_GAP') {
              const heldMs = Date.now() - d.versionGaps.since(gapKey, Date.now());
              d.logger.warn(
                'version gap: the saga instance runs a definition version this replica lacks; holding the message for a replica that has it',
                {
                  ...recordFields(record, h),
                  consumer: consumer.name,
                  ...error.context,
                  attempt,
                  heldMs,
                  versionGapTimeoutMs: d.versionGapTimeoutMs,
                  delayMs,
                },
              );
              return;
            }
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
      d.versionGaps.forget(gapKey);
      reportResult(d, record, h, consumer, result);
    } catch (error) {
      if (!(error instanceof RetriesExhausted)) throw error;
      d.versionGaps.forget(gapKey);
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
