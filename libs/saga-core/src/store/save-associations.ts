import { SagaflowError } from '@sagaflow/outbox-relay';
import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';

const insertSql = /* sql */ `
  insert into sagaflow.saga_association (saga_type, key, saga_id)
  select $1, k, $3 from unnest($2::text[]) k
  on conflict (saga_type, key) do nothing`;

// who else answers to one of the keys: another instance's association or its correlation key
const ownersSql = /* sql */ `
  select a.key, a.saga_id::text as owner from sagaflow.saga_association a
   where a.saga_type = $1 and a.key = any($2::text[]) and a.saga_id <> $3
  union all
  select i.correlation_key, i.id::text from sagaflow.saga_instance i
   where i.type = $1 and i.correlation_key = any($2::text[]) and i.id <> $3`;

/**
 * Stores the keys a decision associated with `instance` (`outcome.associate`), in the caller's
 * transaction. Associating a key the instance already has is a no-op.
 * @throws SagaflowError HANDLER_FAILED (not retriable) when another instance of the type already answers
 * to one of the keys: a key names at most one instance (docs/decisions/0052).
 */
export async function saveAssociations(
  client: ClientBase,
  instance: SagaInstance,
  keys: readonly string[],
): Promise<void> {
  if (keys.length === 0) return;
  const params = [instance.type, keys, instance.id];
  const taken = await client.query<{ key: string; owner: string }>(ownersSql, params);
  if (taken.rows.length > 0) {
    const { key, owner } = taken.rows[0]!;
    throw new SagaflowError(
      'HANDLER_FAILED',
      `saga ${instance.type} ${instance.id} associates key ${key}, which instance ${owner} already answers to; a key names one instance of a saga type`,
      { retriable: false, context: { sagaType: instance.type, sagaId: instance.id, key, owner } },
    );
  }
  await client.query(insertSql, params);
}

/** Removes every association of an instance (the saga ended), in the caller's transaction. */
export async function removeAssociations(client: ClientBase, sagaId: string): Promise<void> {
  await client.query(/* sql */ `delete from sagaflow.saga_association where saga_id = $1`, [sagaId]);
}
