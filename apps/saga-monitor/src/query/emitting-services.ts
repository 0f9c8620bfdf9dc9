import type { Pool } from 'pg';

/** Most services named as the senders of one message type; a type sent by more is drawn from these. */
const maxSources = 5;

/**
 * The services seen sending each of `types` (the `source` header), from the projection: for events no
 * reaction declares emitting, such as one sent from an HTTP handler. Walks the (type, source) index one
 * distinct source at a time, so a type sent a million times costs a few index probes, not a scan.
 */
export async function emittingServices(pool: Pool, types: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const type of new Set(types)) {
    const sources: string[] = [];
    let after = '';
    while (sources.length < maxSources) {
      const r = await pool.query<{ source: string }>(
        /* sql */ `select source from monitor.message
         where message_type = $1 and source is not null and source > $2 and topic not like '%.dlt'
         order by source limit 1`,
        [type, after],
      );
      const next = r.rows[0]?.source;
      if (next === undefined) break;
      sources.push(next);
      after = next;
    }
    if (sources.length > 0) out.set(type, sources);
  }
  return out;
}
