import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { SagaflowLogger } from '../observability/json-logger';
import type { ConsumedRecord } from './dead-letter';
import { RetryAborted } from './retry-in-fresh-transactions';

/** What {@link keyOrderedBatchHandler} needs. */
export interface KeyOrderedOptions {
  /** Keys handled in parallel within one partition's batch. */
  concurrency: number;
  heartbeatIntervalMs: number;
  /** Handles one record completely; throws only when stopping (the record is then left uncommitted). */
  handle(record: ConsumedRecord): Promise<void>;
  /** Commits `offset` (the next offset to read) of the partition. */
  commit(topic: string, partition: number, offset: string): Promise<void>;
  logger: SagaflowLogger;
}

/**
 * A KafkaJS `eachBatch` handler keeping per-key order while using parallelism: the batch's records are
 * grouped by key, up to `concurrency` keys run at once, and one key's records run strictly one after the
 * other (a retrying record holds back only its own key). The partition's offset is committed only up to
 * the last record before which every record has been fully handled, so a crash redelivers and never skips.
 * Heartbeats continue while handlers run, so a long handler keeps the consumer in its group.
 */
export function keyOrderedBatchHandler(options: KeyOrderedOptions) {
  return async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const messages = batch.messages;
    if (messages.length === 0) return;
    const done = new Array<boolean>(messages.length).fill(false);
    let contiguous = -1;
    let committedIndex = -1;
    let committing: Promise<void> = Promise.resolve();
    let failure: unknown;

    const commitUpTo = () => {
      while (contiguous + 1 < messages.length && done[contiguous + 1]) contiguous++;
      if (contiguous <= committedIndex) return;
      const index = contiguous;
      committedIndex = index;
      const offset = messages[index]!.offset;
      resolveOffset(offset);
      committing = committing
        .then(() => options.commit(batch.topic, batch.partition, (BigInt(offset) + 1n).toString()))
        .catch((error: unknown) => {
          // a failed commit only means redelivery after a restart; the inbox makes that harmless
          options.logger.warn('offset commit failed', {
            topic: batch.topic,
            partition: batch.partition,
            offset,
            error,
          });
        });
    };

    const byKey = new Map<string, number[]>();
    messages.forEach((m: KafkaMessage, index) => {
      const key = m.key === null ? '\u0000null' : m.key.toString('latin1');
      const list = byKey.get(key);
      if (list) list.push(index);
      else byKey.set(key, [index]);
    });
    const queue = [...byKey.values()];

    const worker = async () => {
      for (;;) {
        if (failure !== undefined || !isRunning() || isStale()) return;
        const indexes = queue.shift();
        if (!indexes) return;
        for (const index of indexes) {
          if (failure !== undefined || !isRunning() || isStale()) return;
          try {
            await options.handle({
              topic: batch.topic,
              partition: batch.partition,
              message: messages[index]!,
            });
          } catch (error) {
            if (!(error instanceof RetryAborted)) failure = error;
            return;
          }
          done[index] = true;
          commitUpTo();
        }
      }
    };

    const beat = setInterval(() => {
      heartbeat().catch(() => undefined);
    }, options.heartbeatIntervalMs);
    try {
      await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
    } finally {
      clearInterval(beat);
      await committing;
    }
    // unexpected: let KafkaJS restart from the last committed offset
    if (failure !== undefined) throw failure;
  };
}
