import type { Span } from '@opentelemetry/api';
import {
  endSpan,
  recordingTraceparent,
  startMessageSpan,
  type OutboxWriter,
  type SagaflowError,
} from '@sagaflow/outbox-relay';
import type { Pool } from 'pg';
import type { IncomingMessage } from '../engine/saga-outcome';
import { isOutage, toSagaflowError, type ErrorSource } from '../runtime/classify-error';
import type { ApplyResult, RecordConsumer } from '../runtime/record-consumer';
import { inboxKey, recordInboxAndLoad } from '../store/record-inbox-and-load';
import { ConsumingTransaction, DeferredConflictError } from './consuming-transaction';
import { markingDatabaseErrors, raisedByDatabaseClient } from './database-client';
import {
  deliverInProcess,
  InProcessDeliveryFailed,
  type DeliveredInProcess,
  type InProcessDelivery,
} from './deliver-in-process';

/** One decoded record of a batch and the consumers that want it. */
export interface BatchUnit {
  /** Index of the record in its fetched batch. */
  index: number;
  key: string;
  message: IncomingMessage;
  consumers: readonly RecordConsumer[];
  /** The span its transactions descend from (its `process` span), else the record's own `traceparent`. */
  traceparent?: string | undefined;
}

/** What one consumer did with one unit. */
export type UnitResult = ApplyResult | 'duplicate';

/**
 * How {@link applyTogether} ended. A failure's error is classified by where it came from (the handler or
 * our database client, docs/decisions/0073), so DATABASE_UNAVAILABLE means the database is away.
 */
export type TogetherOutcome =
  | { ok: true; results: UnitResult[][]; committedAt: number }
  /** A unit's consumer threw: nothing was committed; the error belongs to `failed` (a position in `units`). */
  | { ok: false; failed: number; consumer: string; error: SagaflowError }
  /** The transaction failed outside any unit (begin, inbox, commit): nothing of it is known to be committed. */
  | { ok: false; failed: undefined; consumer?: undefined; error: SagaflowError };

type Attempt =
  | { ok: true; results: UnitResult[][]; committedAt: number }
  | {
      ok: false;
      failed: number | undefined;
      consumer: string;
      origin: string;
      error: unknown;
      source: ErrorSource;
    };

/**
 * Applies many records in one transaction: one statement that inserts the inbox rows, reporting the
 * duplicates, and reads the saga instances of all units; the units in order (so one key's records stay in order
 * and a second record for an instance sees the first one's change), all outbox rows in one insert, one
 * commit. The first unit that throws rolls everything back and is named, so the caller can replay the
 * others without it and give it retries of its own (docs/decisions/0039).
 * With `inProcess`, what the units emit is applied in the same transaction by the service's own consumers
 * that want it (docs/decisions/0067); when one fails there, the transaction is replayed delivering nothing
 * in process, so what it emitted meets its failure through Kafka, on its own, never as its cause's.
 * @param units distinct message ids (the caller drops a batch's repeats first).
 */
export async function applyTogether(
  pool: Pool,
  writer: OutboxWriter,
  units: readonly BatchUnit[],
  now: Date,
  inProcess?: InProcessDelivery,
): Promise<TogetherOutcome> {
  let outcome = await attempt(pool, writer, units, now, inProcess);
  if (!outcome.ok && outcome.error instanceof InProcessDeliveryFailed) {
    // the ids of what a transaction emits are new on every attempt: the replay delivers nothing in process
    inProcess!.fellBack(outcome.error);
    outcome = await attempt(pool, writer, units, now, undefined);
  }
  if (outcome.ok) return outcome;
  const error = toSagaflowError(outcome.error, outcome.origin, outcome.source);
  return outcome.failed === undefined
    ? { ok: false, failed: undefined, error }
    : { ok: false, failed: outcome.failed, consumer: outcome.consumer, error };
}

