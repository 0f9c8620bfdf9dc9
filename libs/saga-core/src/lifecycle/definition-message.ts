import { defineMessage } from '@sagaflow/outbox-relay';

/** Compacted topic carrying each saga type's definition and each service's reactions (DESIGN.md). */
export const definitionsTopic = 'sagaflow.definitions';

/**
 * One definition, published at start-up. `document` is the JSON of a saga definition
 * ({@link SagaDefinitionDocument}) or of a service's reactions; `key` is `saga:<type>` or
 * `reactions:<service>`, so compaction keeps the newest of each.
 */
export interface DefinitionPublishedEvent {
  key: string;
  kind: 'saga' | 'reactions';
  name: string;
  version: number;
  service: string;
  document: string;
  publishedAt: string;
}

/** The `sagaflow.DefinitionPublished` message type. */
export const DefinitionPublished = defineMessage<DefinitionPublishedEvent>({
  topic: definitionsTopic,
  kind: 'event',
  key: (e) => e.key,
  schema: {
    type: 'record',
    namespace: 'sagaflow',
    name: 'DefinitionPublished',
    fields: [
      { name: 'key', type: 'string' },
      { name: 'kind', type: { type: 'enum', name: 'DefinitionKind', symbols: ['saga', 'reactions'] } },
      { name: 'name', type: 'string' },
      { name: 'version', type: 'int' },
      { name: 'service', type: 'string' },
      { name: 'document', type: 'string', doc: 'JSON of the definition document' },
      { name: 'publishedAt', type: 'string' },
    ],
  },
});
