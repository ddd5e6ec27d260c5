import { describe, expect, it } from 'vitest';
import { createFlowStore, emptyFlow } from '../store/flow-store.js';
import { createEdgeDeriver, createNodeDeriver } from './derive.js';

describe('React Flow nodes derived from the flow document', () => {
  it('keeps unchanged nodes identical (so they do not re-render) and marks entry, errors, selection, test call and diff', () => {
    const store = createFlowStore({ flowId: 'f', flow: emptyFlow('f', 'F'), revision: 1, diagnosticsDelayMs: 0 });
    const welcome = store.getState().addNode('play', { x: 0, y: 0 });
    const goodbye = store.getState().addNode('hangup', { x: 0, y: 200 });
    const derive = createNodeDeriver();
    const sizes = new Map([[welcome, { width: 220, height: 90 }]]);
    const first = derive(store.getState(), sizes);
    expect(first.map((n) => [n.id, n.data.isEntry, n.measured])).toEqual([
      [welcome, true, { width: 220, height: 90 }],
      [goodbye, false, undefined],
    ]);
    // The new play prompt has no words and leads nowhere: the engine's errors are counted on it.
    expect(first[0]!.data.errors).toBe(store.getState().diagnostics.filter((d) => d.nodeId === welcome).length);
    expect(first[0]!.data.errors).toBeGreaterThan(0);

    store.getState().moveNodes({ [goodbye]: { x: 50, y: 250 } }, false);
    store.getState().setActiveNode(goodbye);
    store.getState().setDiff({ [goodbye]: 'changed' });
    const second = derive(store.getState(), sizes);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]!.position).toEqual({ x: 50, y: 250 });
    expect(second[1]!.data).toMatchObject({ active: true, visited: true, diff: 'changed' });
    expect(second[1]!.selected).toBe(true);
  });

  it('draws one edge per wired outcome from its handle, dimming edges the flow tests did not traverse', () => {
    const store = createFlowStore({ flowId: 'f', flow: emptyFlow('f', 'F'), revision: 1, diagnosticsDelayMs: 0 });
    const welcome = store.getState().addNode('play');
    const goodbye = store.getState().addNode('hangup');
    store.getState().connect(welcome, 'done', goodbye);
    const derive = createEdgeDeriver();
    const [edge] = derive(store.getState());
    expect(edge).toMatchObject({ source: welcome, sourceHandle: 'done', target: goodbye, className: undefined });
    store.getState().setCoverage([]);
    expect(derive(store.getState())[0]!.className).toBe('edge-untested');
    store.getState().setCoverage([edge!.id]);
    expect(derive(store.getState())[0]!.className).toBe('edge-tested');
  });
});
