import type { DeclaredReaction } from './declared-reactions';
import { findElementaryCycles } from '@sagaflow/saga-core/graph';

/** One hop of a cycle: `service` reacts to `event` (with `handlers`) and may emit `emits`. */
export interface CycleHop {
  event: string;
  service: string;
  handlers: string[];
  emits: string;
}

/** A loop in the declared reactions: following it, the first event is emitted again. */
export interface ReactionCycle {
  hops: CycleHop[];
  /** The chain in one line, e.g. `a.X → b-service (H.on) → b.Y → a-service (G.on) → a.X`. */
  chain: string;
  /** Services on the loop, in order. */
  services: string[];
}

/**
 * Cycles in the combined declared graph of every service's reactions: event type X leads to Y when a
 * reaction consuming X declares it may emit Y. A saga counts only through what starts it (X → each command
 * it may send): its other handlers continue an instance that sends each step once, so a loop through them
 * is its own request/reply, not a cycle. The same rule as saga-core's start-up check.
 */
export function reactionCycles(reactions: readonly DeclaredReaction[], maxCycles = 20): ReactionCycle[] {
  const graph = new Map<string, string[]>();
  const via = new Map<string, DeclaredReaction[]>();
  for (const r of reactions) {
    if ((r.from === 'saga' && !r.starter) || r.emits === null) continue;
    for (const e of r.emits) {
      graph.set(r.consumes, [...(graph.get(r.consumes) ?? []), e]);
      const key = `${r.consumes}\u0000${e}`;
      via.set(key, [...(via.get(key) ?? []), r]);
    }
  }
  return findElementaryCycles(graph, { maxCycles }).map((types) => {
    const hops = types.map((event, i): CycleHop => {
      const emits = types[(i + 1) % types.length]!;
      const rs = via.get(`${event}\u0000${emits}`)!;
      return {
        event,
        service: [...new Set(rs.map((r) => r.service))].join(' / '),
        handlers: rs.map((r) => r.handler),
        emits,
      };
    });
    return {
      hops,
      chain: [...hops.map((h) => `${h.event} → ${h.service} (${h.handlers.join(', ')})`), types[0]].join(
        ' → ',
      ),
      services: hops.map((h) => h.service),
    };
  });
}
