import type { Pool } from 'pg';

/** Every projected table, fully ordered, so two projections compare with one `toEqual`. */
export async function projectionSnapshot(pool: Pool): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    saga: 'saga_id',
    saga_transition: 'message_id, entry',
    message: 'topic, partition, "offset"',
    dead_letter: 'topic, partition, "offset"',
    definition: 'key, version',
    consumer_offset: 'topic, partition',
    flow: 'correlation_id',
    interaction: 'producer, event_type, consumer',
  };
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(tables)) {
    out[table] = (await pool.query(`select * from monitor.${table} order by ${order}`)).rows;
  }
  return out;
}
