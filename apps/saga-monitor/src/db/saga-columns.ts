import type { SagaRow, SagaStatus } from '../projection/saga-row';

/** The columns of `monitor.saga`, in the order {@link sagaFromRow} reads them. */
export const sagaColumns = /* sql */ `
  saga_id, saga_type, correlation_id, correlation_key, definition_version, status, last_transition,
  current_step, reason, instance_version, started_at, updated_at, ended_at, duration_ms, transition_count`;

/** A `monitor.saga` row as returned by `pg`. */
export interface SagaDbRow {
  saga_id: string;
  saga_type: string;
  correlation_id: string | null;
  correlation_key: string;
  definition_version: number;
  status: string;
  last_transition: string;
  current_step: string | null;
  reason: string | null;
  instance_version: number;
  started_at: Date;
  updated_at: Date;
  ended_at: Date | null;
  duration_ms: string | null;
  transition_count: number;
}

/** Maps a `monitor.saga` row to the projection's shape. */
export function sagaFromRow(r: SagaDbRow): SagaRow {
  return {
    sagaId: r.saga_id,
    sagaType: r.saga_type,
    correlationId: r.correlation_id,
    correlationKey: r.correlation_key,
    definitionVersion: r.definition_version,
    status: r.status as SagaStatus,
    lastTransition: r.last_transition,
    currentStep: r.current_step,
    reason: r.reason,
    instanceVersion: r.instance_version,
    startedAt: r.started_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    transitionCount: r.transition_count,
  };
}
