import type { Pool } from 'pg';
import { allStatuses, type SagaStatus } from '../projection/saga-row';
import { stuckSql } from './stuck';

/** Figures of one saga type. */
export interface SagaTypeStats {
  type: string;
  total: number;
  byStatus: Record<SagaStatus, number>;
  stuck: number;
  /** Sagas that ended within the window, per minute. */
  throughputPerMinute: number;
  /** Duration of ended sagas (all time), in milliseconds; null when none ended. */
  durationMs: { p50: number | null; p95: number | null; p99: number | null };
}

/** `GET /api/stats`. */
export interface StatsResponse {
  windowMs: number;
  types: SagaTypeStats[];
}

/** Per saga type: counts by status, stuck count, throughput over the window, duration percentiles. */
export async function sagaStats(
  pool: Pool,
  now: Date,
  stuckAfterMs: number,
  windowMs: number,
): Promise<StatsResponse> {
  const cutoff = new Date(now.getTime() - stuckAfterMs).toISOString();
  const windowStart = new Date(now.getTime() - windowMs).toISOString();
  const [counts, durations, stuck] = await Promise.all([
    pool.query<{ saga_type: string; status: SagaStatus; n: string }>(
      `select saga_type, status, count(*) as n from monitor.saga group by saga_type, status`,
    ),
    pool.query<{ saga_type: string; p: (number | null)[] | null; ended: string }>(
      /* sql */ `select saga_type,
         percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration_ms) as p,
         count(*) filter (where ended_at >= $1) as ended
       from monitor.saga where ended_at is not null group by saga_type`,
      [windowStart],
    ),
    pool.query<{ saga_type: string; n: string }>(
      `select saga_type, count(*) as n from monitor.saga s where ${stuckSql('$1::timestamptz')} group by saga_type`,
      [cutoff],
    ),
  ]);
  const types = new Map<string, SagaTypeStats>();
  const of = (type: string): SagaTypeStats => {
    let t = types.get(type);
    if (!t) {
      t = {
        type,
        total: 0,
        byStatus: Object.fromEntries(allStatuses.map((s) => [s, 0])) as Record<SagaStatus, number>,
        stuck: 0,
        throughputPerMinute: 0,
        durationMs: { p50: null, p95: null, p99: null },
      };
      types.set(type, t);
    }
    return t;
  };
  for (const r of counts.rows) {
    const t = of(r.saga_type);
    t.byStatus[r.status] = Number(r.n);
    t.total += Number(r.n);
  }
  for (const r of durations.rows) {
    const t = of(r.saga_type);
    const [p50, p95, p99] = (r.p ?? []).map((v) => (v === null ? null : Math.round(v)));
    t.durationMs = { p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null };
    t.throughputPerMinute = Math.round((Number(r.ended) / (windowMs / 60_000)) * 100) / 100;
  }
  for (const r of stuck.rows) of(r.saga_type).stuck = Number(r.n);
  return { windowMs, types: [...types.values()].sort((a, b) => a.type.localeCompare(b.type)) };
}

/** Counts by status across all types, plus the stuck count: the live list's header. */
export async function statusCounts(
  pool: Pool,
  now: Date,
  stuckAfterMs: number,
): Promise<Record<SagaStatus | 'stuck' | 'total', number>> {
  const cutoff = new Date(now.getTime() - stuckAfterMs).toISOString();
  const [byStatus, stuck] = await Promise.all([
    pool.query<{ status: SagaStatus; n: string }>(
      `select status, count(*) as n from monitor.saga group by status`,
    ),
    pool.query<{ n: string }>(
      `select count(*) as n from monitor.saga s where ${stuckSql('$1::timestamptz')}`,
      [cutoff],
    ),
  ]);
  const out = Object.fromEntries([...allStatuses, 'stuck', 'total'].map((s) => [s, 0])) as Record<
    SagaStatus | 'stuck' | 'total',
    number
  >;
  for (const r of byStatus.rows) {
    out[r.status] = Number(r.n);
    out.total += Number(r.n);
  }
  out.stuck = Number(stuck.rows[0]?.n ?? 0);
  return out;
}
