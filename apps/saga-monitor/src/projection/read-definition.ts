import type { DefinitionPublishedEvent } from '@sagaflow/saga-core';
import type { ProjectedMessage } from './projected-message';

/** A definition record as the projection keeps it (`monitor.definition`). */
export interface DefinitionRecord {
  key: string;
  version: number;
  kind: 'saga' | 'reactions';
  name: string;
  service: string;
  /** The parsed `document` (a `SagaDefinitionDocument` or a reactions document), or null when unparseable. */
  document: unknown;
  documentError: string | null;
  publishedAt: string | null;
  offset: string;
}

/** What a `sagaflow.definitions` record means for the projection. */
export type DefinitionChange =
  | { kind: 'upsert'; record: DefinitionRecord }
  | { kind: 'delete'; key: string }
  | { kind: 'invalid'; error: string };

/**
 * Reads a `sagaflow.DefinitionPublished` record. A tombstone (null value) on the compacted topic deletes
 * its key; anything else that is not a definition is reported, and stays stored as a message.
 */
export function readDefinition(m: ProjectedMessage): DefinitionChange {
  if (m.decodeError !== null) return { kind: 'invalid', error: m.decodeError };
  if (m.payload === null) {
    return m.key === null
      ? { kind: 'invalid', error: 'tombstone without a key' }
      : { kind: 'delete', key: m.key };
  }
  const p = m.payload as Partial<DefinitionPublishedEvent>;
  const faults = (['key', 'name', 'service', 'document'] as const).filter((k) => typeof p[k] !== 'string');
  if (p.kind !== 'saga' && p.kind !== 'reactions') faults.push('kind' as never);
  if (!Number.isInteger(p.version)) faults.push('version' as never);
  if (faults.length > 0)
    return {
      kind: 'invalid',
      error: `not a sagaflow.DefinitionPublished: bad or missing ${faults.join(', ')}`,
    };
  let document: unknown = null;
  let documentError: string | null = null;
  try {
    document = JSON.parse(p.document!);
  } catch (cause) {
    documentError = `document is not JSON: ${(cause as Error).message}`;
  }
  const published = typeof p.publishedAt === 'string' ? Date.parse(p.publishedAt) : Number.NaN;
  return {
    kind: 'upsert',
    record: {
      key: p.key!,
      version: p.version!,
      kind: p.kind!,
      name: p.name!,
      service: p.service!,
      document,
      documentError,
      publishedAt: Number.isNaN(published) ? null : new Date(published).toISOString(),
      offset: m.offset,
    },
  };
}
