import type { ClientBase } from 'pg';
import type { DeadlineRequest } from '../engine/saga-outcome';

/** Upserts the deadlines to (re)schedule and deletes the cancelled ones of one instance, in the caller's transaction. */
export async function saveDeadlines(
  client: ClientBase,
  sagaId: string,
  sagaType: string,
  schedule: readonly DeadlineRequest[],
  cancel: readonly string[],
): Promise<void> {
  if (cancel.length > 0) {
    await client.query(
      /* sql */ `delete from sagaflow.saga_deadline where saga_id = $1 and name = any($2::text[])`,
      [sagaId, cancel],
    );
  }
  if (schedule.length > 0) {
    await client.query(
      /* sql */ `insert into sagaflow.saga_deadline (saga_id, name, saga_type, due_at)
                 select $1, name, $2, due_at from unnest($3::text[], $4::timestamptz[]) as d(name, due_at)
                 on conflict (saga_id, name) do update set due_at = excluded.due_at`,
      [sagaId, sagaType, schedule.map((d) => d.name), schedule.map((d) => d.dueAt)],
    );
  }
}
