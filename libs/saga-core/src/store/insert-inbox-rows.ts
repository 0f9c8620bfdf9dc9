import type { ClientBase } from 'pg';

/** One (consumer, message) pair to record in the inbox. */
export interface InboxRow {
  consumer: string;
  messageId: string;
  messageType: string;
}

/** The key {@link insertInboxRows} reports pairs by. */
export function inboxKey(consumer: string, messageId: string): string {
  return `${consumer}\u0000${messageId}`;
}

/**
 * Records many (consumer, message) pairs in one statement, in the caller's transaction, and reports which
 * were new: a pair already there was applied before and must change nothing. The rows must be distinct
 * (the caller drops repeats of one message within a batch first).
 * @returns the {@link inboxKey}s of the rows inserted now.
 */
export async function insertInboxRows(client: ClientBase, rows: readonly InboxRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const result = await client.query<{ consumer: string; message_id: string }>(
    /* sql */ `insert into sagaflow.inbox (consumer, message_id, message_type)
               select * from unnest($1::text[], $2::uuid[], $3::text[])
               on conflict (consumer, message_id) do nothing
               returning consumer, message_id`,
    [rows.map((r) => r.consumer), rows.map((r) => r.messageId), rows.map((r) => r.messageType)],
  );
  return new Set(result.rows.map((r) => inboxKey(r.consumer, r.message_id)));
}
