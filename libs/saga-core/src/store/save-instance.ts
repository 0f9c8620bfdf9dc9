import { ConcurrencyConflictError } from '@sagaflow/outbox-relay';
import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';

const insertSql = /* sql */ `
  insert into sagaflow.saga_instance
    (id, type, correlation_key, correlation_id, definition_version, status, state, steps, completed_steps,
     version, started_at, updated_at, ended_at, reason)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

const updateSql = /* sql */ `
  update sagaflow.saga_instance
     set status = $3, state = $4, steps = $5, completed_steps = $6, version = $7, updated_at = $8,
         ended_at = $9, reason = $10
   where id = $1 and version = $2`;

/**
 * Saves what the engine decided: inserts a new instance, or updates an existing one only if nobody saved
 * it since it was loaded (`version` is the stored version + 1).
 * @throws ConcurrencyConflictError (retriable) when another transaction saved the instance first, or created
 * an instance for the same (type, correlation key) first: the message is retried in a fresh transaction.
 */
export async function saveInstance(
  client: ClientBase,
  instance: SagaInstance,
  created: boolean,
): Promise<void> {
  const i = instance;
  if (created) {
    try {
      await client.query(insertSql, [
        i.id,
        i.type,
        i.correlationKey,
        i.correlationId,
        i.definitionVersion,
        i.status,
        JSON.stringify(i.state),
        JSON.stringify(i.steps),
        JSON.stringify(i.completedSteps),
        i.version,
        i.startedAt,
        i.updatedAt,
        i.endedAt ?? null,
        i.reason ?? null,
      ]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ConcurrencyConflictError(
          `another transaction started saga ${i.type} for correlation key ${i.correlationKey} first`,
          { sagaType: i.type, correlationKey: i.correlationKey },
        );
      }
      throw error;
    }
    return;
  }
  const result = await client.query(updateSql, [
    i.id,
    i.version - 1,
    i.status,
    JSON.stringify(i.state),
    JSON.stringify(i.steps),
    JSON.stringify(i.completedSteps),
    i.version,
    i.updatedAt,
    i.endedAt ?? null,
    i.reason ?? null,
  ]);
  if (result.rowCount !== 1) {
    throw new ConcurrencyConflictError(
      `saga ${i.type} ${i.id} was changed by another transaction (expected version ${i.version - 1})`,
      { sagaType: i.type, sagaId: i.id, expectedVersion: i.version - 1 },
    );
  }
}
