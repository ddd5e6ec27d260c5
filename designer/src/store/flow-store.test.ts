import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Flow } from '../../../engine/src/core/flow/schema.js';
import { createFlowStore, emptyFlow, nodeOutcomes, publishBlocker, type DraftSaver, type FlowStore } from './flow-store.js';

let stores: FlowStore[] = [];
function open(flow: Flow = emptyFlow('council-main', 'Council main line'), saver?: DraftSaver, autosaveDelayMs?: number) {
  const store = createFlowStore({ flowId: flow.id, flow, revision: 1, saver, diagnosticsDelayMs: 0, autosaveDelayMs });
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const s of stores) s.getState().dispose();
  stores = [];
  vi.useRealTimers();
});

/** A welcome prompt wired to a goodbye. */
function welcomeThenGoodbye(store: FlowStore) {
  const s = store.getState();
  const welcome = s.addNode('play', { x: 0, y: 0 });
  const goodbye = s.addNode('hangup', { x: 0, y: 200 });
  store.getState().connect(welcome, 'done', goodbye);
  return { welcome, goodbye };
}

describe('flow store', () => {
  it('adds a node from the catalogue with default params; the first node becomes the entry', () => {
    const store = open();
    const id = store.getState().addNode('play', { x: 10.4, y: 20.6 });
    const { flow, selection, dirty } = store.getState();
    expect(flow.nodes).toEqual([
      { id, kind: 'play', version: 1, name: 'Play prompt', params: { prompt: { text: {} }, bargeIn: false }, ui: { x: 10, y: 21 } },
    ]);
    expect(flow.entry).toBe(id);
    expect(selection.nodes).toEqual([id]);
    expect(dirty).toBe(true);
    const second = store.getState().addNode('play');
    expect(second).not.toBe(id);
    expect(store.getState().flow.entry).toBe(id);
    expect(() => store.getState().addNode('teleport')).toThrow('There is no node kind "teleport" in the catalogue');
  });

  it('starts a new flow and a new menu without a raw schema error: plain words, exits to connect, a distinct name', () => {
    const store = open();
    expect(store.getState().diagnostics.map((d) => d.message)).toEqual(['This flow is empty: drag a first step onto the canvas (calls start at the first one)']);
    const menu = store.getState().addNode('menu', { x: 0, y: 0 });
    const node = store.getState().flow.nodes.find((n) => n.id === menu)!;
    expect(node).toMatchObject({ version: 2, name: 'Menu', params: { options: [{ digit: '1', label: 'Option 1' }] } });
    expect(nodeOutcomes(node).map((o) => o.label)).toEqual(['1: Option 1', 'No input', 'No match']);
    const messages = store.getState().diagnostics.map((d) => d.message).join('\n');
    expect(messages).not.toMatch(/expected|received|undefined|menu-1/);
    expect(messages).toContain('"Menu" › Prompt has no English text');
    // A second menu gets a name of its own, and is not dropped on top of the first.
    const second = store.getState().addNode('menu', { x: 0, y: 0 });
    const again = store.getState().flow.nodes.find((n) => n.id === second)!;
    expect(again.name).toBe('Menu 2');
    expect(Math.abs(again.ui.x) >= 220 || Math.abs(again.ui.y) >= 100).toBe(true);
  });

  it('opens earlier node versions as the current ones (waits in seconds), without marking the draft changed', () => {
    const flow: Flow = {
      ...emptyFlow('old', 'Old'),
      entry: 'm',
      nodes: [{ id: 'm', kind: 'menu', version: 1, params: { prompt: { text: { 'en-GB': 'Press 1' } }, options: [{ digit: '1', label: 'One' }], timeoutMs: 8000 }, ui: { x: 0, y: 0 } }],
    };
    const store = open(flow);
    expect(store.getState().flow.nodes[0]).toMatchObject({ version: 2, params: { timeoutSeconds: 8 } });
    expect(store.getState().dirty).toBe(false);
  });

  it('keeps a connection when its exit is renamed (a menu key changed) and drops it when the option is removed', () => {
    const store = open();
    const menu = store.getState().addNode('menu', { x: 0, y: 0 });
    const bye = store.getState().addNode('hangup', { x: 0, y: 300 });
    const params = () => store.getState().flow.nodes.find((n) => n.id === menu)!.params;
    store.getState().updateParams(menu, { ...params(), options: [{ digit: '1', label: 'Bins' }, { digit: '2', label: 'Tax' }] });
    store.getState().connect(menu, '1', bye);
    store.getState().connect(menu, '2', bye);
    store.getState().updateParams(menu, { ...params(), options: [{ digit: '3', label: 'Bins' }, { digit: '2', label: 'Tax' }] });
    expect(store.getState().flow.edges.map((e) => e.outcome).sort()).toEqual(['2', '3']);
    store.getState().updateParams(menu, { ...params(), options: [{ digit: '2', label: 'Tax' }] });
    expect(store.getState().flow.edges.map((e) => e.outcome)).toEqual(['2']);
  });

  it('wires one edge per outcome: connecting an outcome again moves its edge', () => {
    const store = open();
    const { welcome, goodbye } = welcomeThenGoodbye(store);
    const other = store.getState().addNode('hangup');
    expect(store.getState().flow.edges).toEqual([{ id: expect.any(String), from: welcome, outcome: 'done', to: goodbye }]);
    store.getState().connect(welcome, 'done', other);
    expect(store.getState().flow.edges.map((e) => [e.from, e.outcome, e.to])).toEqual([[welcome, 'done', other]]);
    store.getState().connect(welcome, 'done', 'no-such-node');
    expect(store.getState().flow.edges).toHaveLength(1);
  });

  it('undoes and redoes changes, and a whole drag is one undo step', () => {
    const store = open();
    const { welcome } = welcomeThenGoodbye(store);
    const wired = store.getState().flow;
    for (const x of [5, 10, 15, 20]) store.getState().moveNodes({ [welcome]: { x, y: 0 } }, true);
    store.getState().moveNodes({ [welcome]: { x: 25, y: 0 } }, false);
    expect(store.getState().flow.nodes[0]!.ui).toEqual({ x: 25, y: 0 });
    store.getState().undo();
    expect(store.getState().flow).toBe(wired);
    store.getState().undo();
    expect(store.getState().flow.edges).toEqual([]);
    store.getState().redo();
    store.getState().redo();
    expect(store.getState().flow.nodes[0]!.ui).toEqual({ x: 25, y: 0 });
    store.getState().redo();
    expect(store.getState().flow.nodes[0]!.ui).toEqual({ x: 25, y: 0 });
    // A new change after an undo drops the redo branch.
    store.getState().undo();
    store.getState().renameNode(welcome, 'Welcome');
    expect(store.getState().future).toEqual([]);
  });

  it('pastes copies with new ids and edges remapped to the copies only', () => {
    const store = open();
    const { welcome, goodbye } = welcomeThenGoodbye(store);
    const outside = store.getState().addNode('hangup');
    store.getState().connect(outside, 'done', welcome); // hangup has no outcomes, but the store does not judge
    store.getState().select([welcome, goodbye]);
    store.getState().copySelection();
    const pasted = store.getState().paste({ x: 100, y: 0 });
    const { flow, selection } = store.getState();
    expect(pasted).toHaveLength(2);
    expect(new Set(flow.nodes.map((n) => n.id)).size).toBe(5);
    expect(pasted).not.toContain(welcome);
    expect(selection.nodes).toEqual(pasted);
    const [welcomeCopy, goodbyeCopy] = pasted;
    expect(flow.nodes.find((n) => n.id === welcomeCopy)!.ui).toEqual({ x: 100, y: 0 });
    const copiedEdges = flow.edges.filter((e) => pasted.includes(e.from) || pasted.includes(e.to));
    expect(copiedEdges.map((e) => [e.from, e.outcome, e.to])).toEqual([[welcomeCopy, 'done', goodbyeCopy]]);
    expect(new Set(flow.edges.map((e) => e.id)).size).toBe(flow.edges.length);
    // Undoing a paste drops the copies from the selection too.
    store.getState().undo();
    expect(store.getState().selection.nodes).toEqual([]);
    store.getState().redo();
    // Pasting again lands further along, not on top.
    const again = store.getState().paste({ x: 100, y: 0 });
    expect(store.getState().flow.nodes.find((n) => n.id === again[0])!.ui).toEqual({ x: 200, y: 0 });
  });

  it('says what a delete breaks before doing it, then removes the nodes and their edges', () => {
    const store = open();
    const { welcome, goodbye } = welcomeThenGoodbye(store);
    store.getState().select([goodbye]);
    const summary = store.getState().deleteSummary();
    expect(summary).toEqual({
      nodes: [goodbye],
      edges: [expect.objectContaining({ from: welcome, outcome: 'done', to: goodbye })],
      unwired: [{ nodeId: welcome, outcome: 'done' }],
      removesEntry: false,
    });
    expect(store.getState().flow.nodes).toHaveLength(2);
    store.getState().deleteSelection();
    expect(store.getState().flow.nodes.map((n) => n.id)).toEqual([welcome]);
    expect(store.getState().flow.edges).toEqual([]);
    // Deleting the entry moves it to a node that remains.
    const spare = store.getState().addNode('hangup');
    store.getState().select([welcome]);
    expect(store.getState().deleteSummary().removesEntry).toBe(true);
    store.getState().deleteSelection();
    expect(store.getState().flow.entry).toBe(spare);
  });

  it("runs the engine's diagnostics on every change, with the node and field", () => {
    const store = open();
    const welcome = store.getState().addNode('play');
    const params = store.getState().flow.nodes[0]!.params;
    store.getState().updateParams(welcome, { ...params, bargeIn: 'yes please' }, 'bargeIn');
    const bad = store.getState().diagnostics.filter((d) => d.nodeId === welcome && d.field === 'bargeIn');
    expect(bad).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(publishBlocker(store.getState())).toMatch(/^Fix \d+ errors? before publishing$/);
    store.getState().updateParams(welcome, { ...params, bargeIn: true }, 'bargeIn');
    expect(store.getState().diagnostics.filter((d) => d.field === 'bargeIn')).toEqual([]);
  });

  it('saves the draft with its revision, and a stale revision (409) becomes a conflict until reloaded', async () => {
    vi.useFakeTimers();
    const saved: Array<{ revision: number; nodes: number }> = [];
    let serverRevision = 1;
    const saver: DraftSaver = {
      async saveDraft(_id, flow, revision) {
        if (revision !== serverRevision) throw Object.assign(new Error('stale'), { status: 409 });
        saved.push({ revision, nodes: flow.nodes.length });
        return { revision: ++serverRevision };
      },
    };
    const store = open(undefined, saver, 1000);
    store.getState().addNode('play');
    expect(store.getState().saveState).toBe('dirty');
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved).toEqual([{ revision: 1, nodes: 1 }]);
    expect(store.getState()).toMatchObject({ revision: 2, dirty: false, saveState: 'saved' });

    serverRevision = 7; // someone else saved in another tab
    store.getState().addNode('hangup');
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.getState().saveState).toBe('conflict');
    expect(publishBlocker(store.getState())).toMatch(/Reload/);
    // No more saves while in conflict.
    store.getState().addNode('hangup');
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved).toHaveLength(1);
    store.getState().load(emptyFlow('council-main', 'Council main line'), 7);
    expect(store.getState()).toMatchObject({ revision: 7, dirty: false, saveState: 'saved', past: [] });
  });

  it('a save asked for during a save waits for it, then saves what changed meanwhile', async () => {
    const sent: number[] = [];
    let release: () => void = () => undefined;
    let revision = 1;
    const saver: DraftSaver = {
      saveDraft: (_id, flow, rev) =>
        new Promise((resolve, reject) => {
          if (rev !== revision) return reject(Object.assign(new Error('stale'), { status: 409 }));
          release = () => {
            sent.push(flow.nodes.length);
            resolve({ revision: ++revision });
          };
        }),
    };
    const store = open(undefined, saver);
    store.getState().addNode('play');
    const first = store.getState().save();
    expect(store.getState().saveState).toBe('saving');
    store.getState().addNode('hangup'); // typed while the first save is on its way
    const second = store.getState().save(); // e.g. Publish
    release();
    await first;
    await vi.waitFor(() => expect(store.getState().saveState).toBe('saving'));
    release();
    await second;
    expect(sent).toEqual([1, 2]);
    expect(store.getState()).toMatchObject({ saveState: 'saved', dirty: false, revision: 3 });
  });

  it('is read-only for viewers', () => {
    const store = open();
    store.getState().setReadOnly(true);
    store.getState().addNode('play');
    expect(store.getState().flow.nodes).toEqual([]);
  });
});
