import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';
import { associationsColumn, instanceColumns, toInstance, type InstanceRow } from './instance-row';

/** The key {@link loadInstances} reports instances by. */
export function instanceKey(type: string, correlationKey: string): string {
  return `${type}\u0000${correlationKey}`;
}

const columns = /* sql */ `${instanceColumns
  .split(',')
  .map((c) => `i.${c.trim()}`)
  .join(', ')}, ${associationsColumn}`;

/**
 * The instances of many (type, key) pairs in one query, for a transaction that applies a batch of
 * messages. A key is an instance's correlation key (an index scan per pair on
 * `saga_instance_type_correlation_key`) or a key it associated (`saga_association`'s primary key).
 * @returns the instances found, by {@link instanceKey} of the pair asked for; a pair with no instance is absent.
 */
export async function loadInstances(
  client: ClientBase,
  pairs: readonly { type: string; correlationKey: string }[],
): Promise<Map<string, SagaInstance>> {
  const found = new Map<string, SagaInstance>();
  if (pairs.length === 0) return found;
  const result = await client.query<InstanceRow & { asked: string }>(
    /* sql */ `with p(type, k) as (select * from unnest($1::text[], $2::text[]))
      select p.k as asked, ${columns} from p join sagaflow.saga_instance i
        on i.type = p.type and i.correlation_key = p.k
      union all
      select p.k as asked, ${columns} from p
        join sagaflow.saga_association a on a.saga_type = p.type and a.key = p.k
        join sagaflow.saga_instance i on i.id = a.saga_id`,
    [pairs.map((p) => p.type), pairs.map((p) => p.correlationKey)],
  );
  for (const row of result.rows) found.set(instanceKey(row.type, row.asked), toInstance(row));
  return found;
}
