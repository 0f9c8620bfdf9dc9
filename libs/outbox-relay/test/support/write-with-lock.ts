import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { MessageType, OutboxWriter } from '../../src/index';
import type { SpecEvent } from './spec-types';

/** Creates the aggregates the writers serialise on (the usual aggregate row lock). */
export async function createAggregates(pool: Pool, count: number): Promise<string[]> {
  await pool.query('create table if not exists spec_aggregate (id text primary key, seq int not null)');
  const ids = Array.from({ length: count }, (_, i) => `agg-${i}`);
  await pool.query(
    'insert into spec_aggregate (id, seq) select unnest($1::text[]), 0 on conflict do nothing',
    [ids],
  );
  return ids;
}

/**
 * One business transaction: lock the aggregate by bumping its sequence (the rule of decision 0005: writers
 * of one key hold a common lock when they append), append `count` events, wait a random moment, commit.
 */
export async function writeOne(
  pool: Pool,
  writer: OutboxWriter,
  type: MessageType<SpecEvent>,
  aggregateId: string,
  writerNo: number,
  count: number,
  maxDelayMs: number,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ seq: number }>(
      'update spec_aggregate set seq = seq + $2 where id = $1 returning seq',
      [aggregateId, count],
    );
    const last = rows[0]!.seq;
    await writer.append(
      client,
      Array.from({ length: count }, (_, i) => ({
        type,
        payload: { aggregateId, seq: last - count + 1 + i, writer: writerNo },
        correlationId: `c-${aggregateId}`,
      })),
    );
    // the random commit delay is the workload: it makes older transactions commit after newer ones
    if (maxDelayMs > 0) await sleep(Math.floor(Math.random() * maxDelayMs));
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
