import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';
import { instanceColumns, toInstance, type InstanceRow } from './instance-row';

/** The key {@link loadInstances} reports instances by. */
export function instanceKey(type: string, correlationKey: string): string {
  return `${type}\u0000${correlationKey}`;
}

/**
 * The instances of many (type, correlation key) pairs in one query (an index scan per pair on
 * `saga_instance_type_correlation_key`), for a transaction that applies a batch of messages.
 * @returns the instances found, by {@link instanceKey}; a pair with no instance is absent.
 */
export async function loadInstances(
  client: ClientBase,
  pairs: readonly { type: string; correlationKey: string }[],
): Promise<Map<string, SagaInstance>> {
  const found = new Map<string, SagaInstance>();
  if (pairs.length === 0) return found;
  const result = await client.query<InstanceRow>(
    /* sql */ `select ${instanceColumns} from sagaflow.saga_instance
                where (type, correlation_key) in (select * from unnest($1::text[], $2::text[]))`,
    [pairs.map((p) => p.type), pairs.map((p) => p.correlationKey)],
  );
  for (const row of result.rows) found.set(instanceKey(row.type, row.correlation_key), toInstance(row));
  return found;
}
