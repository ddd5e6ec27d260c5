import { describe, expect, it } from 'vitest';
import { flowSchema, type Flow } from './schema.js';
import { changedFields, diffFlows } from './diff.js';

const base: Flow = flowSchema.parse({
  schemaVersion: 1,
  id: 'main',
  name: 'Main line',
  entry: 'welcome',
  nodes: [
    { id: 'welcome', kind: 'play', version: 1, params: { prompt: { text: { 'en-GB': 'Welcome' } } } },
    { id: 'bye', kind: 'hangup', version: 1, params: {} },
  ],
  edges: [{ id: 'e1', from: 'welcome', outcome: 'done', to: 'bye' }],
});

describe('diffFlows', () => {
  it('finds added, removed and changed nodes and edges by id, naming the changed fields', () => {
    const next = structuredClone(base);
    next.name = 'Main line (winter)';
    next.nodes[0]!.params = { prompt: { text: { 'en-GB': 'Hello' } } };
    next.nodes[0]!.ui = { x: 10, y: 0 };
    next.nodes = next.nodes.filter((n) => n.id !== 'bye');
    next.nodes.push({ id: 'goodbye', kind: 'hangup', version: 1, params: {}, ui: { x: 0, y: 0 } });
    next.edges = [{ id: 'e1', from: 'welcome', outcome: 'done', to: 'goodbye' }];
    expect(diffFlows(base, next)).toEqual({
      flow: { fields: ['name'], changes: [{ field: 'name', before: 'Main line', after: 'Main line (winter)' }] },
      nodes: {
        added: ['goodbye'],
        removed: ['bye'],
        changed: [
          {
            nodeId: 'welcome',
            fields: ['params.prompt.text.en-GB', 'ui.x'],
            changes: [
              { field: 'params.prompt.text.en-GB', before: 'Welcome', after: 'Hello' },
              { field: 'ui.x', before: 0, after: 10 },
            ],
          },
        ],
      },
      edges: { added: [], removed: [], changed: [{ edgeId: 'e1', fields: ['to'], changes: [{ field: 'to', before: 'bye', after: 'goodbye' }] }] },
    });
  });

  it('is empty for identical flows', () => {
    const same = diffFlows(base, structuredClone(base));
    expect(same.nodes).toEqual({ added: [], removed: [], changed: [] });
    expect(same.edges).toEqual({ added: [], removed: [], changed: [] });
    expect(same.flow.fields).toEqual([]);
  });

  it('names array elements by index and type changes by their path', () => {
    expect(changedFields({ options: [{ digit: '1' }, { digit: '2' }] }, { options: [{ digit: '1' }, { digit: '3' }] })).toEqual([
      'options.1.digit',
    ]);
    expect(changedFields({ a: [1] }, { a: { 0: 1 } })).toEqual(['a']);
    expect(changedFields({ a: 1 }, {})).toEqual(['a']);
  });
});
