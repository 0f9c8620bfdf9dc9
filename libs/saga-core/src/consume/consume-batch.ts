import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '@opentelemetry/api';
import {
  endSpan,
  faultPoint,
  recordingTraceparent,
  startMessageSpan,
  type MessageCatalog,
  type MessageCodec,
  type OutboxWriter,
} from '@sagaflow/outbox-relay';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Histogram } from 'prom-client';
import type { Pool } from 'pg';
import type { SagaflowLogger } from '../observability/json-logger';
import type { SagaflowMetrics } from '../observability/sagaflow-metrics';
import { isOutage } from '../runtime/classify-error';
import type { ConsumedRecord, DeadLetterPublisher } from '../runtime/dead-letter';
import type { RecordConsumer } from '../runtime/record-consumer';
import {
  backoff,
  RetriesExhausted,
  RetryAborted,
  retryInFreshTransactions,
  type RetrySettings,
} from '../runtime/retry-in-fresh-transactions';
import { applyAlone } from './apply-alone';
import { applyTogether, type BatchUnit } from './apply-together';
import { deadLetterRecord } from './dead-letter-record';
import type { InProcessDelivery } from './deliver-in-process';
import { readRecord } from './read-record';
import type { TransactionGate } from './transaction-gate';
import { recordFields } from './record-fields';
import { reportResult } from './report-result';
import type { VersionGapClock } from './version-gap-clock';

/** What {@link consumeBatch} needs. */
export interface ConsumeBatchDeps {
  service: string;
  pool: Pool;
  writer: OutboxWriter;
  codec: MessageCodec;
  catalog: MessageCatalog;
  /** Inbox consumers by message full name. */
  consumers: ReadonlyMap<string, readonly RecordConsumer[]>;
  deadLetters: DeadLetterPublisher;
  logger: SagaflowLogger;
  metrics: SagaflowMetrics;
  hops: Histogram<'stage'>;
  /** Retry of decoding (registry outages), dead-lettering and whole-transaction outages. */
  retry: RetrySettings;
  /** How long a record's optimistic-concurrency conflicts are retried after its first one. */
  conflictTimeoutMs: number;
  /** How long a record for an instance of a definition version this replica lacks is held (decision 0069). */
  versionGapTimeoutMs: number;
  /** When each held record first met its version gap on this replica (shared by every batch). */
  versionGaps: VersionGapClock;
  /** Most records applied in one transaction. */
  maxRecordsPerTransaction: number;
  /** The process's consuming transactions open at once (shared with the deadline scheduler). */
  gate: TransactionGate;
  /** Keys of one batch worked on at once on the isolated path (records that failed in a batch). */
  concurrency: number;
  heartbeatIntervalMs: number;
  signal: AbortSignal;
  /** Commits `offset` (the next offset to read) of the partition. */
  commit(topic: string, partition: number, offset: string): Promise<void>;
  /** Called after every transaction that committed: wakes the relay. Must not throw. */
  committed(): void;
  /** Set when the service delivers what it emits to its own consumers in process (docs/decisions/0067). */
  inProcess?: InProcessDelivery;
}

/**
 * A KafkaJS `eachBatch` handler that applies a fetched partition batch in as few transactions as the
 * guarantees allow (docs/decisions/0039). Headers are read first, and records nobody here wants cost no
 * decoding and no transaction. The wanted records go in order, in chunks of at most
 * `maxRecordsPerTransaction`, each chunk one transaction; a record that fails in it is taken out with
 * the later records of its key, the others are replayed without them, and the taken-out records go the
 * isolated way (their own transactions, retries, the dead-letter topic), keys in parallel and each key in
 * order. The offset is committed once, after everything before it committed.
 */
