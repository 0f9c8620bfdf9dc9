import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PendingStats } from './pending-stats';

/**
 * The relay's Prometheus metrics, on the registry the caller gives (or the relay's own), never the global
 * one. Pending counts are read from the database when scraped, so they are right even on a standby.
 */
export class RelayMetrics {
  readonly published: Counter<'topic'>;
  readonly batchSize: Histogram;
  readonly errors: Counter<'code'>;
  readonly leader: Gauge;
  private statsAt = 0;
  private stats: Promise<PendingStats> | undefined;

  constructor(registry: Registry, readStats: () => Promise<PendingStats>) {
    const registers = [registry];
    // one query feeds all three gauges, at most every 5 s: it counts the whole backlog, and a long-running
    // snapshot keeps published rows' index entries alive, which slows every read of the relay meanwhile
    const fresh = (): Promise<PendingStats> => {
      if (!this.stats || Date.now() - this.statsAt > 5000) {
        this.statsAt = Date.now();
        this.stats = readStats();
      }
      return this.stats;
    };
    this.published = new Counter({
      name: 'sagaflow_outbox_published_total',
      help: 'Messages acknowledged by Kafka, by topic.',
      labelNames: ['topic'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'sagaflow_outbox_batch_size',
      help: 'Messages per batch sent to Kafka.',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
      registers,
    });
    this.errors = new Counter({
      name: 'sagaflow_outbox_errors_total',
      help: 'Relay errors by Sagaflow error code.',
      labelNames: ['code'],
      registers,
    });
    this.leader = new Gauge({
      name: 'sagaflow_outbox_relay_leader',
      help: '1 while this relay holds leadership of its database.',
      registers,
    });
    new Gauge({
      name: 'sagaflow_outbox_pending_rows',
      help: 'Rows not yet published (set-aside rows included).',
      registers,
      async collect() {
        this.set((await fresh().catch(() => undefined))?.pending ?? NaN);
      },
    });
    new Gauge({
      name: 'sagaflow_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest row not yet published.',
      registers,
      async collect() {
        this.set((await fresh().catch(() => undefined))?.oldestPendingAgeSeconds ?? NaN);
      },
    });
    new Gauge({
      name: 'sagaflow_outbox_set_aside_rows',
      help: 'Rows set aside because they cannot be encoded; each holds back its key.',
      registers,
      async collect() {
        this.set((await fresh().catch(() => undefined))?.setAside ?? NaN);
      },
    });
  }
}
