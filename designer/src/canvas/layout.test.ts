import { describe, expect, it } from 'vitest';
import { createFlowStore, emptyFlow, nodeSize } from '../store/flow-store.js';
import { autoLayout } from './layout.js';

describe('auto-layout', () => {
  it('puts the flow top to bottom from the entry, with no two nodes overlapping, and changes nothing else', () => {
    const store = createFlowStore({ flowId: 'f', flow: emptyFlow('f', 'F'), revision: 1, diagnosticsDelayMs: 0 });
    const s = store.getState();
    const welcome = s.addNode('play');
    const menu = s.addNode('menu');
    s.updateParams(menu, { ...store.getState().flow.nodes[1]!.params, options: [{ digit: '1', label: 'Bins' }, { digit: '2', label: 'Tax' }] });
    const bins = s.addNode('transfer');
    const tax = s.addNode('transfer');
    s.connect(welcome, 'done', menu);
    s.connect(menu, '1', bins);
    s.connect(menu, '2', tax);
    const before = store.getState().flow;
    const after = autoLayout(before);

    expect({ ...after, nodes: after.nodes.map(({ ui: _ui, ...n }) => n) }).toEqual({ ...before, nodes: before.nodes.map(({ ui: _ui, ...n }) => n) });
    const at = (id: string) => after.nodes.find((n) => n.id === id)!.ui;
    expect(at(welcome).y).toBeLessThan(at(menu).y);
    expect(at(menu).y).toBeLessThan(at(bins).y);
    expect(at(bins).y).toBe(at(tax).y);
    const boxes = after.nodes.map((n) => ({ x: n.ui.x, y: n.ui.y, w: nodeSize(n).width, h: nodeSize(n).height }));
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart).toBe(true);
      }
    }
  });
});
