import type { GraphEdge, ReactionCycle } from './api';

/** Half-width and half-height of a service's ellipse. */
export const nodeRx = 82;
export const nodeRy = 24;

/** A service placed on the drawing. `unknown` is the stand-in for producers no one declared or was seen as. */
export interface LaidNode {
  id: string;
  x: number;
  y: number;
  unknown: boolean;
}

/** An edge as an SVG path with its label's place. */
export interface LaidEdge {
  edge: GraphEdge;
  key: string;
  path: string;
  labelX: number;
  labelY: number;
  /** The edge is a hop of a declared reaction cycle. */
  onCycle: boolean;
}

/** Everything the graph page draws. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: LaidNode[];
  edges: LaidEdge[];
}

/** Id of the stand-in node for an unknown producer. */
export const unknownProducer = '(unknown producer)';

type Point = { x: number; y: number };
const add = (a: Point, b: Point, k = 1): Point => ({ x: a.x + b.x * k, y: a.y + b.y * k });
const unit = (a: Point, b: Point): Point => {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  return { x: dx / len, y: dy / len };
};
/** Distance from an ellipse's centre to its border in direction `u` (a unit vector). */
const toBorder = (u: Point) => 1 / Math.hypot(u.x / nodeRx, u.y / nodeRy);
const f = (n: number) => n.toFixed(1);
/** The point at `t` of a quadratic Bézier curve, as label coordinates. */
const pointOn = (s: Point, c: Point, e: Point, t: number) => ({
  labelX: (1 - t) ** 2 * s.x + 2 * t * (1 - t) * c.x + t ** 2 * e.x,
  labelY: (1 - t) ** 2 * s.y + 2 * t * (1 - t) * c.y + t ** 2 * e.y,
});

/**
 * Places services on a circle and routes edges between them: parallel edges of one pair bend apart
 * (each direction on its side), a service reacting to its own events gets stacked loops pointing away
 * from the centre. Pure, so it is unit-tested without a browser.
 */
export function layoutGraph(graph: {
  services: readonly string[];
  edges: readonly GraphEdge[];
  cycles: readonly ReactionCycle[];
}): GraphLayout {
  const ids = [...graph.services];
  if (graph.edges.some((e) => e.producer === null)) ids.push(unknownProducer);
  const radius = Math.max(170, ids.length * 62);
  const margin = 190;
  const centre = { x: radius + margin, y: radius + margin - 40 };
  const nodes: LaidNode[] = ids.map((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(ids.length, 1);
    return {
      id,
      x: ids.length === 1 ? centre.x : centre.x + radius * Math.cos(angle),
      y: ids.length === 1 ? centre.y : centre.y + radius * Math.sin(angle),
      unknown: id === unknownProducer,
    };
  });
  const at = new Map(nodes.map((n) => [n.id, n]));
  const cycleHops = graph.cycles.flatMap((c) => c.hops);
  const onCycle = (e: GraphEdge) =>
    cycleHops.some((h) => h.event === e.event && h.service.split(' / ').includes(e.consumer));

  const groups = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    const from = e.producer ?? unknownProducer;
    const pair = [from, e.consumer].sort().join('\u0000');
    groups.set(pair, [...(groups.get(pair) ?? []), e]);
  }
  const edges: LaidEdge[] = [];
  for (const group of groups.values()) {
    group.forEach((e, i) => {
      const from = at.get(e.producer ?? unknownProducer)!;
      const to = at.get(e.consumer)!;
      const key = `${from.id}→${e.event}→${to.id}`;
      if (from === to) {
        // a loop away from the centre, bigger for each further event of the same service
        const u = ids.length === 1 ? { x: 0, y: -1 } : unit(centre, from);
        const p = { x: -u.y, y: u.x };
        const r = toBorder(u);
        const reach = r + 70 + i * 38;
        const spread = 55 + i * 22;
        const start = add(add(from, u, r), p, 16);
        const end = add(add(from, u, r), p, -16);
        const c1 = add(add(from, u, reach), p, spread);
        const c2 = add(add(from, u, reach), p, -spread);
        const label = add(from, u, r + 58 + i * 29);
        edges.push({
          edge: e,
          key,
          path: `M${f(start.x)},${f(start.y)} C${f(c1.x)},${f(c1.y)} ${f(c2.x)},${f(c2.y)} ${f(end.x)},${f(end.y)}`,
          labelX: label.x,
          labelY: label.y,
          onCycle: onCycle(e),
        });
        return;
      }
      // bend relative to the pair's sorted direction, so A→B and B→A land on opposite sides
      const [a, b] = [from, to].sort((m, n) => (m.id < n.id ? -1 : 1)) as [LaidNode, LaidNode];
      const d = unit(a, b);
      const normal = { x: -d.y, y: d.x };
      const slot = i - (group.length - 1) / 2;
      const along = Math.min(0.8, Math.max(0.2, 0.5 + slot * 0.22));
      const offset = slot * 56;
      const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
      const control = add(mid, normal, offset * 2);
      const uFrom = unit(from, control);
      const uTo = unit(to, control);
      const start = add(from, uFrom, toBorder(uFrom));
      const end = add(to, uTo, toBorder(uTo) + 4);
      edges.push({
        edge: e,
        key,
        path: `M${f(start.x)},${f(start.y)} Q${f(control.x)},${f(control.y)} ${f(end.x)},${f(end.y)}`,
        // labels are wide: besides bending apart, slide them along their curves so they do not overlap
        // (measured from the pair's first node, so edges of opposite directions slide apart too)
        ...pointOn(start, control, end, from === a ? along : 1 - along),
        onCycle: onCycle(e),
      });
    });
  }
  return { width: 2 * (radius + margin), height: 2 * (radius + margin) - 40, nodes, edges };
}
