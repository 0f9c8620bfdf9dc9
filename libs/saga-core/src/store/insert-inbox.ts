import type { ClientBase } from 'pg';

/**
 * Records that `consumer` applies message `messageId`, in the caller's transaction.
 * @returns false when the row was already there: the message was applied before and must change nothing.
 */
export async function insertInbox(
  client: ClientBase,
  consumer: string,
  messageId: string,
  messageType: string,
): Promise<boolean> {
  const result = await client.query(
    /* sql */ `insert into sagaflow.inbox (consumer, message_id, message_type) values ($1, $2, $3)
               on conflict (consumer, message_id) do nothing`,
    [consumer, messageId, messageType],
  );
  return result.rowCount === 1;
}
