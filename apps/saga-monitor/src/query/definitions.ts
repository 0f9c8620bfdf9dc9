import type { Pool } from 'pg';

/** One current definition (`GET /api/definitions`). */
export interface DefinitionView {
  key: string;
  kind: 'saga' | 'reactions';
  name: string;
  version: number;
  service: string;
  publishedAt: string | null;
  /** A `SagaDefinitionDocument` for sagas, a reactions document for services. */
  document: unknown;
  documentError: string | null;
}

/** The newest definition of every key, sagas first. */
export async function listDefinitions(pool: Pool): Promise<DefinitionView[]> {
  const rows =
    await pool.query(/* sql */ `select distinct on (key) key, kind, name, version, service, published_at, document, document_error
     from monitor.definition order by key, "offset" desc`);
  return rows.rows
    .map((r) => ({
      key: r.key,
      kind: r.kind,
      name: r.name,
      version: r.version,
      service: r.service,
      publishedAt: (r.published_at as Date | null)?.toISOString() ?? null,
      document: r.document,
      documentError: r.document_error,
    }))
    .sort((a, b) => (a.kind === b.kind ? a.key.localeCompare(b.key) : a.kind === 'saga' ? -1 : 1));
}
