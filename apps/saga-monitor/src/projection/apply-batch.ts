import type { Pool } from 'pg';
import type { TopicRoles } from '../kafka/monitored-topics';
import type { ProjectedMessage } from './projected-message';
import { writeBatch } from './write-isolated';
import type { WrittenPlan } from './write-plan';

/** What {@link applyBatch} did. */
export interface AppliedBatch extends WrittenPlan {
  /** Records applied (those at or past the stored offset). */
  applied: number;
  /** Set when the whole batch was already applied: the offset to seek the partition to. */
  seekTo: string | null;
  /** Set when records were missing before the batch (deleted by retention before the monitor read them). */
  skipped: { from: string; to: string } | null;
  /** Applied records stored with a decode or interpretation error. */
  undecodable: number;
  /** Correlation ids that got a dead letter in this batch (their sagas may now be stuck). */
  deadLetterCorrelationIds: string[];
}

/**
 * Applies one partition's records and moves its stored offset past them, in ONE transaction: after a
 * crash either both happened or neither did, so a restart re-reads exactly what was not applied.
 * Records below the stored offset (redelivered after a restart or a rebalance) are skipped; the row lock
 * on the offset makes concurrent appliers of one partition take turns.
 * @param records one partition's records, in offset order.
 */
export async function applyBatch(
  pool: Pool,
  roles: TopicRoles,
  topic: string,
  partition: number,
  records: readonly ProjectedMessage[],
): Promise<AppliedBatch> {
  const none: AppliedBatch = {
    applied: 0,
    seekTo: null,
    skipped: null,
    undecodable: 0,
    deadLetterCorrelationIds: [],
    newTransitions: [],
    sagas: [],
  };
  if (records.length === 0) return none;
  const client = await pool.connect();
  try {
    await client.query('begin');
    // a partition seen for the first time starts where Kafka started it: its earliest retained record
    await client.query(
      /* sql */ `insert into monitor.consumer_offset (topic, partition, next_offset) values ($1, $2, $3)
       on conflict do nothing`,
      [topic, partition, records[0]!.offset],
    );
    const stored = await client.query<{ next_offset: string }>(
      /* sql */ `select next_offset from monitor.consumer_offset where topic = $1 and partition = $2 for update`,
      [topic, partition],
    );
    const next = BigInt(stored.rows[0]!.next_offset);
    const fresh = records.filter((r) => BigInt(r.offset) >= next);
    if (fresh.length === 0) {
      await client.query('commit');
      return { ...none, seekTo: next.toString() };
    }
    const first = BigInt(fresh[0]!.offset);
    const skipped = first > next ? { from: next.toString(), to: (first - 1n).toString() } : null;
    const { plan, ...written } = await writeBatch(client, fresh, roles);
    await client.query(
      /* sql */ `update monitor.consumer_offset set next_offset = $3 where topic = $1 and partition = $2`,
      [topic, partition, (BigInt(fresh[fresh.length - 1]!.offset) + 1n).toString()],
    );
    await client.query('commit');
    const undecodable = plan.messages.filter((m) => m.decodeError !== null).length;
    const deadLetterCorrelationIds = [
      ...new Set(plan.deadLetters.flatMap((d) => (d.correlationId === null ? [] : [d.correlationId]))),
    ];
    return {
      ...written,
      applied: fresh.length,
      seekTo: null,
      skipped,
      undecodable,
      deadLetterCorrelationIds,
    };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Whether a failed transaction is worth running again as it is (deadlock, serialization failure). */
export function isTransientDbError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}
