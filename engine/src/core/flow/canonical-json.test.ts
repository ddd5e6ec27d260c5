import { describe, expect, it } from 'vitest';
import { canonicalFlowJson } from './canonical-json.js';

describe('canonicalFlowJson', () => {
  it('writes flow, node and edge keys in schema order and other keys sorted, whatever order they came in', () => {
    const shuffled = {
      edges: [{ to: 'b', outcome: 'done', from: 'a', id: 'e1' }],
      nodes: [{ ui: { y: 2, x: 1 }, params: { zeta: 1, alpha: { b: 1, a: 2 } }, version: 1, kind: 'play', id: 'a' }],
      entry: 'a',
      name: 'Main',
      id: 'main',
      schemaVersion: 1,
    };
    expect(canonicalFlowJson(shuffled)).toBe(
      `${JSON.stringify(
        {
          schemaVersion: 1,
          id: 'main',
          name: 'Main',
          entry: 'a',
          nodes: [{ id: 'a', kind: 'play', version: 1, params: { alpha: { a: 2, b: 1 }, zeta: 1 }, ui: { x: 1, y: 2 } }],
          edges: [{ id: 'e1', from: 'a', outcome: 'done', to: 'b' }],
        },
        null,
        2,
      )}\n`,
    );
  });

  it('gives the same text for the same flow written in any key order', () => {
    const a = { id: 'f', schemaVersion: 1, nodes: [], edges: [], name: 'x', entry: 'n', custom: { b: 1, a: 1 } };
    const b = { custom: { a: 1, b: 1 }, entry: 'n', name: 'x', edges: [], nodes: [], schemaVersion: 1, id: 'f' };
    expect(canonicalFlowJson(a)).toBe(canonicalFlowJson(b));
    expect(canonicalFlowJson(a).endsWith('"custom": {\n    "a": 1,\n    "b": 1\n  }\n}\n')).toBe(true);
  });
});
