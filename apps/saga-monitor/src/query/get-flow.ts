import type { Pool } from 'pg';
import { buildCausationTree, type CausationTree } from '../flows/causation-tree';
import type { DeclaredReaction } from '../flows/declared-reactions';
import { evaluateFlow, type FlowStatus } from '../flows/flow-status';
import { flowMessageLimit, flowMessages } from './flow-messages';
import { summarizeFlow, type FlowSummary } from './list-flows';

/** `GET /api/flows/:correlationId`. */
export interface FlowDetail {
  flow: FlowSummary;
  /** What caused what, with the gap of each hop. */
  tree: CausationTree;
  /** Settled, waiting or stalled, with every reaction still awaited. */
  status: FlowStatus;
  /** Sagas of this correlation id, to open on their own page. */
  sagas: { id: string; type: string; status: string }[];
  /** True when the flow has more than {@link flowMessageLimit} records and only the first were read. */
  truncated: boolean;
}

/** One flow with its causation tree and stalled status; null when no record carries the correlation id. */
export async function getFlow(
  pool: Pool,
  correlationId: string,
  reactions: readonly DeclaredReaction[],
  now: Date,
  stallMs: number,
): Promise<FlowDetail | null> {
  const [row, messages, sagas] = await Promise.all([
    pool.query<{ correlation_id: string; started_at: Date; last_at: Date; message_count: number }>(
      `select correlation_id, started_at, last_at, message_count from monitor.flow where correlation_id = $1`,
      [correlationId],
    ),
    flowMessages(pool, [correlationId]),
    pool.query<{ id: string; type: string; status: string }>(
      `select saga_id as id, saga_type as type, status from monitor.saga where correlation_id = $1 order by started_at`,
      [correlationId],
    ),
  ]);
  const flow = row.rows[0];
  if (!flow) return null;
  const all = messages.get(correlationId)!;
  const read = all.slice(0, flowMessageLimit);
  return {
    flow: summarizeFlow(flow, read, reactions, now, stallMs),
    tree: buildCausationTree(read),
    status: evaluateFlow(read, reactions, now, stallMs),
    sagas: sagas.rows,
    truncated: all.length > flowMessageLimit,
  };
}
