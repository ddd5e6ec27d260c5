import type { Flow, FlowEdge, FlowNode } from '../../engine/src/core/flow/schema.js';

/**
 * A large, valid-looking council flow for the canvas benchmark: a tree of menus (three options
 * each) ending in plays and transfers, laid out on a grid, `count` nodes in all.
 */
export function generateFlow(count: number): Flow {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const prompt = (text: string) => ({ text: { 'en-GB': text } });
  const queue: string[] = [];
  const add = (node: Omit<FlowNode, 'ui'>) => {
    const i = nodes.length;
    nodes.push({ ...node, ui: { x: (i % 20) * 480, y: Math.floor(i / 20) * 200 } });
    return node.id;
  };
  queue.push(add({ id: 'menu-0', kind: 'menu', version: 1, name: 'Main menu', params: { prompt: prompt('For bins press 1, council tax 2, anything else 3'), options: [{ digit: '1', label: 'Bins' }, { digit: '2', label: 'Council tax' }, { digit: '3', label: 'Other' }] } }));
  while (nodes.length < count && queue.length > 0) {
    const parent = queue.shift()!;
    for (const digit of ['1', '2', '3', 'noInput', 'noMatch']) {
      if (nodes.length >= count) break;
      const i = nodes.length;
      const id =
        digit.length > 1 || nodes.length + 5 >= count
          ? add({ id: `transfer-${i}`, kind: 'transfer', version: 1, name: `Team ${i}`, params: { destination: `sip:team${i}@pbx.example.gov.uk` } })
          : add({ id: `menu-${i}`, kind: 'menu', version: 1, name: `Menu ${i}`, params: { prompt: prompt(`Menu ${i}: press 1, 2 or 3`), options: [{ digit: '1', label: 'One' }, { digit: '2', label: 'Two' }, { digit: '3', label: 'Three' }] } });
      if (id.startsWith('menu-')) queue.push(id);
      edges.push({ id: `e-${parent}-${digit}`, from: parent, outcome: digit, to: id });
    }
  }
  return {
    schemaVersion: 1,
    id: 'bench-500',
    name: `Benchmark flow (${nodes.length} nodes)`,
    languages: ['en-GB'],
    entry: 'menu-0',
    fallback: { apology: { 'en-GB': 'Sorry.' }, then: { action: 'hangup' } },
    nodes,
    edges,
  };
}
