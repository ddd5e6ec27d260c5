import { describe, expect, it } from 'vitest';
import { reachableFrom, stronglyConnected } from './graph.js';

const graph: Record<string, string[]> = { a: ['b'], b: ['c', 'd'], c: ['a'], d: ['d'], e: ['a'] };
const next = (id: string) => graph[id] ?? [];

describe('graph helpers', () => {
  it('finds strongly connected components, self-loops included', () => {
    expect(stronglyConnected(Object.keys(graph), next).map((c) => [...c].sort())).toEqual([['d'], ['a', 'b', 'c'], ['e']]);
  });

  it('finds what is reachable from a start', () => {
    expect([...reachableFrom(['b'], next)].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('copes with long chains without deep recursion', () => {
    const n = 50_000;
    const chain = (id: string) => (Number(id) < n ? [String(Number(id) + 1)] : ['0']);
    const ids = Array.from({ length: n + 1 }, (_, i) => String(i));
    expect(stronglyConnected(ids, chain)).toHaveLength(1);
    expect(reachableFrom(['0'], chain).size).toBe(n + 1);
  });
});
