import type { Pool } from 'pg';
import type { TimelineTransition } from './get-saga';

/** One operator action in a saga's timeline. */
export interface TimelineAction {
  actionId: string;
  action: string;
  operator: string;
  reason: string;
  requestedAt: string;
  /**
   * `done` (retry, discard), `pending` (resume, cancel sent; the saga's lifecycle has not moved since),
   * `applied` (the lifecycle shows the effect), `failed` (could not be sent; see `error`), `publishing`.
   */
  outcome: 'publishing' | 'pending' | 'applied' | 'done' | 'failed';
  error: string | null;
  targetTopic: string | null;
  deadLetter: { topic: string; partition: number; offset: string } | null;
  /** When the effect showed in the lifecycle (resume, cancel). */
  appliedAt: string | null;
}

// what shows that the owning service applied a command: cancel makes the saga compensate; resume, any move
const effectOf: Record<string, (t: TimelineTransition) => boolean> = {
  cancel: (t) =>
    t.transition === 'Compensating' || t.transition === 'Compensated' || t.transition === 'Failed',
  resume: () => true,
};

/** The operator actions on one saga, oldest first, with pending ones settled against its transitions. */
export async function sagaActions(
  pool: Pool,
  sagaId: string,
  transitions: readonly TimelineTransition[],
): Promise<TimelineAction[]> {
  const r = await pool.query(
    /* sql */ `select action_id, action, operator, reason, requested_at, outcome, error, target_topic,
       dead_letter_topic, dead_letter_partition, dead_letter_offset
     from monitor_ops.operator_action where saga_id = $1 order by requested_at, action_id`,
    [sagaId],
  );
  return r.rows.map((row) => {
    const requestedAt = (row.requested_at as Date).toISOString();
    const effect = effectOf[row.action as string];
    const applied =
      row.outcome === 'pending' && effect
        ? transitions.find((t) => Date.parse(t.at) >= Date.parse(requestedAt) && effect(t))
        : undefined;
    return {
      actionId: row.action_id,
      action: row.action,
      operator: row.operator,
      reason: row.reason,
      requestedAt,
      outcome: applied ? 'applied' : row.outcome,
      error: row.error,
      targetTopic: row.target_topic,
      deadLetter:
        row.dead_letter_topic === null
          ? null
          : {
              topic: row.dead_letter_topic,
              partition: row.dead_letter_partition,
              offset: row.dead_letter_offset,
            },
      appliedAt: applied?.at ?? null,
    };
  });
}
