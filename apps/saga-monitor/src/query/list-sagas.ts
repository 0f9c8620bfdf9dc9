import type { Pool } from 'pg';
import { sagaColumns, sagaFromRow, type SagaDbRow } from '../db/saga-columns';
import { encodeCursor } from './cursor';
import { encodeDurationCursor } from './duration-cursor';
import type { ListQuery } from './parse-list-query';
import { summarize, type DeadLetterDigest, type SagaSummary } from './saga-summary';
import { stuckSql } from './stuck';
import { unresolvedDeadLetterSql } from '../actions/action-store';

/** A page of the saga list. */
export interface SagaPage {
  items: SagaSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The latest dead letter of `s`'s correlation id and the count, joined beside each listed saga. */
export const deadLetterLateral = /* sql */ `
  left join lateral (
    select count(*) over () as dl_count, d.error_code as dl_code, d.error_message as dl_message,
      d.failed_at as dl_at, d.topic as dl_topic
    from monitor.dead_letter d where d.correlation_id = s.correlation_id and ${unresolvedDeadLetterSql}
    order by d.failed_at desc limit 1
  ) dl on true`;

/** The dead-letter columns {@link deadLetterLateral} adds to a row. */
export interface DeadLetterColumns {
  dl_count: string | null;
  dl_code: string | null;
  dl_message: string | null;
  dl_at: Date | null;
  dl_topic: string | null;
}

/** Reads {@link DeadLetterColumns} into a digest. */
export function deadLetterDigest(r: DeadLetterColumns): DeadLetterDigest {
  return {
    count: r.dl_count === null ? 0 : Number(r.dl_count),
    errorCode: r.dl_code,
    errorMessage: r.dl_message,
    failedAt: r.dl_at?.toISOString() ?? null,
    topic: r.dl_topic,
  };
}

/**
 * One page of sagas, newest first, by keyset on (started_at, saga_id) so every page costs the same
 * however deep it is. Only the filters given become SQL conditions, so the planner picks the index
 * that fits (type, status, or running-only for the stuck filter).
 */
export async function listSagas(
  pool: Pool,
  q: ListQuery,
  now: Date,
  stuckAfterMs: number,
): Promise<SagaPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (q.type !== null) where.push(`s.saga_type = ${param(q.type)}`);
  if (q.statuses !== null) {
    where.push(
      q.statuses.length === 1
        ? `s.status = ${param(q.statuses[0])}`
        : `s.status = any(${param(q.statuses)}::text[])`,
    );
  }
  if (q.startedFrom !== null) where.push(`s.started_at >= ${param(q.startedFrom)}`);
  if (q.startedTo !== null) where.push(`s.started_at <= ${param(q.startedTo)}`);
  if (q.stuck !== null) {
    const stuck = stuckSql(`${param(new Date(now.getTime() - stuckAfterMs).toISOString())}::timestamptz`);
    where.push(q.stuck ? stuck : `not ${stuck}`);
  }
  // sort=duration: ended sagas by their duration, running ones by their age at asOf (fixed for a listing)
  const asOf = q.durationCursor?.asOf ?? now.toISOString();
  const byDuration = q.sort === 'duration';
  const durationExpr = byDuration
    ? `coalesce(s.duration_ms, greatest(0, (extract(epoch from (${param(asOf)}::timestamptz - s.started_at)) * 1000)::bigint))`
    : 'null::bigint';
  if (q.cursor !== null) {
    where.push(
      `(s.started_at, s.saga_id) < (${param(q.cursor.startedAt)}::timestamptz, ${param(q.cursor.sagaId)})`,
    );
  }
  if (q.durationCursor !== null) {
    where.push(
      `(${durationExpr}, s.saga_id) < (${param(q.durationCursor.durationMs)}::bigint, ${param(q.durationCursor.sagaId)})`,
    );
  }
  const sql = /* sql */ `
    select ${sagaColumns.replace(/(\w+)/g, 's.$1')}, dl.*, ${durationExpr} as sort_duration_ms
    from monitor.saga s ${deadLetterLateral}
    ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
    order by ${byDuration ? `${durationExpr} desc` : 's.started_at desc'}, s.saga_id desc
    limit ${param(q.limit + 1)}`;
  const rows = (
    await pool.query<SagaDbRow & DeadLetterColumns & { sort_duration_ms: string | null }>(sql, params)
  ).rows;
  const page = rows.slice(0, q.limit);
  const items = page.map((r) => summarize(sagaFromRow(r), deadLetterDigest(r), now, stuckAfterMs));
  const last = items[items.length - 1];
  const lastRow = page[page.length - 1];
  const more = rows.length > q.limit && last !== undefined && lastRow !== undefined;
  return {
    items,
    nextCursor: !more
      ? null
      : byDuration
        ? encodeDurationCursor({ durationMs: Number(lastRow.sort_duration_ms), sagaId: last.id, asOf })
        : encodeCursor({ startedAt: last.startedAt, sagaId: last.id }),
  };
}

/** The given sagas, as listed (for live updates); unknown ids are left out. */
export async function sagasByIds(
  pool: Pool,
  ids: readonly string[],
  now: Date,
  stuckAfterMs: number,
): Promise<SagaSummary[]> {
  if (ids.length === 0) return [];
  const rows = await pool.query<SagaDbRow & DeadLetterColumns>(
    `select ${sagaColumns.replace(/(\w+)/g, 's.$1')}, dl.* from monitor.saga s ${deadLetterLateral}
     where s.saga_id = any($1::text[]) order by s.started_at desc, s.saga_id desc`,
    [ids],
  );
  return rows.rows.map((r) => summarize(sagaFromRow(r), deadLetterDigest(r), now, stuckAfterMs));
}
