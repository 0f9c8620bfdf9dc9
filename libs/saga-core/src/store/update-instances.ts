import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';

const updateSql = /* sql */ `
  update sagaflow.saga_instance s
     set status = v.status, state = v.state, steps = v.steps, completed_steps = v.completed_steps,
         version = v.version, updated_at = v.updated_at, ended_at = v.ended_at, reason = v.reason
    from unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[], $5::jsonb[], $6::jsonb[], $7::int[],
                $8::timestamptz[], $9::timestamptz[], $10::text[])
         as v(id, expected, status, state, steps, completed_steps, version, updated_at, ended_at, reason)
   where s.id = v.id and s.version = v.expected
  returning s.id`;

/**
 * Saves many decided instances with one statement, each only if nobody saved it since it was read
 * (its stored version is `expected`).
 * @returns the ids whose row changed; an id missing from it lost its version check.
 */
export async function updateInstances(
  client: ClientBase,
  rows: readonly { instance: SagaInstance; expected: number }[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const i = rows.map((r) => r.instance);
  const result = await client.query<{ id: string }>(updateSql, [
    i.map((x) => x.id),
    rows.map((r) => r.expected),
    i.map((x) => x.status),
    i.map((x) => JSON.stringify(x.state)),
    i.map((x) => JSON.stringify(x.steps)),
    i.map((x) => JSON.stringify(x.completedSteps)),
    i.map((x) => x.version),
    i.map((x) => x.updatedAt),
    i.map((x) => x.endedAt ?? null),
    i.map((x) => x.reason ?? null),
  ]);
  return new Set(result.rows.map((r) => r.id));
}