export function consumeBatch(d: ConsumeBatchDeps) {
  return async (payload: EachBatchPayload): Promise<void> => {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const messages = batch.messages;
    if (messages.length === 0) return;
    const fetchedAt = Date.now();
    const recordOf = (m: KafkaMessage): ConsumedRecord => ({
      topic: batch.topic,
      partition: batch.partition,
      message: m,
    });
    for (const m of messages) {
      const sent = Number(m.timestamp);
      if (Number.isFinite(sent) && sent > 0)
        d.hops.observe({ stage: 'send_to_fetch' }, Math.max(0, fetchedAt - sent) / 1000);
    }
    const done = new Array<boolean>(messages.length).fill(false);
    const committedAt = new Array<number>(messages.length).fill(0);
    // the `process` span of each record being applied, ended when the record may be committed
    const spans = new Map<number, Span>();
    // A rebalance takes the partition away (KafkaJS revokes every partition to rebalance): the batch takes
    // no new record from then on, and its retries, outage waits and version-gap holds end uncommitted, so
    // the next owner gets them without waiting for this batch (issue 11 item 7). The record in its
    // handler finishes; it cannot be taken back.
    const rebalance = new AbortController();
    const stopped = AbortSignal.any([d.signal, rebalance.signal]);
    const active = () => !stopped.aborted && isRunning() && !isStale();
    const beat = setInterval(
      () =>
        void heartbeat().catch((error: unknown) => {
          if (!isRebalancing(error) || rebalance.signal.aborted) return;
          d.logger.info('group rebalancing: the rest of this batch is left to the partition’s next owner', {
            topic: batch.topic,
            partition: batch.partition,
          });
          rebalance.abort();
        }),
      d.heartbeatIntervalMs,
    );
    const deps: ConsumeBatchDeps = { ...d, signal: stopped };
    try {
      const units = await readAndDecode(deps, messages, recordOf, done, active, spans);
      for (let start = 0; start < units.length && active(); start += d.maxRecordsPerTransaction) {
        const chunk = units.slice(start, start + d.maxRecordsPerTransaction);
        await applyChunk(deps, chunk, recordOf, messages, active, rebalance.signal, (index, at) => {
          done[index] = true;
          committedAt[index] = at;
          const span = spans.get(index);
          spans.delete(index);
          if (span) endSpan(span);
        });
      }
    } catch (error) {
      if (!(error instanceof RetryAborted)) throw error;
    } finally {
      clearInterval(beat);
      for (const span of spans.values()) {
        span.addEvent(
          'not committed: the consumer stopped or the partition moved; the record is redelivered',
        );
        endSpan(span);
      }
    }
    await commitPrefix(
      d,
      batch.topic,
      batch.partition,
      messages,
      done,
      committedAt,
      fetchedAt,
      resolveOffset,
    );
  };
}

/**
 * Reads every record's headers, dead-letters the unreadable, decodes the wanted; marks the rest done.
 * Each wanted record gets its `process` span (in `spans` while it lasts), a child of the record's send.
 */
async function readAndDecode(
  d: ConsumeBatchDeps,
  messages: readonly KafkaMessage[],
  recordOf: (m: KafkaMessage) => ConsumedRecord,
  done: boolean[],
  active: () => boolean,
  spans: Map<number, Span>,
): Promise<BatchUnit[]> {
  const units: BatchUnit[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < messages.length && active(); index++) {
    const m = messages[index]!;
    const record = recordOf(m);
    const verdict = readRecord(m, record.topic, d.service, d.consumers, d.catalog);
    if (verdict.kind === 'skip') {
      d.metrics.messageHandled(verdict.headers.messageType, d.service, 'not_subscribed');
      done[index] = true;
      continue;
    }
    if (verdict.kind === 'invalid') {
      await deadLetterRecord(d, record, verdict.headers, d.service, verdict.error, 1);
      done[index] = true;
      continue;
    }
    const h = verdict.headers;
    // applied in process by this process when it was emitted (its inbox rows committed then)
    if (d.inProcess?.applied.has(h.messageId)) {
      d.inProcess.applied.delete(h.messageId);
      for (const c of verdict.consumers) d.metrics.messageHandled(h.messageType, c.name, 'in_process_copy');
      done[index] = true;
      continue;
    }
    const span = startMessageSpan(
      'process',
      {
        topic: record.topic,
        messageType: h.messageType,
        messageId: h.messageId,
        key: m.key?.toString(),
        correlationId: h.correlationId,
        sagaType: h.sagaType,
      },
      h.traceparent,
      {
        'messaging.destination.partition.id': String(record.partition),
        'messaging.kafka.offset': Number(m.offset),
        'sagaflow.service': d.service,
      },
    );
    let payload: unknown;
    try {
      payload = await retryInFreshTransactions(
        d.retry,
        `decoding ${h.messageType}`,
        () => d.codec.decode(m.value!, verdict.type),
        {
          signal: d.signal,
          onRetry: (error) =>
            d.logger.warn('decoding failed, retrying', { ...recordFields(record, h), error }),
        },
      );
    } catch (error) {
      if (!(error instanceof RetriesExhausted)) {
        endSpan(span, error);
        throw error;
      }
      await deadLetterRecord(d, record, h, d.service, error.error, error.attempts);
      endSpan(span, error.error);
      done[index] = true;
      continue;
    }
    const message = { type: h.messageType, payload, headers: h };
    const wanting: RecordConsumer[] = [];
    for (const c of verdict.consumers) {
      if (!c.accepts || c.accepts(message)) wanting.push(c);
      else reportResult(d, record, h, c, 'filtered');
    }
    // a relay retry can put one message twice into one batch: the first applies it, the repeat is a duplicate
    if (seen.has(h.messageId)) {
      for (const c of wanting) reportResult(d, record, h, c, 'duplicate');
      wanting.length = 0;
    }
    seen.add(h.messageId);
    if (wanting.length === 0) {
      span.addEvent('passed over: filtered out or a repeat within the batch');
      endSpan(span);
      done[index] = true;
      continue;
    }
    spans.set(index, span);
    const traceparent = recordingTraceparent(span) ?? h.traceparent;
    units.push({ index, key: keyOf(m), message, consumers: wanting, traceparent });
  }
  return units;
}

