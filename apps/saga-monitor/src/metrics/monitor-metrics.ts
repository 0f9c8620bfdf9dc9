import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PartitionLag } from '../kafka/consumer-lag';
import type { AppliedBatch } from '../projection/apply-batch';
import { terminalStatuses } from '../projection/saga-row';
import { stuckSql } from '../query/stuck';

const transitionCounters = {
  Started: 'started',
  Completed: 'completed',
  Compensated: 'compensated',
  Failed: 'failed',
} as const;

/** Where the metrics read what is not counted as it happens. */
export interface MetricsSources {
  pool: Pool;
  stuckAfterMs: number;
  lag: () => Promise<PartitionLag[]>;
  now?: () => Date;
}

/**
 * The monitor's Prometheus metrics, on their own registry. Counters and the duration histogram are
 * seeded from the projection at start-up and then advanced by each committed batch, so they equal the
 * projection and survive restarts; gauges (in flight, stuck, lag) are read at scrape time.
 */
export class MonitorMetrics {
  readonly registry = new Registry();
  private readonly counters: Record<
    (typeof transitionCounters)[keyof typeof transitionCounters],
    Counter<'saga_type'>
  >;
  private readonly duration: Histogram<'saga_type' | 'outcome'>;
  private readonly applied: Counter<'topic'>;
  private readonly undecodable: Counter<'topic'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const counter = (what: string) =>
      new Counter({
        name: `sagaflow_monitor_sagas_${what}_total`,
        help: `Sagas ${what}, by saga type`,
        labelNames: ['saga_type'],
        registers,
      });
    this.counters = {
      started: counter('started'),
      completed: counter('completed'),
      compensated: counter('compensated'),
      failed: counter('failed'),
    };
    this.duration = new Histogram({
      name: 'sagaflow_monitor_saga_duration_seconds',
      help: 'Start to end of ended sagas, by saga type and outcome (status)',
      labelNames: ['saga_type', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    });
    this.applied = new Counter({
      name: 'sagaflow_monitor_records_applied_total',
      help: 'Records applied to the projection',
      labelNames: ['topic'],
      registers,
    });
    this.undecodable = new Counter({
      name: 'sagaflow_monitor_records_undecodable_total',
      help: 'Records stored with a decode or interpretation error',
      labelNames: ['topic'],
      registers,
    });
    const now = sources.now ?? (() => new Date());
    const active = memo(async () => {
      const cutoff = new Date(now().getTime() - sources.stuckAfterMs).toISOString();
      const rows = await sources.pool.query<{ saga_type: string; in_flight: string; stuck: string }>(
        /* sql */ `select saga_type, count(*) as in_flight, count(*) filter (where ${stuckSql('$1::timestamptz')}) as stuck
         from monitor.saga s where s.status in ('RUNNING', 'COMPENSATING') group by saga_type`,
        [cutoff],
      );
      return rows.rows;
    });
    new Gauge({
      name: 'sagaflow_monitor_sagas_in_flight',
      help: 'Sagas that have not ended, by saga type',
      labelNames: ['saga_type'],
      registers,
      async collect() {
        this.reset();
        for (const r of await active()) this.set({ saga_type: r.saga_type }, Number(r.in_flight));
      },
    });
    new Gauge({
      name: 'sagaflow_monitor_sagas_stuck',
      help: 'Sagas stuck (no progress past the threshold, or a dead letter), by saga type',
      labelNames: ['saga_type'],
      registers,
      async collect() {
        this.reset();
        for (const r of await active()) this.set({ saga_type: r.saga_type }, Number(r.stuck));
      },
    });
    new Gauge({
      name: 'sagaflow_monitor_consumer_lag',
      help: 'Records on Kafka the projection has not applied yet, by topic and partition',
      labelNames: ['topic', 'partition'],
      registers,
      async collect() {
        this.reset();
        for (const l of await sources.lag())
          this.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
      },
    });
  }

  /** Brings counters and the histogram up to what the projection holds; call once, before consuming. */
  async seed(pool: Pool): Promise<void> {
    const counts = await pool.query<{
      saga_type: string;
      transition: keyof typeof transitionCounters;
      n: string;
    }>(/* sql */ `select saga_type, transition, count(*) as n from monitor.saga_transition
       where transition in ('Started', 'Completed', 'Compensated', 'Failed') group by saga_type, transition`);
    for (const r of counts.rows)
      this.counters[transitionCounters[r.transition]].inc({ saga_type: r.saga_type }, Number(r.n));
    const ended = await pool.query<{ saga_type: string; status: string; duration_ms: string }>(
      `select saga_type, status, duration_ms from monitor.saga where ended_at is not null`,
    );
    for (const r of ended.rows)
      this.duration.observe({ saga_type: r.saga_type, outcome: r.status }, Number(r.duration_ms) / 1000);
  }

  /** Advances the counters by what one committed batch applied. */
  onApplied(topic: string, batch: AppliedBatch): void {
    this.applied.inc({ topic }, batch.applied);
    if (batch.undecodable > 0) this.undecodable.inc({ topic }, batch.undecodable);
    const sagas = new Map(batch.sagas.map((s) => [s.sagaId, s]));
    for (const t of batch.newTransitions) {
      const name = transitionCounters[t.transition as keyof typeof transitionCounters];
      if (name) this.counters[name].inc({ saga_type: t.sagaType });
      const s = sagas.get(t.sagaId);
      if (terminalStatuses.has(t.status) && s?.durationMs != null && s.endedAt === t.at) {
        this.duration.observe({ saga_type: t.sagaType, outcome: t.status }, s.durationMs / 1000);
      }
    }
  }
}

/** One query per scrape, however many gauges read it. */
function memo<T>(fn: () => Promise<T>, ttlMs = 1000): () => Promise<T> {
  let at = 0;
  let value: Promise<T> | undefined;
  return () => {
    if (!value || Date.now() - at > ttlMs) {
      at = Date.now();
      value = fn();
      value.catch(() => (value = undefined));
    }
    return value;
  };
}
