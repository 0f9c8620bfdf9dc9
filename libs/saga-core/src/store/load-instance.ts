import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';
import { associationsColumn, qualifiedInstanceColumns, toInstance, type InstanceRow } from './instance-row';

const columns = /* sql */ `${qualifiedInstanceColumns}, ${associationsColumn}`;

/**
 * SQL of the lookup by any key (`$1` the type, `$2` the key), selecting `selected` of `sagaflow.saga_instance i`:
 * the correlation key (index `saga_instance_type_correlation_key`), else a key the instance associated
 * (primary key of `saga_association`). Two index scans, at most one row.
 */
export function instanceByKeySql(selected: string): string {
  return /* sql */ `
  (select ${selected} from sagaflow.saga_instance i where i.type = $1 and i.correlation_key = $2)
  union all
  (select ${selected} from sagaflow.saga_association a join sagaflow.saga_instance i on i.id = a.saga_id
    where a.saga_type = $1 and a.key = $2)
  limit 1`;
}

/** {@link instanceByKeySql} of the columns {@link toInstance} reads and the associations. */
export const loadByCorrelationSql = instanceByKeySql(columns);

/**
 * The instance of saga `type` that `key` names — its correlation key or one it associated
 * (`ctx.associate`) — with its associations, or undefined.
 */
export async function loadInstance<S>(
  client: ClientBase,
  type: string,
  key: string,
): Promise<SagaInstance<S> | undefined> {
  const result = await client.query<InstanceRow>(loadByCorrelationSql, [type, key]);
  return result.rows[0] ? toInstance<S>(result.rows[0]) : undefined;
}

/** The instance with this id, with its associations, or undefined. */
export async function loadInstanceById<S>(
  client: ClientBase,
  id: string,
): Promise<SagaInstance<S> | undefined> {
  const result = await client.query<InstanceRow>(
    /* sql */ `select ${columns} from sagaflow.saga_instance i where i.id = $1`,
    [id],
  );
  return result.rows[0] ? toInstance<S>(result.rows[0]) : undefined;
}
