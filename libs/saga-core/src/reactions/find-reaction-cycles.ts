import { declaredFlowEdges } from './declared-flow-edges';
import { findElementaryCycles } from './find-elementary-cycles';
import type { PublishedDefinition } from './published-definition';

/** One hop of a cycle: `service` reacts to `consumes` (with `handlers`) and may emit `emits`. */
export interface ReactionCycleHop {
  consumes: string;
  /** The reacting service; several joined with ` / ` when more than one declares the same hop. */
  service: string;
  handlers: string[];
  emits: string;
}

/** A loop in the declared flows: following it, its first event is caused again. */
export interface ReactionCycle {
  hops: ReactionCycleHop[];
  /**
   * The chain in one line, each element naming the service that emits the message type:
   * `order-service: order.A → inventory-service: inventory.B → order-service: order.A`.
   */
  chain: string;
  /** The services on the loop, in order, each once (every one of them when a hop has several). */
  services: string[];
}

/** What {@link findReactionCycles} found in a set of definitions. */
export interface ReactionCycleAnalysis {
  cycles: ReactionCycle[];
  /** Handlers that do not declare what they emit: a loop through one of them cannot be seen. */
  undeclared: string[];
  /** Documents or entries that could not be read. */
  problems: string[];
}

/**
 * Finds the cycles in the combined graph of every service's reactions and command handlers and every
 * saga's starters (see {@link declaredFlowEdges} for what counts as an edge), and names each as a chain.
 * Pure: the caller reads `sagaflow.definitions` and adds its own service's definitions.
 * @param options.maxCycles the most cycles returned (default 20).
 * @example
 * findReactionCycles(definitions).cycles.map((c) => c.chain)
 * // ['order-service: order.A → inventory-service: inventory.B → order-service: order.A']
 */
export function findReactionCycles(
  definitions: readonly PublishedDefinition[],
  options: { maxCycles?: number } = {},
): ReactionCycleAnalysis {
  const { edges, undeclared, problems } = declaredFlowEdges(definitions);
  const graph = new Map<string, string[]>();
  const via = new Map<string, { services: Set<string>; handlers: Set<string> }>();
  for (const e of edges) {
    graph.set(e.consumes, [...(graph.get(e.consumes) ?? []), e.emits]);
    const key = `${e.consumes}\u0000${e.emits}`;
    const hop = via.get(key) ?? { services: new Set(), handlers: new Set() };
    hop.services.add(e.service);
    hop.handlers.add(e.handler);
    via.set(key, hop);
  }
  const cycles = findElementaryCycles(graph, { maxCycles: options.maxCycles ?? 20 }).map(
    (types): ReactionCycle => {
      const hops = types.map((consumes, i): ReactionCycleHop => {
        const emits = types[(i + 1) % types.length]!;
        const hop = via.get(`${consumes}\u0000${emits}`)!;
        return {
          consumes,
          service: [...hop.services].sort().join(' / '),
          handlers: [...hop.handlers].sort(),
          emits,
        };
      });
      const last = hops[hops.length - 1]!;
      const chain = [`${last.service}: ${last.emits}`, ...hops.map((h) => `${h.service}: ${h.emits}`)];
      const services = types.flatMap((t, i) => [
        ...via.get(`${t}\u0000${types[(i + 1) % types.length]!}`)!.services,
      ]);
      return { hops, chain: chain.join(' → '), services: [...new Set(services)] };
    },
  );
  return { cycles, undeclared: [...new Set(undeclared)].sort(), problems };
}
