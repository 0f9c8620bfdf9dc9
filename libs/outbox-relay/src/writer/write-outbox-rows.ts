import type { ClientBase } from 'pg';
import { newMessageId } from '../message/message-id';
import type { ValidEntry } from './validate-entry';

// One statement for any number of rows: one round trip.
const insertSql = /* sql */ `
  insert into sagaflow.outbox
    (message_id, topic, message_key, message_type, payload, correlation_id, causation_id, saga_type,
     source, traceparent, occurred_at)
  select message_id, topic, message_key, message_type, payload, correlation_id, causation_id, saga_type,
         source, traceparent, occurred_at
  from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[],
              $8::text[], $9::text[], $10::text[], $11::timestamptz[])
       with ordinality as r(message_id, topic, message_key, message_type, payload, correlation_id,
                            causation_id, saga_type, source, traceparent, occurred_at, ord)
  order by ord`;

/**
 * Inserts validated entries into `sagaflow.outbox` through the caller's client (so inside its
 * transaction), in the given order. The payload is stored as Avro's JSON encoding of the record, NUL
 * escaped for jsonb (`toOutboxJson`), which the relay turns back into the exact record at publish time.
 * @returns the message ids, in entry order.
 */
export async function writeOutboxRows(
  client: ClientBase,
  source: string,
  rows: readonly ValidEntry[],
): Promise<string[]> {
  const now = new Date();
  const ids = rows.map(({ entry }) => entry.messageId ?? newMessageId());
  await client.query({
    // named: prepared once per connection, not parsed and planned in every business transaction (decision 0080)
    name: 'sagaflow.write-outbox-rows',
    text: insertSql,
    values: [
      ids,
      rows.map(({ entry }) => entry.type.topic),
      rows.map(({ key }) => key),
      rows.map(({ entry }) => entry.type.name),
      rows.map(({ payloadJson }) => payloadJson),
      rows.map(({ entry }) => entry.correlationId),
      rows.map(({ entry }) => entry.causationId ?? null),
      rows.map(({ entry }) => entry.sagaType ?? null),
      rows.map(() => source),
      rows.map(({ entry }) => entry.traceparent ?? null),
      rows.map(({ entry }) => entry.occurredAt ?? now),
    ],
  });
  return ids;
}
