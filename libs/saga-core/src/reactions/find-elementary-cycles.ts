/**
 * The elementary cycles of a small directed graph (message types → the types they may cause), each
 * once, in the rotation that starts at its smallest node. A search from each node visits only larger
 * nodes, which is what makes each cycle appear once. Enumeration stops at `maxCycles` or after `maxSteps`
 * edge visits: a dense graph has exponentially many cycles, and the first few name the problem.
 *
 * @param graph node → the nodes it leads to.
 * @returns node lists without the first node repeated, shortest first, then by name; a self-loop is `[a]`.
 * @example
 * findElementaryCycles(new Map([['a', ['b']], ['b', ['a']]])) // [['a', 'b']]
 */
export function findElementaryCycles(
  graph: ReadonlyMap<string, readonly string[]>,
  { maxCycles = 20, maxSteps = 100_000 }: { maxCycles?: number; maxSteps?: number } = {},
): string[][] {
  const next = new Map<string, string[]>();
  for (const [from, targets] of graph) {
    next.set(from, [...new Set([...(next.get(from) ?? []), ...targets])].sort());
  }
  const cycles: string[][] = [];
  let steps = 0;
  for (const start of [...next.keys()].sort()) {
    const path = [start];
    const onPath = new Set(path);
    // depth-first without recursion: each frame is the index of the next target to try
    const cursor = [0];
    while (path.length > 0 && cycles.length < maxCycles && steps < maxSteps) {
      const top = path.length - 1;
      const targets = next.get(path[top]!) ?? [];
      if (cursor[top]! >= targets.length) {
        onPath.delete(path.pop()!);
        cursor.pop();
        continue;
      }
      const to = targets[cursor[top]!++]!;
      steps++;
      if (to === start) cycles.push([...path]);
      else if (to > start && !onPath.has(to)) {
        path.push(to);
        onPath.add(to);
        cursor.push(0);
      }
    }
  }
  return cycles.sort((a, b) => a.length - b.length || a.join('\u0000').localeCompare(b.join('\u0000')));
}
