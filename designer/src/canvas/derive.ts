import type { Edge, Node } from '@xyflow/react';
import type { Diagnostic } from '../../../engine/src/core/flow/diagnostics.js';
import type { FlowNode } from '../../../engine/src/core/flow/schema.js';
import { nodeOutcomes, type DiffMark, type FlowState } from '../store/flow-store.js';
import { nodeHeight, nodeWidth } from './layout.js';

/** What the generic node view needs; everything else it reads from the catalogue. */
export interface FlowNodeData extends Record<string, unknown> {
  node: FlowNode;
  isEntry: boolean;
  errors: number;
  warnings: number;
  active: boolean;
  visited: boolean;
  diff?: DiffMark;
  /** Zoomed in far enough to read details; zoomed far out a node draws only its name, badges and exits. */
  detailed: boolean;
}

/** Zoomed in far enough to read a node's details (React Flow store selector). */
export const zoomedIn = (s: { transform: [number, number, number] }) => s.transform[2] >= 0.45;
export type CanvasNode = Node<FlowNodeData, 'flowNode'>;

type Inputs = Pick<
  FlowState,
  'flow' | 'selection' | 'diagnostics' | 'activeNodeId' | 'visitedNodeIds' | 'diffMarks' | 'coveredEdgeIds'
>;

function countByNode(diagnostics: readonly Diagnostic[]) {
  const counts = new Map<string, { errors: number; warnings: number }>();
  for (const d of diagnostics) {
    if (!d.nodeId) continue;
    const c = counts.get(d.nodeId) ?? { errors: 0, warnings: 0 };
    if (d.severity === 'error') c.errors++;
    else c.warnings++;
    counts.set(d.nodeId, c);
  }
  return counts;
}

/**
 * React Flow's nodes, derived from the flow document (the single source of truth). Unchanged nodes
 * keep their object identity between calls, so only the nodes that changed re-render.
 */
/** Sizes React Flow measured in the DOM; handed back on every node so it does not measure again. */
export type MeasuredSizes = Map<string, { width: number; height: number }>;

export function createNodeDeriver() {
  let cache = new Map<string, CanvasNode>();
  // A node's width follows its exits, which follow its params: work it out once per version of the node.
  const widths = new WeakMap<FlowNode, number>();
  const widthOf = (node: FlowNode) => {
    let width = widths.get(node);
    if (width === undefined) widths.set(node, (width = nodeWidth(nodeOutcomes(node).length)));
    return width;
  };
  // One zoom check for the whole canvas (not a store subscription per node, run on every frame of a pan).
  return (s: Inputs, measured: MeasuredSizes, detailed = true): CanvasNode[] => {
    const counts = countByNode(s.diagnostics);
    const selected = new Set(s.selection.nodes);
    const visited = new Set(s.visitedNodeIds);
    const next = new Map<string, CanvasNode>();
    const nodes = s.flow.nodes.map((node) => {
      const c = counts.get(node.id);
      const data: FlowNodeData = {
        node,
        isEntry: s.flow.entry === node.id,
        errors: c?.errors ?? 0,
        warnings: c?.warnings ?? 0,
        active: s.activeNodeId === node.id,
        visited: visited.has(node.id),
        diff: s.diffMarks?.[node.id],
        detailed,
      };
      const size = measured.get(node.id);
      const before = cache.get(node.id);
      const same =
        before &&
        before.selected === selected.has(node.id) &&
        before.measured?.width === size?.width &&
        before.measured?.height === size?.height &&
        (Object.keys(data) as Array<keyof FlowNodeData>).every((k) => before.data[k] === data[k]);
      const rf: CanvasNode = same
        ? before
        : {
            id: node.id,
            type: 'flowNode',
            position: node.ui,
            data,
            selected: selected.has(node.id),
            measured: size,
            // A size before measuring, so fit-view and visible-only rendering know where every node is.
            initialWidth: widthOf(node),
            initialHeight: nodeHeight(0),
          };
      next.set(node.id, rf);
      return rf;
    });
    cache = next;
    return nodes;
  };
}

export function createEdgeDeriver() {
  let cache = new Map<string, Edge>();
  return (s: Inputs): Edge[] => {
    const selected = new Set(s.selection.edges);
    const covered = s.coveredEdgeIds ? new Set(s.coveredEdgeIds) : undefined;
    const next = new Map<string, Edge>();
    const edges = s.flow.edges.map((e) => {
      const className = covered && !covered.has(e.id) ? 'edge-untested' : covered ? 'edge-tested' : undefined;
      const isSelected = selected.has(e.id);
      const before = cache.get(e.id);
      const same =
        before &&
        before.source === e.from &&
        before.target === e.to &&
        before.sourceHandle === e.outcome &&
        before.selected === isSelected &&
        before.className === className;
      const rf: Edge = same
        ? before
        : {
            id: e.id,
            source: e.from,
            sourceHandle: e.outcome,
            target: e.to,
            targetHandle: 'in',
            selected: isSelected,
            className,
            ariaLabel: `${e.from} ${e.outcome} to ${e.to}`,
          };
      next.set(e.id, rf);
      return rf;
    });
    cache = next;
    return edges;
  };
}
