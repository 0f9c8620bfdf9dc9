import type { GraphEdge, ReactionCycle } from './api';
import { labelHeight, labelWidth, placeLabels } from './place-labels';

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
  /** The label's text, and the width it is given (so nothing else is drawn under it). */
  label: string;
  labelWidth: number;
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

/** An edge before it is placed in the frame: its curve's points (start, controls, end). */
interface RawEdge {
  edge: GraphEdge;
  key: string;
  curve: 'Q' | 'C';
  points: Point[];
  label: Point;
  onCycle: boolean;
}
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
  // the frame is fitted to what is drawn afterwards (frame()), so the centre's place is arbitrary
  const centre = { x: 0, y: 0 };
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
  const raw: RawEdge[] = [];
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
        // labels stack beyond the outermost loop of this service (a cubic's apex: ¼ of the ends, ¾ of the
        // controls), so no loop crosses a label
        const outer = r + 70 + (group.length - 1) * 38;
        const label = add(from, u, 0.25 * r + 0.75 * outer + labelHeight * (i + 1.2));
        raw.push({ edge: e, key, curve: 'C', points: [start, c1, c2, end], label, onCycle: onCycle(e) });
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
      const spot = pointOn(start, control, end, from === a ? along : 1 - along);
      raw.push({
        edge: e,
        key,
        curve: 'Q',
        points: [start, control, end],
        // labels are wide: besides bending apart, slide them along their curves (measured from the pair's
        // first node, so edges of opposite directions slide apart too); placeLabels then settles overlaps
        label: { x: spot.labelX, y: spot.labelY },
        onCycle: onCycle(e),
      });
    });
  }
  return frame(nodes, raw);
}

/**
 * Settles label overlaps, then fits the frame to everything drawn (nodes, curves by their control points,
 * which bound them, and labels), so no loop or label is cut off at the edge.
 */
function frame(nodes: LaidNode[], raw: RawEdge[]): GraphLayout {
  const text = (e: GraphEdge) => `${e.event}${e.observations > 0 ? ` ×${e.observations}` : ''}`;
  const boxes = raw.map((r) => ({
    x: r.label.x,
    y: r.label.y,
    width: labelWidth(text(r.edge)),
    height: labelHeight,
  }));
  const obstacles = nodes.map((n) => ({ x: n.x, y: n.y, width: 2 * nodeRx, height: 2 * nodeRy }));
  const placed = placeLabels(boxes, obstacles);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const n of nodes) {
    xs.push(n.x - nodeRx, n.x + nodeRx);
    ys.push(n.y - nodeRy, n.y + nodeRy);
  }
  raw.forEach((r, i) => {
    for (const p of r.points) {
      xs.push(p.x);
      ys.push(p.y);
    }
    const b = boxes[i]!;
    const p = placed[i]!;
    xs.push(p.x - b.width / 2, p.x + b.width / 2);
    ys.push(p.y - b.height, p.y + b.height / 2);
  });
  const pad = 16;
  const dx = pad - Math.min(...xs);
  const dy = pad - Math.min(...ys);
  const shift = (p: Point): Point => ({ x: p.x + dx, y: p.y + dy });
  const str = (p: Point) => `${f(p.x + dx)},${f(p.y + dy)}`;
  return {
    width: Math.max(...xs) + dx + pad,
    height: Math.max(...ys) + dy + pad,
    nodes: nodes.map((n) => ({ ...n, ...shift(n) })),
    edges: raw.map((r, i) => {
      const [s0, ...rest] = r.points;
      const label = shift(placed[i]!);
      return {
        edge: r.edge,
        key: r.key,
        path: `M${str(s0!)} ${r.curve}${rest.map(str).join(' ')}`,
        labelX: label.x,
        // text is drawn from its baseline: a third of the box below the centre reads as centred
        labelY: label.y + labelHeight / 3,
        label: text(r.edge),
        labelWidth: boxes[i]!.width,
        onCycle: r.onCycle,
      };
    }),
  };
}
