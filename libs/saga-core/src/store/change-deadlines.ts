import type { ClientBase } from 'pg';

/** The last word of a transaction on one deadline: due at `dueAt`, or cancelled (`null`). */
export interface DeadlineChange {
  sagaId: string;
  sagaType: string;
  name: string;
  dueAt: Date | null;
}

/** Applies the deadline changes of many instances with at most two statements. */
export async function changeDeadlines(client: ClientBase, changes: readonly DeadlineChange[]): Promise<void> {
  const cancel = changes.filter((c) => c.dueAt === null);
  const schedule = changes.filter((c) => c.dueAt !== null);
  if (cancel.length > 0) {
    await client.query(
      /* sql */ `delete from sagaflow.saga_deadline d
                  using unnest($1::uuid[], $2::text[]) as c(saga_id, name)
                  where d.saga_id = c.saga_id and d.name = c.name`,
      [cancel.map((c) => c.sagaId), cancel.map((c) => c.name)],
    );
  }
  if (schedule.length > 0) {
    await client.query(
      /* sql */ `insert into sagaflow.saga_deadline (saga_id, name, saga_type, due_at)
                 select * from unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
                 on conflict (saga_id, name) do update set due_at = excluded.due_at`,
      [
        schedule.map((c) => c.sagaId),
        schedule.map((c) => c.name),
        schedule.map((c) => c.sagaType),
        schedule.map((c) => c.dueAt),
      ],
    );
  }
}
