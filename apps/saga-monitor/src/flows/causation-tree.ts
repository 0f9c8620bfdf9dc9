import type { FlowMessage } from './flow-message';

/** One message in a flow's causation tree. */
export interface CausationNode {
  messageId: string | null;
  messageType: string | null;
  topic: string;
  partition: number;
  offset: string;
  source: string | null;
  sagaType: string | null;
  /** ISO-8601. */
  at: string;
  causationId: string | null;
  /** Milliseconds since the message that caused it; null at a root. Negative means the clocks disagree. */
  gapMs: number | null;
  /** It names a cause that is not in the flow (not projected yet, deleted by retention, or foreign). */
  orphan: boolean;
  /** A copy of it reached a dead-letter topic. */
  deadLettered: boolean;
  /** More records with the same message id (re-published); the first is the node. */
  duplicates: number;
  children: CausationNode[];
}

/** A flow's messages as the tree of what caused what. */
export interface CausationTree {
  /** Messages with no cause, then orphans (their cause is unknown), in time order. */
  roots: CausationNode[];
  /** Nodes in the tree (distinct message ids). */
  nodeCount: number;
  /** Longest chain of hops from a root. */
  depth: number;
  orphans: number;
}

/**
 * Builds the causation tree of one flow: a node per message id (re-published copies fold into it, dead
 * letter copies mark it), under the message its `causation-id` names. A message whose cause is not among
 * the flow's messages is shown at the root, flagged as an orphan, so nothing disappears; a causation loop
 * (corrupt headers) is broken the same way. Children are in time order.
 * @param messages one correlation id's records, any order.
 */
export function buildCausationTree(messages: readonly FlowMessage[]): CausationTree {
  const ordered = [...messages].sort(byTime);
  const nodes = new Map<string, CausationNode>();
  const all: CausationNode[] = [];
  const letters: FlowMessage[] = [];
  for (const m of ordered) {
    if (m.deadLetter) {
      letters.push(m);
      continue;
    }
    const same = m.messageId === null ? undefined : nodes.get(m.messageId);
    if (same) {
      same.duplicates++;
      continue;
    }
    const node = toNode(m, false);
    all.push(node);
    if (m.messageId !== null) nodes.set(m.messageId, node);
  }
  for (const m of letters) {
    const original = m.messageId === null ? undefined : nodes.get(m.messageId);
    if (original) original.deadLettered = true;
    else {
      // the original was never projected (e.g. it is older than retention): show the copy itself
      const node = toNode(m, true);
      all.push(node);
      if (m.messageId !== null) nodes.set(m.messageId, node);
    }
  }
  all.sort(byTime);

  const parentOf = new Map<CausationNode, CausationNode>();
  for (const node of all) {
    const parent = node.causationId === null ? undefined : nodes.get(node.causationId);
    if (parent && parent !== node) parentOf.set(node, parent);
    else if (node.causationId !== null) node.orphan = true;
  }
  // a loop of causation ids has no root; cut it at its earliest message
  for (const node of all) {
    const seen = new Set<CausationNode>([node]);
    let up = parentOf.get(node);
    while (up && !seen.has(up)) {
      seen.add(up);
      up = parentOf.get(up);
    }
    if (up) {
      const loop = [up];
      for (let n = parentOf.get(up)!; n !== up; n = parentOf.get(n)!) loop.push(n);
      const earliest = loop.sort(byTime)[0]!;
      parentOf.delete(earliest);
      earliest.orphan = true;
    }
  }
  const roots: CausationNode[] = [];
  for (const node of all) {
    const parent = parentOf.get(node);
    if (!parent) roots.push(node);
    else {
      parent.children.push(node);
      node.gapMs = Date.parse(node.at) - Date.parse(parent.at);
    }
  }
  // plain roots first, then orphans, each in time order
  roots.sort((a, b) => Number(a.orphan) - Number(b.orphan) || byTime(a, b));
  return {
    roots,
    nodeCount: all.length,
    depth: Math.max(0, ...roots.map(depthOf)),
    orphans: all.filter((n) => n.orphan).length,
  };
}

function toNode(m: FlowMessage, deadLettered: boolean): CausationNode {
  return {
    messageId: m.messageId,
    messageType: m.messageType,
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    source: m.source,
    sagaType: m.sagaType,
    at: m.at,
    causationId: m.causationId,
    gapMs: null,
    orphan: false,
    deadLettered,
    duplicates: 0,
    children: [],
  };
}

function depthOf(root: CausationNode): number {
  let depth = 0;
  const stack: [CausationNode, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    depth = Math.max(depth, d);
    for (const child of node.children) stack.push([child, d + 1]);
  }
  return depth;
}

function byTime(a: { at: string; topic: string; partition: number; offset: string }, b: typeof a): number {
  return (
    Date.parse(a.at) - Date.parse(b.at) ||
    a.topic.localeCompare(b.topic) ||
    a.partition - b.partition ||
    Number(BigInt(a.offset) - BigInt(b.offset))
  );
}
