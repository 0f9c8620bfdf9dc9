import type { Pool } from 'pg';
import { definitionType, type FlowMessage } from '../flows/flow-message';
import { isDeadLetterTopic } from '../kafka/monitored-topics';

/** The most records of one flow read for its tree and status. */
export const flowMessageLimit = 2000;

/** Columns of `monitor.message` that make a {@link FlowMessage}. */
const columns = /* sql */ `m.topic, m.partition, m."offset", m.message_id, m.message_type, m.causation_id,
  m.source, m.saga_type, coalesce(m.occurred_at, m.kafka_timestamp) as at`;

interface Row {
  correlation_id: string;
  topic: string;
  partition: number;
  offset: string;
  message_id: string | null;
  message_type: string | null;
  causation_id: string | null;
  source: string | null;
  saga_type: string | null;
  at: Date;
}

const toFlowMessage = (r: Row): FlowMessage => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
  messageId: r.message_id,
  messageType: r.message_type,
  causationId: r.causation_id,
  source: r.source,
  sagaType: r.saga_type,
  at: r.at.toISOString(),
  deadLetter: isDeadLetterTopic(r.topic),
});

/**
 * The records of several flows, at most `perFlow` + 1 each (the extra one says "truncated"), in one
 * query over the correlation index.
 */
export async function flowMessages(
  pool: Pool,
  correlationIds: readonly string[],
  perFlow = flowMessageLimit,
): Promise<Map<string, FlowMessage[]>> {
  const out = new Map<string, FlowMessage[]>(correlationIds.map((id) => [id, []]));
  if (correlationIds.length === 0) return out;
  const rows = await pool.query<Row>(
    /* sql */ `
    select f.id as correlation_id, ${columns}
    from unnest($1::text[]) as f(id)
    cross join lateral (
      select * from monitor.message m
      where m.correlation_id = f.id and m.message_type is distinct from $2
      order by m.occurred_at, m.kafka_timestamp
      limit $3
    ) m`,
    [correlationIds, definitionType, perFlow + 1],
  );
  for (const r of rows.rows) out.get(r.correlation_id)!.push(toFlowMessage(r));
  return out;
}
