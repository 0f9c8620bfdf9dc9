import type { OutboxWriter } from '@sagaflow/outbox-relay';
import type { Pool } from 'pg';
import type { IncomingMessage } from '../engine/saga-outcome';
import type { ApplyResult, RecordConsumer } from '../runtime/record-consumer';
import { inboxKey, recordInboxAndLoad } from '../store/record-inbox-and-load';
import { ConsumingTransaction, DeferredConflictError } from './consuming-transaction';
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
}

/** What one consumer did with one unit. */
export type UnitResult = ApplyResult | 'duplicate';

/** How {@link applyTogether} ended. */
export type TogetherOutcome =
  | { ok: true; results: UnitResult[][]; committedAt: number }
  /** A unit's consumer threw: nothing was committed; the error belongs to `failed` (a position in `units`). */
  | { ok: false; failed: number; consumer: string; error: unknown }
  /** The transaction failed outside any unit (begin, inbox, commit): nothing of it is known to be committed. */
  | { ok: false; failed: undefined; consumer?: undefined; error: unknown };

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
  const outcome = await attempt(pool, writer, units, now, inProcess);
  if (outcome.ok || !(outcome.error instanceof InProcessDeliveryFailed)) return outcome;
  // the ids of what a transaction emits are new on every attempt: the replay delivers nothing in process
  inProcess!.fellBack(outcome.error);
  return attempt(pool, writer, units, now, undefined);
}

async function attempt(
  pool: Pool,
  writer: OutboxWriter,
  units: readonly BatchUnit[],
  now: Date,
  inProcess: InProcessDelivery | undefined,
): Promise<TogetherOutcome> {
  let client;
  try {
    client = await pool.connect();
  } catch (error) {
    return { ok: false, failed: undefined, error };
  }
  let broken: Error | undefined;
  let failed: number | undefined;
  let consumer = '';
  try {
    await client.query('begin');
    const tx = new ConsumingTransaction(client, writer);
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
      for (const c of u.consumers) {
        consumer = c.name;
        if (!isFresh(u, c)) {
          out.push('duplicate');
          continue;
        }
        const mark = tx.emittedCount;
        out.push(await c.apply(tx, u.message, now));
        if (inProcess) await deliverInProcess(tx, inProcess, tx.emittedSince(mark), now, delivered);
      }
      results.push(out);
    }
    failed = undefined;
    await tx.flush();
    await client.query('commit');
    const committedAt = Date.now();
    if (delivered.length > 0) {
      for (const { message } of delivered) inProcess!.applied.add(message.headers.messageId);
      inProcess!.report(delivered);
    }
    return { ok: true, results, committedAt };
  } catch (error) {
    // a version check of the writes at the end belongs to the message that made the change
    if (error instanceof DeferredConflictError) {
      failed = error.unit;
      consumer = units[error.unit]?.consumers.find((c) => c.instanceOf)?.name ?? consumer;
    }
    await client.query('rollback').catch((rollbackError: Error) => {
      // a connection that cannot roll back is not given back to the pool
      broken = rollbackError;
    });
    return failed === undefined ? { ok: false, failed, error } : { ok: false, failed, consumer, error };
  } finally {
    client.release(broken);
  }
}