async function applyChunk(
  d: ConsumeBatchDeps,
  chunk: readonly BatchUnit[],
  recordOf: (m: KafkaMessage) => ConsumedRecord,
  messages: readonly KafkaMessage[],
  active: () => boolean,
  rebalanced: AbortSignal,
  markDone: (index: number, committedAt: number) => void,
): Promise<void> {
  let together = [...chunk];
  const alone: BatchUnit[] = [];
  for (let outages = 0; together.length > 0;) {
    if (!active()) throw new RetryAborted();
    const stops = together.flatMap((u) => u.consumers.map((c) => d.metrics.timeHandler(c.name)));
    const outcome = await d.gate.run(() =>
      applyTogether(d.pool, d.writer, together, new Date(), d.inProcess),
    );
    for (const stop of stops) stop();
    if (outcome.ok) {
      d.committed();
      together.forEach((u, i) => {
        u.consumers.forEach((c, j) =>
          reportResult(d, recordOf(messages[u.index]!), u.message.headers, c, outcome.results[i]![j]!),
        );
        markDone(u.index, outcome.committedAt);
      });
      break;
    }
    const error = outcome.error;
    if (isOutage(error)) {
      // the database is away for everyone: wait for it, and keep the batch together
      const delayMs = backoff(d.retry, ++outages);
      d.logger.warn('batch transaction failed, database unavailable; retrying', {
        topic: recordOf(messages[together[0]!.index]!).topic,
        records: together.length,
        delayMs,
        error,
      });
      await sleepUnlessAborted(delayMs, d.signal);
      continue;
    }
    if (outcome.failed === undefined) {
      // not one record's fault (e.g. the commit failed): every record goes its own way
      alone.push(...together);
      together = [];
      break;
    }
    // the failing record and the later records of its key leave the batch; the rest is replayed
    const failing = together[outcome.failed]!;
    d.metrics.retried(failing.message.type, outcome.consumer, error.code);
    const out = together.filter((u, i) => u.key === failing.key && i >= outcome.failed!);
    together = together.filter((u) => !out.includes(u));
    alone.push(...out);
    d.logger.info('record failed inside a batch; replaying the batch without it', {
      ...recordFields(recordOf(messages[failing.index]!), failing.message.headers),
      error,
      isolated: out.length,
    });
  }
  await applyAloneByKey({ ...d, rebalanced }, alone, recordOf, messages, markDone);
}

/** The isolated records, keys in parallel (up to `concurrency`), each key's records in offset order. */
async function applyAloneByKey(
  d: ConsumeBatchDeps & { rebalanced: AbortSignal },
  alone: readonly BatchUnit[],
  recordOf: (m: KafkaMessage) => ConsumedRecord,
  messages: readonly KafkaMessage[],
  markDone: (index: number, committedAt: number) => void,
): Promise<void> {
  if (alone.length === 0) return;
  const byKey = new Map<string, BatchUnit[]>();
  for (const u of [...alone].sort((a, b) => a.index - b.index))
    byKey.set(u.key, [...(byKey.get(u.key) ?? []), u]);
  const queue = [...byKey.values()];
  const worker = async (): Promise<void> => {
    for (let units = queue.shift(); units; units = queue.shift()) {
      for (const u of units) {
        const { committedAt } = await applyAlone(d, recordOf(messages[u.index]!), u);
        d.committed();
        markDone(u.index, committedAt);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(d.concurrency, queue.length) }, worker));
}

/** Commits the offset after the last record before which every record is done; records its hops. */
async function commitPrefix(
  d: ConsumeBatchDeps,
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
  done: readonly boolean[],
  committedAt: readonly number[],
  fetchedAt: number,
  resolveOffset: (offset: string) => void,
): Promise<void> {
  let last = -1;
  while (last + 1 < messages.length && done[last + 1]) last++;
  if (last < 0) return;
  // KafkaJS fetches the partition again from the last resolved offset: without it the batch comes back
  resolveOffset(messages[last]!.offset);
  faultPoint('consumer.after-commit-before-offset');
  try {
    await d.commit(topic, partition, (BigInt(messages[last]!.offset) + 1n).toString());
  } catch (error) {
    // a failed commit only means redelivery after a restart; the inbox makes that harmless
    d.logger.warn('offset commit failed', { topic, partition, offset: messages[last]!.offset, error });
    return;
  }
  const now = Date.now();
  for (let i = 0; i <= last; i++) {
    if (committedAt[i] === 0) continue;
    d.hops.observe({ stage: 'fetch_to_commit' }, Math.max(0, committedAt[i]! - fetchedAt) / 1000);
    d.hops.observe({ stage: 'commit_to_offset' }, Math.max(0, now - committedAt[i]!) / 1000);
  }
}

/** The heartbeat errors by which KafkaJS says the group is rebalancing (its own `isRebalancing`). */
function isRebalancing(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return (
    type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION'
  );
}

function keyOf(m: KafkaMessage): string {
  return m.key === null ? '\u0000null' : m.key.toString('latin1');
}

async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