async function attempt(
  pool: Pool,
  writer: OutboxWriter,
  units: readonly BatchUnit[],
  now: Date,
  inProcess: InProcessDelivery | undefined,
): Promise<Attempt> {
  const ours: ErrorSource = { from: 'sagaflow' };
  let client;
  try {
    client = await pool.connect();
  } catch (error) {
    return {
      ok: false,
      failed: undefined,
      consumer: '',
      origin: 'consuming transaction',
      error,
      source: ours,
    };
  }
  let broken: Error | undefined;
  let failed: number | undefined;
  let consumer = '';
  let origin = 'consuming transaction';
  // set while a consumer (and the handler it calls) runs: what it throws is its own unless our client raised it
  let inConsumer = false;
  const spans = units.map((u) => transactionSpan(u, units.length));
  try {
    await client.query('begin');
    const tx = new ConsumingTransaction(markingDatabaseErrors(client), writer);
    // a repeat's instance is read too, and not used: one statement is cheaper than two
    const pairs = units.flatMap((u) => u.consumers.flatMap((c) => c.instanceOf?.(u.message) ?? []));
    const { fresh, instances } = await recordInboxAndLoad(
      client,
      units.flatMap((u) =>
        u.consumers.map((c) => ({
          consumer: c.name,
          messageId: u.message.headers.messageId,
          messageType: u.message.type,
        })),
      ),
      pairs,
    );
    tx.preloaded(pairs, instances);
    const isFresh = (u: BatchUnit, c: RecordConsumer) =>
      fresh.has(inboxKey(c.name, u.message.headers.messageId));
    const results: UnitResult[][] = [];
    const delivered: DeliveredInProcess[] = [];
    for (let i = 0; i < units.length; i++) {
      const u = units[i]!;
      failed = i;
      tx.unit = i;
      const out: UnitResult[] = [];
      // what the handlers emit descends from this attempt's span
      const traceparent = recordingTraceparent(spans[i]!);
      const message =
        traceparent === undefined
          ? u.message
          : { ...u.message, headers: { ...u.message.headers, traceparent } };
      for (const c of u.consumers) {
        consumer = c.name;
        origin = c.origin;
        if (!isFresh(u, c)) {
          out.push('duplicate');
          continue;
        }
        inConsumer = true;
        const result = await c.apply(tx, message, now);
        if (result.sagaId !== undefined) spans[i]!.setAttribute('sagaflow.saga.id', result.sagaId);
        if (result.sagaType !== undefined) spans[i]!.setAttribute('sagaflow.saga.type', result.sagaType);
        out.push(result);
        inConsumer = false;
      }
      results.push(out);
    }
    failed = undefined;
    origin = 'consuming transaction';
    // what every record of the chunk emitted, delivered together: one inbox statement per depth for the
    // whole chunk instead of one per record (decision 0067); a consumer failing here replays the chunk
    if (inProcess) await deliverInProcess(tx, inProcess, tx.emittedSince(0), now, delivered);
    await tx.flush();
    await client.query('commit');
    const committedAt = Date.now();
    for (const span of spans) endSpan(span);
    if (delivered.length > 0) {
      for (const { message } of delivered) inProcess!.applied.add(message.headers.messageId);
      inProcess!.report(delivered);
    }
    return { ok: true, results, committedAt };
  } catch (error) {
    // a version check of the writes at the end belongs to the message that made the change
    if (error instanceof DeferredConflictError) {
      failed = error.unit;
      const owner = units[error.unit]?.consumers.find((c) => c.instanceOf);
      consumer = owner?.name ?? consumer;
      origin = owner?.origin ?? origin;
    }
    let connectionLost = false;
    await client.query('rollback').catch((rollbackError: Error) => {
      // a connection that cannot roll back is not given back to the pool
      broken = rollbackError;
      connectionLost = isOutage(toSagaflowError(rollbackError, 'rollback'));
    });
    spans.forEach((span, i) => {
      if (failed === undefined || failed === i) return endSpan(span, error);
      span.addEvent('rolled back: another record of the transaction failed');
      endSpan(span);
    });
    const source: ErrorSource =
      inConsumer && !raisedByDatabaseClient(error) ? { from: 'handler', connectionLost } : ours;
    // a connection the database could not serve (read-only after a failover, shutting down) is not reused
    if (!broken && isOutage(toSagaflowError(error, origin, source))) broken = error as Error;
    return { ok: false, failed, consumer, origin, error, source };
  } finally {
    client.release(broken);
  }
}

/** One attempt of one unit: a span per record, though the records of a chunk share one transaction. */
function transactionSpan(u: BatchUnit, records: number): Span {
  const h = u.message.headers;
  return startMessageSpan(
    'transaction',
    {
      messageType: h.messageType,
      messageId: h.messageId,
      correlationId: h.correlationId,
      sagaType: h.sagaType,
    },
    u.traceparent ?? h.traceparent,
    { 'sagaflow.consumers': u.consumers.map((c) => c.name), 'sagaflow.transaction.records': records },
  );
}
