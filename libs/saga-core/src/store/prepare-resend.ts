import type { ClientBase } from 'pg';

// A published row kept for retention is deleted so the re-send can take its message-id again; a row
// not yet published is left alone and reported, so the caller skips the re-send.
const sql = /* sql */ `
  with gone as (
    delete from sagaflow.outbox where message_id = $1 and published_at is not null returning 1
  )
  select exists (select 1 from sagaflow.outbox where message_id = $1 and published_at is null) as pending`;

/**
 * Makes room in `sagaflow.outbox` (`unique(message_id)`) for a step command re-sent with its first
 * message-id (docs/decisions/0051), in the caller's transaction.
 * @returns `'pending'` when the first send is still unpublished (write nothing: it is yet to go out),
 * `'ready'` when the re-send can be written with the same id.
 */
export async function prepareResend(client: ClientBase, messageId: string): Promise<'pending' | 'ready'> {
  const result = await client.query<{ pending: boolean }>(sql, [messageId]);
  return result.rows[0]?.pending ? 'pending' : 'ready';
}
