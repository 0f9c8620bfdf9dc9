import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { SagaflowLogger } from '../observability/json-logger';
import type { SagaflowMetrics } from '../observability/sagaflow-metrics';
import { deleteExpiredInboxRows } from '../store/delete-expired-inbox-rows';

/** What {@link InboxRetention} needs. */
export interface InboxRetentionDeps {
  pool: Pool;
  retentionMs: number;
  intervalMs: number;
  logger: SagaflowLogger;
  metrics: SagaflowMetrics;
  /** Rows per delete statement (default 5,000). */
  chunk?: number;
}

/**
 * Keeps the inbox to its retention (docs/decisions/0071): at start and then every interval, deletes the
 * rows of messages applied longer ago than `retentionMs`. A message redelivered after its row is gone is
 * applied again, so the retention must outlast every redelivery Kafka can still make: the consumed topics'
 * `retention.ms` when a group may start over from the earliest offset, hours otherwise. A failed round
 * is logged and tried at the next interval; it never stops the service.
 */
export class InboxRetention {
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly d: InboxRetentionDeps) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the loop; a round in progress finishes its current statement. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  /** One round: every expired row deleted. @returns how many. */
  async cleanOnce(): Promise<number> {
    const started = Date.now();
    const deleted = await deleteExpiredInboxRows(
      this.d.pool,
      this.d.retentionMs,
      this.d.chunk,
      this.abort.signal,
    );
    this.d.metrics.inboxRowsDeleted(deleted);
    if (deleted > 0)
      this.d.logger.info('inbox rows past their retention deleted', {
        deleted,
        retentionMs: this.d.retentionMs,
        durationMs: Date.now() - started,
      });
    return deleted;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        await this.cleanOnce();
      } catch (error) {
        this.d.logger.warn('inbox cleanup failed; trying again at the next interval', {
          error,
          intervalMs: this.d.intervalMs,
        });
      }
      await sleep(this.d.intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
