import type { SagaDefinitionDocument } from '@sagaflow/saga-core';
import type { Pool } from 'pg';
import { sagaColumns, sagaFromRow, type SagaDbRow } from '../db/saga-columns';
import { deadLetterDigest, deadLetterLateral, type DeadLetterColumns } from './list-sagas';
import { messageHops, type MessageHops } from './message-hops';
import { sagaActions, type TimelineAction } from './saga-actions';
import { summarize, type SagaSummary } from './saga-summary';

/** One message of a saga's timeline. */
export interface TimelineMessage {
  topic: string;
  partition: number;
  offset: string;
  messageId: string | null;
  messageType: string | null;
  causationId: string | null;
  source: string | null;
  sagaType: string | null;
  occurredAt: string | null;
  kafkaTimestamp: string;
  key: string | null;
  deadLetter: boolean;
  headers: Record<string, string>;
  payload: unknown;
  decodeError: string | null;
  /** Where this message's time went: to Kafka, and to the transaction that consumed it. */
  hops: MessageHops;
}

/** One lifecycle transition of a saga. */
export interface TimelineTransition {
  messageId: string;
  transition: string;
  status: string;
  step: string | null;
  reason: string | null;
  at: string;
  instanceVersion: number;
}

/** One dead letter of a saga's correlation id. */
export interface TimelineDeadLetter {
  topic: string;
  partition: number;
  offset: string;
  messageId: string | null;
  messageType: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  consumer: string | null;
  attempts: number | null;
  failedAt: string | null;
  /** The operator action that retried or discarded it, if any. */
  handledBy: { actionId: string; action: string; operator: string; reason: string } | null;
}

/** A saga with everything known about it. */
export interface SagaDetail {
  saga: SagaSummary;
  transitions: TimelineTransition[];
  /** Every record carrying the saga's correlation id, in time order (capped at {@link timelineLimit}). */
  messages: TimelineMessage[];
  /** True when the timeline was cut at {@link timelineLimit}. */
  messagesTruncated: boolean;
  deadLetters: TimelineDeadLetter[];
  /** Operator actions on this saga (who, when, what, why), oldest first. */
  actions: TimelineAction[];
  /** The definition the saga started with, else the newest of its type; null when none was published. */
  definition: SagaDefinitionDocument | null;
}

/** The most messages one timeline returns. */
export const timelineLimit = 2000;

/** One saga and its timeline; null when the projection has no such saga. */
export async function getSaga(
  pool: Pool,
  id: string,
  now: Date,
  stuckAfterMs: number,
): Promise<SagaDetail | null> {
  const found = await pool.query<SagaDbRow & DeadLetterColumns>(
    `select ${sagaColumns.replace(/(\w+)/g, 's.$1')}, dl.* from monitor.saga s ${deadLetterLateral} where s.saga_id = $1`,
    [id],
  );
  const row = found.rows[0];
  if (!row) return null;
  const saga = summarize(sagaFromRow(row), deadLetterDigest(row), now, stuckAfterMs);
  const [transitions, messages, deadLetters, definition] = await Promise.all([
    pool.query(
      /* sql */ `select message_id, transition, status, step, reason, at, instance_version
       from monitor.saga_transition where saga_id = $1 order by at, instance_version, "offset", entry`,
      [id],
    ),
    saga.correlationId === null
      ? { rows: [] }
      : pool.query(
          /* sql */ `select topic, partition, "offset", message_id, message_type, causation_id, source, saga_type,
             occurred_at, kafka_timestamp, record_key, headers, payload, decode_error
           from monitor.message where correlation_id = $1
           order by coalesce(occurred_at, kafka_timestamp), kafka_timestamp, topic, partition, "offset"
           limit ${timelineLimit + 1}`,
          [saga.correlationId],
        ),
    saga.correlationId === null
      ? { rows: [] }
      : pool.query(`select * from monitor.dead_letter where correlation_id = $1 order by failed_at`, [
          saga.correlationId,
        ]),
    pool.query<{ document: SagaDefinitionDocument | null }>(
      /* sql */ `select document from monitor.definition where key = $1
       order by (version = $2) desc, "offset" desc limit 1`,
      [`saga:${saga.type}`, saga.definitionVersion],
    ),
  ]);
  const timelineTransitions: TimelineTransition[] = transitions.rows.map((r) => ({
    messageId: r.message_id,
    transition: r.transition,
    status: r.status,
    step: r.step,
    reason: r.reason,
    at: (r.at as Date).toISOString(),
    instanceVersion: r.instance_version,
  }));
  const actions = await sagaActions(pool, id, timelineTransitions);
  const handled = new Map(
    actions
      .filter((a) => a.deadLetter !== null && a.outcome !== 'failed')
      .map((a) => [`${a.deadLetter!.topic}/${a.deadLetter!.partition}/${a.deadLetter!.offset}`, a]),
  );
  const timeline = messages.rows.slice(0, timelineLimit).map((r) => ({
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    messageId: r.message_id,
    messageType: r.message_type,
    causationId: r.causation_id,
    source: r.source,
    sagaType: r.saga_type,
    occurredAt: (r.occurred_at as Date | null)?.toISOString() ?? null,
    kafkaTimestamp: (r.kafka_timestamp as Date).toISOString(),
    key: r.record_key,
    deadLetter: (r.topic as string).endsWith('.dlt'),
    headers: r.headers,
    payload: r.payload,
    decodeError: r.decode_error,
  }));
  const hops = messageHops(timeline);
  return {
    saga,
    transitions: timelineTransitions,
    messages: timeline.map((m, i) => ({ ...m, hops: hops[i]! })),
    messagesTruncated: messages.rows.length > timelineLimit,
    deadLetters: deadLetters.rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      messageId: r.message_id,
      messageType: r.message_type,
      errorCode: r.error_code,
      errorMessage: r.error_message,
      originalTopic: r.original_topic,
      originalPartition: r.original_partition,
      originalOffset: r.original_offset,
      consumer: r.consumer,
      attempts: r.attempts,
      failedAt: (r.failed_at as Date | null)?.toISOString() ?? null,
      handledBy: ((a) =>
        a ? { actionId: a.actionId, action: a.action, operator: a.operator, reason: a.reason } : null)(
        handled.get(`${r.topic}/${r.partition}/${r.offset}`),
      ),
    })),
    actions,
    definition: definition.rows[0]?.document ?? null,
  };
}
