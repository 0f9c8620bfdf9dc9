import type { ClientBase } from 'pg';

/** A deadline row that fell due and is locked by the caller's transaction. */
export interface ClaimedDeadline {
  sagaId: string;
  sagaType: string;
  name: string;
  dueAt: Date;
}

/**
 * Locks the earliest due deadline that no other transaction holds (`FOR UPDATE SKIP LOCKED`), so several
 * service instances fire each deadline once, in parallel, without waiting on each other.
 * @returns undefined when nothing is due.
 */
export async function claimDueDeadline(client: ClientBase, now: Date): Promise<ClaimedDeadline | undefined> {
  const result = await client.query<{ saga_id: string; saga_type: string; name: string; due_at: Date }>(
    /* sql */ `select saga_id, saga_type, name, due_at from sagaflow.saga_deadline
                where due_at <= $1 order by due_at limit 1 for update skip locked`,
    [now],
  );
  const row = result.rows[0];
  return row
    ? { sagaId: row.saga_id, sagaType: row.saga_type, name: row.name, dueAt: row.due_at }
    : undefined;
}
