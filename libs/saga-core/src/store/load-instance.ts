import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';
import { instanceColumns, toInstance, type InstanceRow } from './instance-row';

/** SQL of the lookup by correlation; an index scan on `saga_instance_type_correlation_key`. */
export const loadByCorrelationSql = /* sql */ `select ${instanceColumns} from sagaflow.saga_instance
  where type = $1 and correlation_key = $2`;

/** The instance of saga `type` that `correlationKey` names, or undefined. */
export async function loadInstance<S>(
  client: ClientBase,
  type: string,
  correlationKey: string,
): Promise<SagaInstance<S> | undefined> {
  const result = await client.query<InstanceRow>(loadByCorrelationSql, [type, correlationKey]);
  return result.rows[0] ? toInstance<S>(result.rows[0]) : undefined;
}

/** The instance with this id, or undefined. */
export async function loadInstanceById<S>(
  client: ClientBase,
  id: string,
): Promise<SagaInstance<S> | undefined> {
  const result = await client.query<InstanceRow>(
    /* sql */ `select ${instanceColumns} from sagaflow.saga_instance where id = $1`,
    [id],
  );
  return result.rows[0] ? toInstance<S>(result.rows[0]) : undefined;
}
