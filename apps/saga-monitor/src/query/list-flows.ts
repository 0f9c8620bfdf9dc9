import type { Pool } from 'pg';
import type { DeclaredReaction } from '../flows/declared-reactions';
import type { FlowMessage } from '../flows/flow-message';
import { evaluateFlow, type FlowState, type MissingReaction } from '../flows/flow-status';
import { encodeFlowCursor, type FlowCursor } from './flow-cursor';
import { flowMessages } from './flow-messages';
import type { FlowListQuery } from './parse-flow-query';

/** One flow (all records of one correlation id), as listed. */
export interface FlowSummary {
  correlationId: string;
  startedAt: string;
  lastAt: string;
  messageCount: number;
  /** Type of the earliest message: what started it. */
  rootType: string | null;
  /** Services that wrote its records, in order of first appearance. */
  services: string[];
  /** Sagas that took part (non-empty: orchestrated, at least in part). */
  sagaTypes: string[];
  state: FlowState;
  /** Reactions awaited past the threshold (stalled flows), oldest trigger first. */
  missing: MissingReaction[];
  /** Reactions awaited within the threshold. */
  pending: number;
}

/** A page of flows. */
export interface FlowPage {
  items: FlowSummary[];
  /** Pass as `cursor` for the next page; null when no flow is left. A filtered page may be short. */
  nextCursor: string | null;
}

/** Most flows one filtered request looks at before it answers with what it found and a cursor. */
export const flowScanLimit = 5000;

interface FlowRow {
  correlation_id: string;
  started_at: Date;
  last_at: Date;
  message_count: number;
}

/** Turns a flow row and its records into its summary. */
export function summarizeFlow(
  row: FlowRow,
  messages: readonly FlowMessage[],
  reactions: readonly DeclaredReaction[],
  now: Date,
  stallMs: number,
): FlowSummary {
  const status = evaluateFlow(messages, reactions, now, stallMs);
  const live = messages.filter((m) => !m.deadLetter);
  return {
    correlationId: row.correlation_id,
    startedAt: row.started_at.toISOString(),
    lastAt: row.last_at.toISOString(),
    messageCount: row.message_count,
    rootType: live[0]?.messageType ?? messages[0]?.messageType ?? null,
    services: [...new Set(live.flatMap((m) => (m.source === null ? [] : [m.source])))],
    sagaTypes: [...new Set(live.flatMap((m) => (m.sagaType === null ? [] : [m.sagaType])))],
    state: status.state,
    missing: status.missing,
    pending: status.pending.length,
  };
}

/**
 * One page of flows, newest first, by keyset on (started_at, correlation_id). Whether a flow is stalled
 * depends on the clock and the current declarations, so it is judged when asked, page by page: a
 * `stalled` filter reads flows in chunks until the page is full or {@link flowScanLimit} flows were read,
 * and returns a cursor where it stopped. Flows younger than the threshold cannot be stalled yet and are
 * skipped by the query itself.
 */
export async function listFlows(
  pool: Pool,
  q: FlowListQuery,
  reactions: readonly DeclaredReaction[],
  now: Date,
  stallMs: number,
): Promise<FlowPage> {
  const items: FlowSummary[] = [];
  let cursor: FlowCursor | null = q.cursor;
  let scanned = 0;
  const chunk = q.stalled === null ? q.limit + 1 : Math.max(q.limit * 2, 100);
  for (;;) {
    const params: unknown[] = [chunk];
    const where: string[] = [];
    if (cursor) {
      params.push(cursor.startedAt, cursor.correlationId);
      where.push(`(started_at, correlation_id) < ($2::timestamptz, $3)`);
    }
    if (q.stalled === true) {
      params.push(new Date(now.getTime() - stallMs).toISOString());
      where.push(`started_at < $${params.length}::timestamptz`);
    }
    const rows = (
      await pool.query<FlowRow>(
        /* sql */ `select correlation_id, started_at, last_at, message_count from monitor.flow
         ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
         order by started_at desc, correlation_id desc limit $1`,
        params,
      )
    ).rows;
    const messages = await flowMessages(
      pool,
      rows.map((r) => r.correlation_id),
    );
    for (const row of rows) {
      const summary = summarizeFlow(row, messages.get(row.correlation_id)!, reactions, now, stallMs);
      scanned++;
      cursor = { startedAt: summary.startedAt, correlationId: summary.correlationId };
      const wanted = q.stalled === null || (summary.state === 'stalled') === q.stalled;
      if (!wanted) continue;
      if (items.length === q.limit) {
        // one more match exists: the page is full and there is a next one
        const last = items[items.length - 1]!;
        return {
          items,
          nextCursor: encodeFlowCursor({ startedAt: last.startedAt, correlationId: last.correlationId }),
        };
      }
      items.push(summary);
    }
    if (rows.length < chunk) return { items, nextCursor: null };
    if (scanned >= flowScanLimit) return { items, nextCursor: cursor && encodeFlowCursor(cursor) };
  }
}
