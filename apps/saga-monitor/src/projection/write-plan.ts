import type { PoolClient } from 'pg';
import { sagaColumns, sagaFromRow, type SagaDbRow } from '../db/saga-columns';
import { foldTransition } from './fold-transition';
import type { BatchPlan } from './plan-batch';
import type { TransitionRecord } from './read-transition';
import type { SagaRow } from './saga-row';
import { writeFlows } from './write-flows';
import { writeInteractions } from './write-interactions';

/** What writing a plan changed, for metrics and live updates after the commit. */
export interface WrittenPlan {
  /** Transitions seen for the first time (a re-published lifecycle record is not among them). */
  newTransitions: TransitionRecord[];
  /** Sagas as they are after the batch. */
  sagas: SagaRow[];
}

/** Writes a batch plan inside the caller's transaction. Multi-row statements keep catch-up fast. */
export async function writePlan(client: PoolClient, plan: BatchPlan): Promise<WrittenPlan> {
  await insertMessages(client, plan);
  await insertDeadLetters(client, plan);
  const newTransitions = await insertTransitions(client, plan.transitions);
  const sagas = await upsertSagas(client, newTransitions);
  await writeDefinitions(client, plan);
  await writeFlows(client, plan.messages);
  // last: it takes a lock held to the commit, so it should be short
  await writeInteractions(client, plan.messages);
  return { newTransitions, sagas };
}

async function insertMessages(client: PoolClient, plan: BatchPlan): Promise<void> {
  const m = plan.messages;
  if (m.length === 0) return;
  await client.query(
    /* sql */ `
    insert into monitor.message (topic, partition, "offset", message_id, message_type, correlation_id,
      causation_id, saga_type, source, occurred_at, kafka_timestamp, record_key, content_type, headers,
      payload, decode_error, raw_value)
    select t, p, o, mi, mt, ci, ca, st, so, oa, kt, k, ct, h::jsonb, pl::jsonb, de, rv
    from unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
      $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::text[], $13::text[], $14::text[],
      $15::text[], $16::text[], $17::bytea[])
      as u(t, p, o, mi, mt, ci, ca, st, so, oa, kt, k, ct, h, pl, de, rv)`,
    [
      m.map((x) => x.topic),
      m.map((x) => x.partition),
      m.map((x) => x.offset),
      m.map((x) => x.messageId),
      m.map((x) => x.messageType),
      m.map((x) => x.correlationId),
      m.map((x) => x.causationId),
      m.map((x) => x.sagaType),
      m.map((x) => x.source),
      m.map((x) => x.occurredAt),
      m.map((x) => x.kafkaTimestamp),
      m.map((x) => x.key),
      m.map((x) => x.contentType),
      m.map((x) => JSON.stringify(x.headers)),
      m.map((x) => (x.payload === null ? null : JSON.stringify(x.payload))),
      m.map((x) => x.decodeError),
      m.map((x) => x.rawValue),
    ],
  );
}

async function insertDeadLetters(client: PoolClient, plan: BatchPlan): Promise<void> {
  const d = plan.deadLetters;
  if (d.length === 0) return;
  await client.query(
    /* sql */ `
    insert into monitor.dead_letter (topic, partition, "offset", correlation_id, message_id, message_type,
      error_code, error_message, original_topic, original_partition, original_offset, consumer, attempts, failed_at)
    select * from unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
      $8::text[], $9::text[], $10::int[], $11::bigint[], $12::text[], $13::int[], $14::timestamptz[])`,
    [
      d.map((x) => x.topic),
      d.map((x) => x.partition),
      d.map((x) => x.offset),
      d.map((x) => x.correlationId),
      d.map((x) => x.messageId),
      d.map((x) => x.messageType),
      d.map((x) => x.errorCode),
      d.map((x) => x.errorMessage),
      d.map((x) => x.originalTopic),
      d.map((x) => x.originalPartition),
      d.map((x) => x.originalOffset),
      d.map((x) => x.consumer),
      d.map((x) => x.attempts),
      d.map((x) => x.failedAt),
    ],
  );
}

