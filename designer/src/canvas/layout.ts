import { graphlib, layout } from '@dagrejs/dagre';
import type { Flow } from '../../../engine/src/core/flow/schema.js';
import { nodeSize } from '../store/flow-store.js';

export { NODE_WIDTH, nodeHeight, nodeWidth } from './sizes.js';

/** Lay the flow out top to bottom with dagre (entry at the top, outcomes fanning out below). */
export function autoLayout(flow: Flow): Flow {
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 96, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of flow.nodes) g.setNode(n.id, nodeSize(n));
  for (const e of flow.edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  layout(g);
  return {
    ...flow,
    nodes: flow.nodes.map((n) => {
      const p = g.node(n.id);
      return p ? { ...n, ui: { x: Math.round(p.x - p.width / 2), y: Math.round(p.y - p.height / 2) } } : n;
    }),
  };
}
