/**
 * Elementary cycles of a directed graph, for naming loops such as "A's event triggers B, whose event
 * triggers A". Dependency-free on purpose: saga-core can copy or import it to warn at start-up with the
 * same answer the monitor shows.
 *
 * Cycles are found per strongly connected component (Tarjan), then enumerated from each component's
 * nodes in name order, each cycle visiting only nodes after its start, so every cycle is found once, in
 * its rotation that starts at its smallest node. Enumeration stops at `maxCycles`: a dense graph has
 * exponentially many, and the first few name the problem.
 *
 * @param graph node → the nodes it leads to (nodes only named as targets are fine).
 * @param maxCycles the most cycles returned (default 50).
 * @returns cycles as node lists without repeating the first node at the end, sorted by length then name;
 *   a self-loop is a one-node cycle.
 * @example
 * findCycles(new Map([['a', ['b']], ['b', ['a']]])) // [['a', 'b']]
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>, maxCycles = 50): string[][] {
  const adjacency = new Map<string, string[]>();
  for (const [from, targets] of graph) {
    const list = adjacency.get(from) ?? [];
    for (const to of targets) {
      if (!list.includes(to)) list.push(to);
      if (!adjacency.has(to)) adjacency.set(to, []);
    }
    adjacency.set(from, list);
  }
  for (const list of adjacency.values()) list.sort();
  const cycles: string[][] = [];
  for (const component of stronglyConnected(adjacency)) {
    const inside = new Set(component);
    const nodes = [...component].sort();
    for (const [i, start] of nodes.entries()) {
      if (cycles.length >= maxCycles) break;
      // only nodes after `start` may appear, so a cycle is reported from its smallest node only
      const allowed = new Set(nodes.slice(i + 1));
      // depth-first, iteratively: a long chain of reactions must not overflow the call stack
      const path = [start];
      const onPath = new Set(path);
      const next = [0];
      while (path.length > 0 && cycles.length < maxCycles) {
        const depth = path.length - 1;
        const targets = adjacency.get(path[depth]!) ?? [];
        if (next[depth]! >= targets.length) {
          onPath.delete(path.pop()!);
          next.pop();
          continue;
        }
        const to = targets[next[depth]!++]!;
        if (to === start) cycles.push([...path]);
        else if (inside.has(to) && allowed.has(to) && !onPath.has(to)) {
          path.push(to);
          onPath.add(to);
          next.push(0);
        }
      }
    }
  }
  return cycles.sort((a, b) => a.length - b.length || a.join('\u0000').localeCompare(b.join('\u0000')));
}

/** Tarjan's strongly connected components, iteratively (deep graphs must not overflow the stack). */
function stronglyConnected(adjacency: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  for (const root of [...adjacency.keys()].sort()) {
    if (index.has(root)) continue;
    const frames: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const targets = adjacency.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const to = targets[frame.next++]!;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          frames.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = (adjacency.get(frame.node) ?? []).includes(frame.node);
        if (component.length > 1 || selfLoop) out.push(component);
      }
    }
  }
  return out;
}
