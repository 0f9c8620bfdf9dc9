import type { DeclaredReaction } from './declared-reactions';

/** `producer → event → consumer` seen at least once: `consumer` wrote a message caused by an `event` that `producer` wrote. */
export interface ObservedEdge {
  producer: string;
  event: string;
  consumer: string;
  observations: number;
  firstSeen: string;
  lastSeen: string;
  /** A flow where it was seen last, to open. */
  exampleCorrelationId: string | null;
}

/** Whether an edge is declared, observed, or both. */
export type EdgeStatus = 'declared-and-observed' | 'declared-only' | 'observed-only';

/** One edge of the interaction graph. */
export interface GraphEdge {
  /** null when no one declares emitting `event` and no one was seen emitting it with a reaction. */
  producer: string | null;
  event: string;
  consumer: string;
  status: EdgeStatus;
  /** Declared handlers of `consumer` for `event`. */
  handlers: string[];
  /**
   * False when none of those handlers declares an emitted type, so the reaction leaves no trace on
   * Kafka and "never observed" says nothing about it.
   */
  observable: boolean;
  observations: number;
  lastSeen: string | null;
  exampleCorrelationId: string | null;
}

/** The interaction graph: services and the edges between them, with what differs pointed out. */
export interface InteractionGraph {
  services: string[];
  edges: GraphEdge[];
  differences: {
    /** Declared reactions that could leave a trace and never did. */
    declaredNotObserved: { event: string; consumer: string; handlers: string[] }[];
    /** Reactions that happened although no one declared them. */
    observedNotDeclared: {
      producer: string;
      event: string;
      consumer: string;
      observations: number;
      exampleCorrelationId: string | null;
    }[];
  };
}

const reactionKey = (event: string, consumer: string) => `${event}\u0000${consumer}`;

/**
 * Lays the observed edges beside the declared reactions. An edge is matched on what a service declares,
 * the reaction `(event, consumer)`: who produced the event is context (a reaction does not declare it),
 * taken from the services that declare emitting it and those seen emitting it.
 */
export function compareGraphs(
  observed: readonly ObservedEdge[],
  declared: readonly DeclaredReaction[],
): InteractionGraph {
  const handlers = new Map<string, DeclaredReaction[]>();
  for (const r of declared) {
    const key = reactionKey(r.consumes, r.service);
    handlers.set(key, [...(handlers.get(key) ?? []), r]);
  }
  const emitters = new Map<string, Set<string>>();
  const addEmitter = (event: string, service: string) =>
    emitters.set(event, (emitters.get(event) ?? new Set()).add(service));
  for (const r of declared) for (const e of r.emits ?? []) addEmitter(e, r.service);
  for (const e of observed) addEmitter(e.event, e.producer);

  const observable = (rs: readonly DeclaredReaction[]) => rs.some((r) => (r.emits?.length ?? 0) > 0);
  const edges: GraphEdge[] = [];
  const seenReactions = new Set<string>();
  for (const e of observed) {
    const key = reactionKey(e.event, e.consumer);
    seenReactions.add(key);
    const rs = handlers.get(key) ?? [];
    edges.push({
      producer: e.producer,
      event: e.event,
      consumer: e.consumer,
      status: rs.length > 0 ? 'declared-and-observed' : 'observed-only',
      handlers: rs.map((r) => r.handler),
      observable: true,
      observations: e.observations,
      lastSeen: e.lastSeen,
      exampleCorrelationId: e.exampleCorrelationId,
    });
  }
  const declaredNotObserved: InteractionGraph['differences']['declaredNotObserved'] = [];
  for (const [key, rs] of handlers) {
    if (seenReactions.has(key)) continue;
    const { consumes: event, service: consumer } = rs[0]!;
    const names = rs.map((r) => r.handler);
    if (observable(rs)) declaredNotObserved.push({ event, consumer, handlers: names });
    const producers = [...(emitters.get(event) ?? [])].sort();
    for (const producer of producers.length > 0 ? producers : [null]) {
      edges.push({
        producer,
        event,
        consumer,
        status: 'declared-only',
        handlers: names,
        observable: observable(rs),
        observations: 0,
        lastSeen: null,
        exampleCorrelationId: null,
      });
    }
  }
  edges.sort(
    (a, b) =>
      (a.producer ?? '').localeCompare(b.producer ?? '') ||
      a.event.localeCompare(b.event) ||
      a.consumer.localeCompare(b.consumer),
  );
  const services = new Set<string>();
  for (const e of edges) {
    if (e.producer !== null) services.add(e.producer);
    services.add(e.consumer);
  }
  return {
    services: [...services].sort(),
    edges,
    differences: {
      declaredNotObserved: declaredNotObserved.sort(
        (a, b) => a.consumer.localeCompare(b.consumer) || a.event.localeCompare(b.event),
      ),
      observedNotDeclared: edges
        .filter((e) => e.status === 'observed-only')
        .map((e) => ({
          producer: e.producer!,
          event: e.event,
          consumer: e.consumer,
          observations: e.observations,
          exampleCorrelationId: e.exampleCorrelationId,
        })),
    },
  };
}
