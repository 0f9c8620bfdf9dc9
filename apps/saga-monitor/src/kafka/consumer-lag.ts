import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';

/** How far the projection is behind one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset Kafka will write. */
  highWatermark: string;
  /** Next offset the projection will apply. */
  nextOffset: string;
  lag: number;
}

/**
 * Lag per partition from the offsets stored WITH the projection (not a Kafka group's, which the monitor
 * never commits): the high watermark minus the next offset to apply. A partition never read counts from
 * its earliest retained offset.
 */
export async function consumerLag(
  admin: Admin,
  pool: Pool,
  topics: readonly string[],
): Promise<PartitionLag[]> {
  if (topics.length === 0) return [];
  const stored = await pool.query<{ topic: string; partition: number; next_offset: string }>(
    `select topic, partition, next_offset from monitor.consumer_offset where topic = any($1::text[])`,
    [topics],
  );
  const next = new Map(stored.rows.map((r) => [`${r.topic}/${r.partition}`, r.next_offset]));
  const out: PartitionLag[] = [];
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const nextOffset = next.get(`${topic}/${p.partition}`) ?? p.low;
      out.push({
        topic,
        partition: p.partition,
        highWatermark: p.high,
        nextOffset,
        lag: Math.max(0, Number(BigInt(p.high) - BigInt(nextOffset))),
      });
    }
  }
  return out;
}
