import { ViewportPortal } from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { Edge } from '@xyflow/react';
import type { Flow, FlowNode } from '../../../engine/src/core/flow/schema.js';
import { nodeOutcomes, nodeSize } from '../store/flow-store.js';
import type { CanvasNode } from './derive.js';
import { exitWidth } from './sizes.js';

/**
 * Every connection of a zoomed-out flow as one SVG path: from each exit (where its handle sits under the
 * node) down, across and into the next step. Far out no one clicks a single edge, and one path draws a
 * 500-step flow's 1,800 connections at the cost of one element (the connections proper come back on zoom-in).
 */
export function overviewPath(flow: Flow, groups: readonly CanvasNode[], edges: readonly Edge[]): string {
  const boxes = new Map<string, { x: number; y: number; width: number; height: number; exits?: ReadonlyMap<string, number> }>();
  for (const g of groups) boxes.set(g.id, { ...g.position, width: g.width ?? 240, height: g.height ?? 120 });
  for (const n of flow.nodes) boxes.set(n.id, { ...n.ui, ...nodeSize(n), exits: exitOffsets(n) });
  const parts: string[] = [];
  for (const e of edges) {
    const from = boxes.get(e.source);
    const to = boxes.get(e.target);
    if (!from || !to) continue;
    const sx = Math.round(from.x + (from.exits?.get(e.sourceHandle ?? '') ?? 0.5) * from.width);
    const sy = Math.round(from.y + from.height);
    const tx = Math.round(to.x + to.width / 2);
    const ty = Math.round(to.y);
    const mid = ty > sy ? Math.round((sy + ty) / 2) : sy + 20;
    parts.push(ty > sy ? `M${sx} ${sy}V${mid}H${tx}V${ty}` : `M${sx} ${sy}V${mid}H${tx}V${ty - 20}V${ty}`);
  }
  return parts.join('');
}

const offsets = new WeakMap<FlowNode, ReadonlyMap<string, number>>();
/** Where each exit's handle sits along the node's bottom edge (0 to 1), as the node view lays them out. */
function exitOffsets(node: FlowNode): ReadonlyMap<string, number> {
  let found = offsets.get(node);
  if (!found) {
    const exits = nodeOutcomes(node).map((o) => ({ name: o.name, w: exitWidth(o.label ?? o.name) }));
    const total = exits.reduce((a, e) => a + e.w, 0) || 1;
    let before = 0;
    const map = new Map<string, number>();
    for (const e of exits) {
      map.set(e.name, (before + e.w / 2) / total);
      before += e.w;
    }
    offsets.set(node, (found = map));
  }
  return found;
}

/** The zoomed-out canvas's connections, drawn inside the viewport so a pan moves them with the nodes. */
export const OverviewEdges = memo(function OverviewEdges({ flow, groups, edges }: { flow: Flow; groups: readonly CanvasNode[]; edges: readonly Edge[] }) {
  const d = useMemo(() => overviewPath(flow, groups, edges), [flow, groups, edges]);
  return (
    <ViewportPortal>
      <svg className="overview-edges" aria-hidden="true" width="1" height="1">
        <path d={d} />
      </svg>
    </ViewportPortal>
  );
});
