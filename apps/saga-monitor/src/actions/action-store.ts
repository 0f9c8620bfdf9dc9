import type { Pool } from 'pg';

/** One row of `monitor_ops.operator_action`. */
export interface StoredAction {
  actionId: string;
  sagaId: string;
  sagaType: string;
  correlationId: string | null;
  action: string;
  operator: string;
  reason: string;
  requestedAt: string;
  outcome: 'publishing' | 'pending' | 'done' | 'failed';
  error: string | null;
  targetTopic: string | null;
  deadLetter: { topic: string; partition: number; offset: string } | null;
}

/** Records an action before anything is sent, so even one that fails to publish is in the audit trail. */
export async function insertAction(pool: Pool, a: StoredAction): Promise<void> {
  await pool.query(
    /* sql */ `insert into monitor_ops.operator_action (action_id, saga_id, saga_type, correlation_id, action,
       operator, reason, requested_at, outcome, error, target_topic, dead_letter_topic, dead_letter_partition,
       dead_letter_offset)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      a.actionId,
      a.sagaId,
      a.sagaType,
      a.correlationId,
      a.action,
      a.operator,
      a.reason,
      a.requestedAt,
      a.outcome,
      a.error,
      a.targetTopic,
      a.deadLetter?.topic ?? null,
      a.deadLetter?.partition ?? null,
      a.deadLetter?.offset ?? null,
    ],
  );
}

/** Sets what came of an action. */
export async function setOutcome(
  pool: Pool,
  actionId: string,
  outcome: StoredAction['outcome'],
  error: string | null,
): Promise<void> {
  await pool.query(
    /* sql */ `update monitor_ops.operator_action set outcome = $2, error = $3 where action_id = $1`,
    [actionId, outcome, error],
  );
}

/** The action that already retried or discarded this dead letter, if any (a dead letter is acted on once). */
export async function resolvingAction(
  pool: Pool,
  dl: { topic: string; partition: number; offset: string },
): Promise<{ action: string; operator: string; requestedAt: string } | null> {
  const r = await pool.query<{ action: string; operator: string; requested_at: Date }>(
    /* sql */ `select action, operator, requested_at from monitor_ops.operator_action
     where dead_letter_topic = $1 and dead_letter_partition = $2 and dead_letter_offset = $3
       and outcome in ('publishing', 'done') limit 1`,
    [dl.topic, dl.partition, dl.offset],
  );
  const row = r.rows[0];
  return row
    ? { action: row.action, operator: row.operator, requestedAt: row.requested_at.toISOString() }
    : null;
}

/**
 * SQL condition: the dead letter aliased `d` has not been retried or discarded. A resolved dead letter no
 * longer makes its saga stuck (a retry that fails again dead-letters a new record, which does).
 */
export const unresolvedDeadLetterSql = /* sql */ `not exists (
  select 1 from monitor_ops.operator_action a
  where a.dead_letter_topic = d.topic and a.dead_letter_partition = d.partition
    and a.dead_letter_offset = d."offset" and a.outcome in ('publishing', 'done'))`;
