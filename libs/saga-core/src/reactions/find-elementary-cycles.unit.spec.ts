import { describe, expect, it } from 'vitest';
import { findElementaryCycles as findCycles } from './find-elementary-cycles';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('findElementaryCycles', () => {
  it('finds none in a DAG', () => {
    expect(findCycles(graph({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });

  it('names a two-step loop once, from its smallest node', () => {
    expect(findCycles(graph({ b: ['a'], a: ['b'] }))).toEqual([['a', 'b']]);
  });

  it('reports a self-loop as a one-node cycle', () => {
    expect(findCycles(graph({ a: ['a', 'b'], b: [] }))).toEqual([['a']]);
  });

  it('lists every elementary cycle of a component, shortest first', () => {
    // a → b → c → a and a → c → a share the edge c → a
    expect(findCycles(graph({ a: ['b', 'c'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([
      ['a', 'c'],
      ['a', 'b', 'c'],
    ]);
  });

  it('keeps separate components apart and ignores edges between them', () => {
    expect(findCycles(graph({ a: ['b'], b: ['a', 'x'], x: ['y'], y: ['x'] }))).toEqual([
      ['a', 'b'],
      ['x', 'y'],
    ]);
  });

  it('stops at maxCycles on a dense graph', () => {
    const nodes = 'abcdefgh'.split('');
    const complete = new Map(nodes.map((n) => [n, nodes.filter((m) => m !== n)]));
    expect(findCycles(complete, { maxCycles: 7 })).toHaveLength(7);
  });

  it('does not overflow the stack on a long chain', () => {
    const n = 20_000;
    const chain = new Map(Array.from({ length: n }, (_, i) => [`n${i}`, [`n${(i + 1) % n}`]]));
    expect(findCycles(chain, { maxCycles: 1 })).toHaveLength(1);
  });
});
