import type { MessageCodec } from '@sagaflow/outbox-relay';
import type { Kafka } from 'kafkajs';
import type { DefinitionPublishedEvent } from '../lifecycle/definition-message';
import type { SagaflowLogger } from '../observability/json-logger';
import { checkReactionCycles, type ReactionCycleReport } from './check-reaction-cycles';
import { declaredFlowEdges } from './declared-flow-edges';
import type { PublishedDefinition } from './published-definition';
import { readPublishedDefinitions } from './read-published-definitions';

/**
 * How long the start-up check reads `sagaflow.definitions` before it judges with what it has. It runs
 * beside start-up, never before it, so this bounds only how late the warning can come.
 */
export const definitionsReadDeadlineMs = 10_000;

/** What the runtime hands to {@link startCycleCheck}. */
export interface CycleCheckDeps {
  service: string;
  clientId: string;
  kafka: Kafka;
  codec: MessageCodec;
  logger: SagaflowLogger;
  /** Stops the read when the runtime stops. */
  signal: AbortSignal;
}

/**
 * Runs the reaction cycle check of a service that has just published `events` (its definitions). A
 * service none of whose handlers or sagas declares an edge cannot be on a cycle, so it reads nothing.
 * The promise never rejects.
 */
export function startCycleCheck(
  events: readonly DefinitionPublishedEvent[],
  deps: CycleCheckDeps,
): Promise<ReactionCycleReport> {
  // the newest version of a saga is published last: keep the last definition per key
  const own = [
    ...new Map(
      events.map((e): [string, PublishedDefinition] => [
        e.key,
        { key: e.key, kind: e.kind, service: e.service, document: JSON.parse(e.document) as unknown },
      ]),
    ).values(),
  ];
  if (declaredFlowEdges(own).edges.length === 0) {
    return Promise.resolve({ cycles: [], definitions: own.length, complete: true, undeclared: [] });
  }
  return checkReactionCycles({
    service: deps.service,
    own,
    logger: deps.logger,
    read: () =>
      readPublishedDefinitions(deps.kafka, deps.codec, {
        clientId: deps.clientId,
        deadlineMs: definitionsReadDeadlineMs,
        signal: deps.signal,
      }),
  });
}
