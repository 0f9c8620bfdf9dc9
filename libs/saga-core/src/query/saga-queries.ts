import { DefinitionError, SagaflowError } from '@sagaflow/outbox-relay';
import type { Pool } from 'pg';
import type { SagaStatus } from '../engine/saga-instance';
import { sagaMetadataOf } from '../declaration/saga-metadata';
import {
  associationsColumn,
  qualifiedInstanceColumns,
  toInstance,
  type InstanceRow,
} from '../store/instance-row';
import { instanceByKeySql } from '../store/load-instance';
import type { SagaView } from './saga-view';

/** A saga type by name, or the `@Saga` class that declares it. */
export type SagaTypeRef = string | (abstract new (...args: never[]) => unknown);

interface ViewRow extends InstanceRow {
  stuck_code: string | null;
  stuck_reason: string | null;
  stuck_at: Date | null;
}

const columns = /* sql */ `${qualifiedInstanceColumns}, ${associationsColumn}, i.stuck_code, i.stuck_reason, i.stuck_at`;
const byKeySql = instanceByKeySql(columns);

/**
 * Reads the sagas this service hosts from its own database: by type and key (its correlation key or
 * one it associated), by id, or a page of one type by status. Get it from the Nest module
 * (`@Inject() sagas: SagaQueries`) or as `runtime.queries`.
 * @example
 * const saga = await sagas.find(OrderFulfilment, orderId);
 * if (saga?.status === 'RUNNING') return { waitingOn: saga.currentSteps };
 */
export class SagaQueries {
  /**
   * @param pool the service's own database.
   * @param hostedTypes the saga types the runtime runs, once started: a query for any other type throws
   * (it could only ever answer nothing).
   */
  constructor(
    private readonly pool: Pool,
    private readonly hostedTypes: () => ReadonlySet<string> | undefined = () => undefined,
  ) {}

  /**
   * The instance of saga `type` that `key` names — its correlation key, or a key it associated — or
   * undefined when none does.
   * @throws SagaflowError UNKNOWN_SAGA_TYPE when this service hosts no saga of that type.
   */
  async find<S = unknown>(type: SagaTypeRef, key: string): Promise<SagaView<S> | undefined> {
    const name = this.typeName(type, 'find');
    const { rows } = await this.pool.query<ViewRow>(byKeySql, [name, key]);
    return rows[0] ? toView<S>(rows[0]) : undefined;
  }

  /** The instance with this id, of any type, or undefined. */
  async get<S = unknown>(id: string): Promise<SagaView<S> | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.pool.query<ViewRow>(
      /* sql */ `select ${columns} from sagaflow.saga_instance i where i.id = $1`,
      [id],
    );
    return rows[0] ? toView<S>(rows[0]) : undefined;
  }

  /**
   * Instances of saga `type`, the most recently changed first, optionally only those in `status`.
   * @param options.limit at most this many (default 100, at most 1,000).
   * @throws SagaflowError UNKNOWN_SAGA_TYPE when this service hosts no saga of that type.
   */
  async list<S = unknown>(
    type: SagaTypeRef,
    options: { status?: SagaStatus; limit?: number } = {},
  ): Promise<SagaView<S>[]> {
    const name = this.typeName(type, 'list');
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new SagaflowError(
        'CONFIG_INVALID',
        `SagaQueries.list: limit must be an integer from 1 to 1000 (got ${limit})`,
        {
          context: { setting: 'limit' },
        },
      );
    const { rows } = await this.pool.query<ViewRow>(
      /* sql */ `select ${columns} from sagaflow.saga_instance i
        where i.type = $1 and ($2::text is null or i.status = $2)
        order by i.updated_at desc, i.id limit $3`,
      [name, options.status ?? null, limit],
    );
    return rows.map((r) => toView<S>(r));
  }

  private typeName(type: SagaTypeRef, method: string): string {
    const name = typeof type === 'string' ? type : sagaMetadataOf(type).options?.type;
    if (name === undefined)
      throw new DefinitionError(
        `SagaQueries.${method}: ${(type as { name?: string }).name ?? String(type)} is not a @Saga class; pass the class decorated with @Saga or its type name`,
      );
    const hosted = this.hostedTypes();
    if (hosted && !hosted.has(name))
      throw new SagaflowError(
        'UNKNOWN_SAGA_TYPE',
        `SagaQueries.${method}: this service hosts no saga of type ${name} (it hosts ${[...hosted].join(', ') || 'none'})`,
        { context: { sagaType: name } },
      );
    return name;
  }
}

function toView<S>(row: ViewRow): SagaView<S> {
  const i = toInstance<S>(row);
  return {
    id: i.id,
    type: i.type,
    correlationKey: i.correlationKey,
    correlationId: i.correlationId,
    definitionVersion: i.definitionVersion,
    status: i.status,
    state: i.state,
    currentSteps: Object.entries(i.steps)
      .filter(([, s]) => s.status === 'STARTED' || s.status === 'COMPENSATING')
      .map(([name]) => name),
    steps: i.steps,
    completedSteps: i.completedSteps,
    associations: i.associations ?? [],
    version: i.version,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    ...(row.ended_at ? { endedAt: row.ended_at } : {}),
    ...(i.reason === undefined ? {} : { reason: i.reason }),
    ...(row.stuck_code !== null
      ? {
          stuck: { code: row.stuck_code, reason: row.stuck_reason ?? '', at: row.stuck_at ?? row.updated_at },
        }
      : {}),
  };
}
