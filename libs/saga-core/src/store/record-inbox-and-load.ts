import type { ClientBase } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';
import { associationsColumn, qualifiedInstanceColumns, toInstance, type InstanceRow } from './instance-row';

/** One (consumer, message) pair to record in the inbox. */
export interface InboxRow {
  consumer: string;
  messageId: string;
  messageType: string;
}

/** A saga instance asked for by type and key (its correlation key or one it associated). */
export interface InstancePair {
  type: string;
  correlationKey: string;
}

/** The key {@link recordInboxAndLoad} reports inbox pairs by. */
export function inboxKey(consumer: string, messageId: string): string {
  return `${consumer}\u0000${messageId}`;
}

/** The key {@link recordInboxAndLoad} reports instances by. */
export function instanceKey(type: string, correlationKey: string): string {
  return `${type}\u0000${correlationKey}`;
}

/** What {@link recordInboxAndLoad} found. */
export interface InboxAndInstances {
  /** The {@link inboxKey}s of the pairs inserted now; a pair missing from it was applied before. */
  fresh: Set<string>;
  /** The instances found, by {@link instanceKey} of the pair asked for; a pair with no instance is absent. */
  instances: Map<string, SagaInstance>;
}

const columns = /* sql */ `${qualifiedInstanceColumns}, ${associationsColumn}`;

// One round trip for the two reads every consuming transaction starts with. The instance rows are built
// as JSON so both kinds of row share one result; the select does not see the inbox insert (one snapshot
// per statement), which it has no need to.
const sql = /* sql */ `
  with fresh as (
    insert into sagaflow.inbox (consumer, message_id, message_type)
    select * from unnest($1::text[], $2::uuid[], $3::text[])
    on conflict (consumer, message_id) do nothing
    returning consumer, message_id
  ),
  p(type, k) as (select * from unnest($4::text[], $5::text[])),
  found as (
    select p.k as asked, ${columns} from p join sagaflow.saga_instance i
      on i.type = p.type and i.correlation_key = p.k
    union all
    select p.k as asked, ${columns} from p
      join sagaflow.saga_association a on a.saga_type = p.type and a.key = p.k
      join sagaflow.saga_instance i on i.id = a.saga_id
  )
  select consumer, message_id::text as message_id, null::jsonb as instance from fresh
  union all
  select null, null, to_jsonb(found) from found`;

/**
 * Records many (consumer, message) pairs in the inbox and reads the saga instances of many (type, key)
 * pairs, in one statement of the caller's transaction. A pair already in the inbox was applied before
 * and must change nothing. The inbox rows must be distinct (the caller drops repeats of one message
 * within a batch first).
 */
export async function recordInboxAndLoad(
  client: ClientBase,
  rows: readonly InboxRow[],
  pairs: readonly InstancePair[],
): Promise<InboxAndInstances> {
  const fresh = new Set<string>();
  const instances = new Map<string, SagaInstance>();
  if (rows.length === 0 && pairs.length === 0) return { fresh, instances };
  const result = await client.query<{
    consumer: string | null;
    message_id: string | null;
    instance: JsonInstanceRow | null;
  }>({
    // named: prepared once per connection, not parsed and planned on every transaction (decision 0080)
    name: 'sagaflow.record-inbox-and-load',
    text: sql,
    values: [
      rows.map((r) => r.consumer),
      rows.map((r) => r.messageId),
      rows.map((r) => r.messageType),
      pairs.map((p) => p.type),
      pairs.map((p) => p.correlationKey),
    ],
  });
  for (const row of result.rows) {
    if (row.instance) {
      const { asked, ...stored } = row.instance;
      instances.set(instanceKey(stored.type, asked), toInstance(fromJson(stored)));
    } else fresh.add(inboxKey(row.consumer!, row.message_id!));
  }
  return { fresh, instances };
}

/** An instance row as `to_jsonb` gives it: timestamps as ISO strings. */
type JsonInstanceRow = Omit<InstanceRow, 'started_at' | 'updated_at' | 'ended_at'> & {
  asked: string;
  started_at: string;
  updated_at: string;
  ended_at: string | null;
};

function fromJson(row: Omit<JsonInstanceRow, 'asked'>): InstanceRow {
  return {
    ...row,
    started_at: new Date(row.started_at),
    updated_at: new Date(row.updated_at),
    ended_at: row.ended_at === null ? null : new Date(row.ended_at),
  };
}