async function insertTransitions(client: PoolClient, all: TransitionRecord[]): Promise<TransitionRecord[]> {
  // a message id twice in one batch (the relay re-published it) counts once, at its first offset, as
  // it does across batches; a transition is its record's message id and its entry in that record
  const seen = new Set<string>();
  const id = (x: TransitionRecord) => `${x.messageId}\u0000${x.entry}`;
  const t = all.filter((x) => !seen.has(id(x)) && seen.add(id(x)));
  if (t.length === 0) return [];
  const inserted = await client.query<{ message_id: string; entry: number }>(
    /* sql */ `
    insert into monitor.saga_transition (message_id, saga_id, saga_type, transition, status, step, reason, at,
      instance_version, topic, partition, "offset", entry)
    select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
      $8::timestamptz[], $9::int[], $10::text[], $11::int[], $12::bigint[], $13::int[])
    on conflict (message_id, entry) do nothing
    returning message_id, entry`,
    [
      t.map((x) => x.messageId),
      t.map((x) => x.sagaId),
      t.map((x) => x.sagaType),
      t.map((x) => x.transition),
      t.map((x) => x.status),
      t.map((x) => x.step),
      t.map((x) => x.reason),
      t.map((x) => x.at),
      t.map((x) => x.instanceVersion),
      t.map((x) => x.topic),
      t.map((x) => x.partition),
      t.map((x) => x.offset),
      t.map((x) => x.entry),
    ],
  );
  const fresh = new Set(inserted.rows.map((r) => `${r.message_id}\u0000${r.entry}`));
  return t.filter((x) => fresh.has(id(x)));
}

async function upsertSagas(client: PoolClient, transitions: TransitionRecord[]): Promise<SagaRow[]> {
  if (transitions.length === 0) return [];
  // lock in saga id order, so two batches touching the same sagas cannot deadlock
  const ids = [...new Set(transitions.map((t) => t.sagaId))].sort();
  const existing = await client.query<SagaDbRow>(
    `select ${sagaColumns} from monitor.saga where saga_id = any($1::text[]) order by saga_id for update`,
    [ids],
  );
  const sagas = new Map(existing.rows.map((r) => [r.saga_id, sagaFromRow(r)]));
  for (const t of transitions) sagas.set(t.sagaId, foldTransition(sagas.get(t.sagaId), t));
  const s = ids.map((id) => sagas.get(id)!);
  await client.query(
    /* sql */ `
    insert into monitor.saga (${sagaColumns})
    select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[],
      $8::text[], $9::text[], $10::int[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[],
      $14::bigint[], $15::int[])
    on conflict (saga_id) do update set
      saga_type = excluded.saga_type, correlation_id = excluded.correlation_id,
      correlation_key = excluded.correlation_key, definition_version = excluded.definition_version,
      status = excluded.status, last_transition = excluded.last_transition,
      current_step = excluded.current_step, reason = excluded.reason,
      instance_version = excluded.instance_version, started_at = excluded.started_at,
      updated_at = excluded.updated_at, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,
      transition_count = excluded.transition_count`,
    [
      s.map((x) => x.sagaId),
      s.map((x) => x.sagaType),
      s.map((x) => x.correlationId),
      s.map((x) => x.correlationKey),
      s.map((x) => x.definitionVersion),
      s.map((x) => x.status),
      s.map((x) => x.lastTransition),
      s.map((x) => x.currentStep),
      s.map((x) => x.reason),
      s.map((x) => x.instanceVersion),
      s.map((x) => x.startedAt),
      s.map((x) => x.updatedAt),
      s.map((x) => x.endedAt),
      s.map((x) => x.durationMs),
      s.map((x) => x.transitionCount),
    ],
  );
  return s;
}

async function writeDefinitions(client: PoolClient, plan: BatchPlan): Promise<void> {
  for (const change of plan.definitions) {
    if (change.kind === 'delete') {
      await client.query(`delete from monitor.definition where key = $1`, [change.key]);
      continue;
    }
    const d = change.record;
    await client.query(
      /* sql */ `
      insert into monitor.definition (key, version, kind, name, service, document, document_error, published_at, "offset")
      values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
      on conflict (key, version) do update set kind = excluded.kind, name = excluded.name,
        service = excluded.service, document = excluded.document, document_error = excluded.document_error,
        published_at = excluded.published_at, "offset" = excluded."offset"
      where monitor.definition."offset" < excluded."offset"`,
      [
        d.key,
        d.version,
        d.kind,
        d.name,
        d.service,
        d.document === null ? null : JSON.stringify(d.document),
        d.documentError,
        d.publishedAt,
        d.offset,
      ],
    );
  }
}
