import { newMessageId, type OutboxEntry, type OutboxWriter } from '@sagaflow/outbox-relay';
import type { Pool } from 'pg';
import { describeSaga, type SagaDefinition } from '../declaration/saga-definition';
import { DefinitionPublished, type DefinitionPublishedEvent } from '../lifecycle/definition-message';
import { inTransaction } from './in-transaction';
import type { MessageHandlerRegistration } from './message-handler';

/** The document `sagaflow.definitions` carries for a service's participants and reactions (key `reactions:<service>`). */
export interface ReactionsDocument {
  kind: 'reactions';
  service: string;
  reactions: Array<{
    consumes: string;
    topic: string;
    kind: 'command' | 'event';
    handler: string;
    /** null when the handler does not declare what it emits. */
    emits: string[] | null;
    /**
     * The topics of `emits`, so a monitor reads what the service writes without being told (absent from
     * documents of releases before it).
     */
    emitsTopics?: string[] | null;
  }>;
}

/** The reactions document of a service. */
export function describeReactions(
  service: string,
  handlers: readonly MessageHandlerRegistration[],
): ReactionsDocument {
  return {
    kind: 'reactions',
    service,
    reactions: handlers.map((h) => ({
      consumes: h.messageType.name,
      topic: h.messageType.topic,
      kind: h.kind,
      handler: h.origin,
      emits: h.emits ? h.emits.map((e) => e.name) : null,
      emitsTopics: h.emits ? [...new Set(h.emits.map((e) => e.topic))] : null,
    })),
  };
}

/**
 * The records a service publishes on `sagaflow.definitions`: each saga definition (every registered
 * version, ascending, so the newest is what compaction keeps under `saga:<type>`) and the service's
 * reactions (`reactions:<service>`, when it has handlers).
 */
export function definitionEvents(
  service: string,
  sagas: readonly SagaDefinition[],
  handlers: readonly MessageHandlerRegistration[],
  now = new Date(),
): DefinitionPublishedEvent[] {
  const events: DefinitionPublishedEvent[] = sagas.map((d) => ({
    key: `saga:${d.type}`,
    kind: 'saga',
    name: d.type,
    version: d.version,
    service,
    document: JSON.stringify(describeSaga(d)),
    publishedAt: now.toISOString(),
  }));
  if (handlers.length > 0) {
    events.push({
      key: `reactions:${service}`,
      kind: 'reactions',
      name: service,
      version: 1,
      service,
      document: JSON.stringify(describeReactions(service, handlers)),
      publishedAt: now.toISOString(),
    });
  }
  return events;
}

/**
 * Publishes {@link definitionEvents} through the outbox. Done at every start-up; the topic is compacted,
 * so re-publishing costs nothing.
 */
export async function publishDefinitions(
  pool: Pool,
  writer: OutboxWriter,
  service: string,
  sagas: readonly SagaDefinition[],
  handlers: readonly MessageHandlerRegistration[],
  now = new Date(),
): Promise<void> {
  const events = definitionEvents(service, sagas, handlers, now);
  if (events.length === 0) return;
  const correlationId = newMessageId();
  const entries: OutboxEntry[] = events.map((payload) => ({
    type: DefinitionPublished as OutboxEntry['type'],
    payload,
    correlationId,
  }));
  await inTransaction(pool, (client) => writer.append(client, entries));
}
