import type { Pool } from 'pg';
import type { DeclaredReactions } from '../flows/declared-reactions';
import { compareGraphs, type InteractionGraph, type ObservedEdge } from '../flows/interaction-graph';
import { reactionCycles, type ReactionCycle } from '../flows/reaction-cycles';
import { emittingServices } from './emitting-services';

/** `GET /api/graph`. */
export interface GraphResponse extends InteractionGraph {
  /** Loops in the declared reactions, each named as a chain. */
  cycles: ReactionCycle[];
  /** Definition documents or entries that could not be read, naming their key. */
  definitionProblems: string[];
}

/** The observed interaction graph (projected) beside the declared one, their differences, and declared cycles. */
export async function getGraph(pool: Pool, declared: DeclaredReactions): Promise<GraphResponse> {
  const rows = await pool.query<{
    producer: string;
    event_type: string;
    consumer: string;
    observations: string;
    first_seen: Date;
    last_seen: Date;
    last_correlation_id: string | null;
  }>(/* sql */ `select * from monitor.interaction order by producer, event_type, consumer`);
  const observed: ObservedEdge[] = rows.rows.map((r) => ({
    producer: r.producer,
    event: r.event_type,
    consumer: r.consumer,
    observations: Number(r.observations),
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
    exampleCorrelationId: r.last_correlation_id,
  }));
  const graph = compareGraphs(observed, declared.reactions);
  // an event no one declares emitting and no reaction was seen to: draw it from who sent it (the source header)
  const unknown = graph.edges.filter((e) => e.producer === null).map((e) => e.event);
  const senders = unknown.length > 0 ? await emittingServices(pool, unknown) : new Map<string, string[]>();
  const edges = graph.edges.flatMap((e) =>
    e.producer !== null || !senders.has(e.event)
      ? [e]
      : senders.get(e.event)!.map((producer) => ({ ...e, producer })),
  );
  const services = [
    ...new Set([...graph.services, ...edges.flatMap((e) => (e.producer ? [e.producer] : []))]),
  ].sort();
  return {
    ...graph,
    services,
    edges,
    cycles: reactionCycles(declared.reactions),
    definitionProblems: declared.problems,
  };
}
