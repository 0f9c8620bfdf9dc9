import type { SagaInstance, SagaStatus, StepRecord } from '../engine/saga-instance';

/** A `sagaflow.saga_instance` row as pg returns it. */
export interface InstanceRow {
  id: string;
  type: string;
  correlation_key: string;
  correlation_id: string;
  definition_version: number;
  status: SagaStatus;
  state: unknown;
  steps: Record<string, StepRecord>;
  completed_steps: string[];
  version: number;
  started_at: Date;
  updated_at: Date;
  ended_at: Date | null;
  reason: string | null;
  /** Present when the query selected {@link associationsColumn}. */
  associations?: string[] | null;
}

/** The columns {@link toInstance} reads. */
export const instanceColumns = /* sql */ `id, type, correlation_key, correlation_id, definition_version, status,
  state, steps, completed_steps, version, started_at, updated_at, ended_at, reason`;

/** {@link instanceColumns} of `sagaflow.saga_instance i`, for queries that join it. */
export const qualifiedInstanceColumns = instanceColumns
  .split(',')
  .map((c) => `i.${c.trim()}`)
  .join(', ');

/** The instance's associated keys, as a column of a query over `sagaflow.saga_instance i`. */
export const associationsColumn = /* sql */ `array(select a.key from sagaflow.saga_association a
  where a.saga_id = i.id order by a.key) as associations`;

/** The engine's view of a stored row. */
export function toInstance<S>(row: InstanceRow): SagaInstance<S> {
  const instance: SagaInstance<S> = {
    id: row.id,
    correlationId: row.correlation_id,
    type: row.type,
    definitionVersion: row.definition_version,
    correlationKey: row.correlation_key,
    status: row.status,
    state: row.state as S,
    steps: row.steps,
    completedSteps: row.completed_steps,
    version: row.version,
    startedAt: row.started_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.ended_at) instance.endedAt = row.ended_at.toISOString();
  if (row.reason !== null) instance.reason = row.reason;
  if (row.associations && row.associations.length > 0) instance.associations = row.associations;
  return instance;
}
