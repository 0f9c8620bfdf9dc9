import type { Pool } from 'pg';

/**
 * The topics a definition document names: a saga's handled topics and its steps' command and
 * compensation topics; a reactions document's consumed topics and the topics of what it emits. Each
 * with its dead-letter topic (`<topic>.dlt`), since consumers dead-letter where they consume. Anything
 * not a document of either kind names nothing.
 */
export function topicsNamedBy(document: unknown): string[] {
  const d = document as Record<string, unknown> | null;
  const named: unknown[] = [];
  if (d?.kind === 'saga') {
    for (const s of list(d.steps)) named.push(s.commandTopic, s.compensationTopic);
    for (const h of list(d.handles)) named.push(h.topic);
  } else if (d?.kind === 'reactions') {
    for (const r of list(d.reactions))
      named.push(r.topic, ...(Array.isArray(r.emitsTopics) ? r.emitsTopics : []));
  }
  const topics = named.filter((t): t is string => typeof t === 'string' && t.length > 0);
  return [...new Set(topics.flatMap((t) => (t.endsWith('.dlt') ? [t] : [t, `${t}.dlt`])))];
}

/** Every topic the current definitions (the newest record of each key) name, read from the projection. */
export async function readTopicsNamedByDefinitions(pool: Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ document: unknown }>(/* sql */ `
    select distinct on (key) document from monitor.definition order by key, "offset" desc`);
  return new Set(rows.flatMap((r) => topicsNamedBy(r.document)));
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}
