import { describe, expect, it } from 'vitest';
import { flowSchema, type Flow } from '../../../engine/src/core/flow/schema.js';
import { describeDiff } from './describe-diff.js';

const v1: Flow = flowSchema.parse({
  schemaVersion: 1,
  id: 'bins',
  name: 'Bins line',
  entry: 'menu',
  nodes: [
    { id: 'menu', kind: 'menu', version: 1, name: 'Main menu', params: { prompt: { text: { 'en-GB': 'For collections press 1.' } }, options: [{ digit: '1', label: 'Collections' }], timeoutMs: 5000 } },
    { id: 'team', kind: 'transfer', version: 1, name: 'Collections team', params: { destination: 'sip:bins@pbx.example.gov.uk' } },
    { id: 'old', kind: 'hangup', version: 1, name: 'Old goodbye', params: {} },
  ],
  edges: [{ id: 'e1', from: 'menu', outcome: '1', to: 'team' }, { id: 'e2', from: 'menu', outcome: 'noInput', to: 'old' }],
});

describe('a version diff told in words', () => {
  it('shows each changed setting by its label with the old and new values, and steps and connections by name', () => {
    const v2 = structuredClone(v1);
    v2.nodes[0] = { ...v2.nodes[0]!, version: 2, params: { prompt: { text: { 'en-GB': 'For bin collections press 1.' } }, options: [{ digit: '1', label: 'Collections' }], timeoutSeconds: 8 } };
    v2.nodes[1]!.ui = { x: 300, y: 0 };
    v2.nodes = v2.nodes.filter((n) => n.id !== 'old');
    v2.nodes.push({ id: 'bye', kind: 'hangup', version: 1, name: 'Goodbye', params: {}, ui: { x: 0, y: 400 } });
    v2.edges = [{ id: 'e1', from: 'menu', outcome: '1', to: 'team' }, { id: 'e3', from: 'menu', outcome: 'noInput', to: 'bye' }];
    const story = describeDiff(v1, v2);
    expect(story.nodes).toEqual([
      {
        nodeId: 'menu',
        name: 'Main menu',
        kind: 'Menu',
        status: 'changed',
        movedOnly: false,
        rows: [
          { label: 'Prompt › English', before: 'For collections press 1.', after: 'For bin collections press 1.' },
          { label: 'Wait for a key (seconds)', before: '5', after: '8' },
        ],
      },
      { nodeId: 'team', name: 'Collections team', kind: 'Transfer', status: 'changed', movedOnly: true, rows: [] },
      { nodeId: 'bye', name: 'Goodbye', kind: 'End call', status: 'added', rows: [] },
      { nodeId: 'old', name: 'Old goodbye', kind: 'End call', status: 'removed', rows: [] },
    ]);
    expect(story.connections).toEqual(['Added Main menu: “No input” → Goodbye', 'Removed Main menu: “No input” → Old goodbye']);
  });
});
