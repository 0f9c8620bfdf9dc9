import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';

/** The last word of a transaction on one deadline: due at `dueAt`, or cancelled (`null`). */
export interface DeadlineChange {
  sagaId: string;
  sagaType: string;
  name: string;
  dueAt: Date | null;
}

/** What one transaction changed in its saga instances, written together just before its commit. */
export interface InstanceChanges {
  /** New instances. */
  inserts: readonly SagaInstance[];
  /** Existing instances, each saved only if its stored version is still `expected`. */
  updates: readonly { instance: SagaInstance; expected: number }[];
  deadlines: readonly DeadlineChange[];
}

/** Which instances {@link writeInstanceChanges} wrote; an id missing from either lost to another transaction. */
export interface WrittenInstances {
  inserted: Set<string>;
  updated: Set<string>;
}

// One statement for all of it: the inserts (a conflict on the id or on (type, correlation key) means
// another transaction started the saga first), the version-checked updates, the cancelled deadlines and
// the scheduled ones. A deadline names each (saga, name) once, so its delete and its upsert never meet;
// the foreign keys of the deadlines of new instances are checked at the end of the statement, when the
// instances are in; a lost insert's deadlines are left out (the caller rolls back).
const sql = /* sql */ `
  with inserted as (
    insert into sagaflow.saga_instance
      (id, type, correlation_key, correlation_id, definition_version, status, state, steps, completed_steps,
       version, started_at, updated_at, ended_at, reason)
    select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::jsonb[],
                         $8::jsonb[], $9::jsonb[], $10::int[], $11::timestamptz[], $12::timestamptz[],
                         $13::timestamptz[], $14::text[])
    on conflict do nothing
    returning id
  ),
  updated as (
    update sagaflow.saga_instance s
       set status = v.status, state = v.state, steps = v.steps, completed_steps = v.completed_steps,
           version = v.version, updated_at = v.updated_at, ended_at = v.ended_at, reason = v.reason
      from unnest($15::uuid[], $16::int[], $17::text[], $18::jsonb[], $19::jsonb[], $20::jsonb[], $21::int[],
                  $22::timestamptz[], $23::timestamptz[], $24::text[])
           as v(id, expected, status, state, steps, completed_steps, version, updated_at, ended_at, reason)
     where s.id = v.id and s.version = v.expected
    returning s.id
  ),
  cancelled as (
    delete from sagaflow.saga_deadline d
     using unnest($25::uuid[], $26::text[]) as c(saga_id, name)
     where d.saga_id = c.saga_id and d.name = c.name
  ),
  scheduled as (
    insert into sagaflow.saga_deadline (saga_id, name, saga_type, due_at)
    select c.* from unnest($27::uuid[], $28::text[], $29::text[], $30::timestamptz[])
                    as c(saga_id, name, saga_type, due_at)
     where c.saga_id <> all($1::uuid[]) or c.saga_id in (select id from inserted)
    on conflict (saga_id, name) do update set due_at = excluded.due_at
  )
  select id::text, true as inserted from inserted
  union all
  select id::text, false from updated`;

/**
 * Writes a transaction's instance inserts, version-checked updates and deadline changes in one statement.
 * @returns the ids written; the caller treats a missing one as a concurrency conflict.
 */
export async function writeInstanceChanges(
  client: ClientBase,
  changes: InstanceChanges,
): Promise<WrittenInstances> {
  const written: WrittenInstances = { inserted: new Set(), updated: new Set() };
  const { inserts: n, updates, deadlines } = changes;
  if (n.length === 0 && updates.length === 0 && deadlines.length === 0) return written;
  const u = updates.map((r) => r.instance);
  const cancel = deadlines.filter((c) => c.dueAt === null);
  const schedule = deadlines.filter((c) => c.dueAt !== null);
  const result = await client.query<{ id: string; inserted: boolean }>({
    // named: prepared once per connection (decision 0080)
    name: 'sagaflow.write-instance-changes',
    text: sql,
    values: [
      n.map((x) => x.id),
      n.map((x) => x.type),
      n.map((x) => x.correlationKey),
      n.map((x) => x.correlationId),
      n.map((x) => x.definitionVersion),
      n.map((x) => x.status),
      n.map((x) => JSON.stringify(x.state)),
      n.map((x) => JSON.stringify(x.steps)),
      n.map((x) => JSON.stringify(x.completedSteps)),
      n.map((x) => x.version),
      n.map((x) => x.startedAt),
      n.map((x) => x.updatedAt),
      n.map((x) => x.endedAt ?? null),
      n.map((x) => x.reason ?? null),
      u.map((x) => x.id),
      updates.map((r) => r.expected),
      u.map((x) => x.status),
      u.map((x) => JSON.stringify(x.state)),
      u.map((x) => JSON.stringify(x.steps)),
      u.map((x) => JSON.stringify(x.completedSteps)),
      u.map((x) => x.version),
      u.map((x) => x.updatedAt),
      u.map((x) => x.endedAt ?? null),
      u.map((x) => x.reason ?? null),
      cancel.map((c) => c.sagaId),
      cancel.map((c) => c.name),
      schedule.map((c) => c.sagaId),
      schedule.map((c) => c.name),
      schedule.map((c) => c.sagaType),
      schedule.map((c) => c.dueAt),
    ],
  });
  for (const row of result.rows) (row.inserted ? written.inserted : written.updated).add(row.id);
  return written;
}
