import type { Edge, Node } from '@xyflow/react';
import type { Diagnostic } from '../../../engine/src/core/flow/diagnostics.js';
import { exitLabel, nodeName } from '../../../engine/src/core/flow/names.js';
import type { FlowGroup, FlowNode } from '../../../engine/src/core/flow/schema.js';
import { nodeOutcomes, nodeSize, type DiffMark, type FlowState } from '../store/flow-store.js';
import { nodeHeight } from './sizes.js';

/** What the generic node view needs; everything else it reads from the catalogue. */
export interface FlowNodeData extends Record<string, unknown> {
  node: FlowNode;
  isEntry: boolean;
  errors: number;
  warnings: number;
  active: boolean;
  visited: boolean;
  diff?: DiffMark;
  /** Zoomed in far enough to read details; zoomed far out a node draws only its kind and badges (names float above). */
  detailed: boolean;
}

/** A group of nodes: a labelled frame behind them, or (collapsed) one box standing for them all. */
export interface GroupData extends Record<string, unknown> {
  group: FlowGroup;
  /** Exits leaving a collapsed group: a handle each, labelled with the step and exit they come from. */
  exits: Array<{ handle: string; label: string }>;
  errors: number;
  active: boolean;
  detailed: boolean;
}

/** Zoomed in far enough to read a node's details (React Flow store selector). */
export const zoomedIn = (s: { transform: [number, number, number] }) => s.transform[2] >= 0.45;
export type StepNode = Node<FlowNodeData, 'flowNode'>;
export type GroupNode = Node<GroupData, 'groupFrame' | 'groupBox'>;
export type CanvasNode = StepNode | GroupNode;

/** The id a group has on the canvas (never a node id: those cannot contain a space). */
export const groupNodeId = (groupId: string) => `group ${groupId}`;
/** Room around a group's members inside its frame. */
const FRAME_PAD = 28;
export const GROUP_BOX = { width: 280, height: 120 };

type Inputs = Pick<FlowState, 'flow' | 'selection' | 'diagnostics' | 'activeNodeId' | 'visitedNodeIds' | 'diffMarks' | 'coveredEdgeIds'>;

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

/** Which collapsed group (if any) each node is hidden in. */
export function collapsedGroups(flow: FlowState['flow']): Map<string, FlowGroup> {
  const hiddenIn = new Map<string, FlowGroup>();
  for (const g of flow.ui?.groups ?? []) if (g.collapsed) for (const id of g.nodes) hiddenIn.set(id, g);
  return hiddenIn;
}

/** The box around a group's members, from their positions and sizes. */
export function groupBounds(group: FlowGroup, nodes: ReadonlyMap<string, FlowNode>) {
  const members = group.nodes.map((id) => nodes.get(id)).filter((n): n is FlowNode => n !== undefined);
  if (members.length === 0) return undefined;
  const left = Math.min(...members.map((n) => n.ui.x));
  const top = Math.min(...members.map((n) => n.ui.y));
  const right = Math.max(...members.map((n) => n.ui.x + nodeSize(n).width));
  const bottom = Math.max(...members.map((n) => n.ui.y + nodeSize(n).height));
  return { x: left - FRAME_PAD, y: top - FRAME_PAD - 22, width: right - left + 2 * FRAME_PAD, height: bottom - top + 2 * FRAME_PAD + 22 };
}

/** Sizes React Flow measured in the DOM; handed back on every node so it does not measure again. */
export type MeasuredSizes = Map<string, { width: number; height: number }>;

/**
 * React Flow's nodes, derived from the flow document (the single source of truth). Unchanged nodes keep
 * their object identity between calls, so only the nodes that changed re-render. Groups come first, so
 * their frames sit behind their members.
 */
export function createNodeDeriver() {
  let cache = new Map<string, CanvasNode>();
  // One zoom check for the whole canvas (not a store subscription per node, run on every frame of a pan).
  return (s: Inputs, measured: MeasuredSizes, detailed = true): CanvasNode[] => {
    const counts = countByNode(s.diagnostics);
    const selected = new Set(s.selection.nodes);
    const visited = new Set(s.visitedNodeIds);
    const byId = new Map(s.flow.nodes.map((n) => [n.id, n]));
    const hiddenIn = collapsedGroups(s.flow);
    const next = new Map<string, CanvasNode>();
    const groups = (s.flow.ui?.groups ?? []).flatMap((group): CanvasNode[] => {
      const bounds = groupBounds(group, byId);
      if (!bounds) return [];
      const members = new Set(group.nodes);
      const exits = group.collapsed
        ? s.flow.edges
            .filter((e) => members.has(e.from) && !members.has(e.to))
            .map((e) => ({ handle: `edge:${e.id}`, label: `${nodeName(byId.get(e.from)!)} › ${exitLabel(byId.get(e.from)!, e.outcome)}` }))
        : [];
      const data: GroupData = {
        group,
        exits,
        errors: group.nodes.reduce((sum, id) => sum + (counts.get(id)?.errors ?? 0), 0),
        active: s.activeNodeId !== undefined && members.has(s.activeNodeId),
        detailed,
      };
      const id = groupNodeId(group.id);
      const before = cache.get(id) as GroupNode | undefined;
      const position = group.collapsed ? { x: bounds.x, y: bounds.y } : { x: bounds.x, y: bounds.y };
      const size = group.collapsed ? GROUP_BOX : { width: bounds.width, height: bounds.height };
      const same =
        before &&
        before.type === (group.collapsed ? 'groupBox' : 'groupFrame') &&
        before.position.x === position.x &&
        before.position.y === position.y &&
        before.width === size.width &&
        before.height === size.height &&
        before.data.group === group &&
        before.data.errors === data.errors &&
        before.data.active === data.active &&
        before.data.detailed === detailed &&
        before.data.exits.map((x) => x.label).join('\n') === exits.map((x) => x.label).join('\n');
      const rf: GroupNode = same
        ? before
        : {
            id,
            type: group.collapsed ? 'groupBox' : 'groupFrame',
            position,
            data,
            width: size.width,
            height: size.height,
            draggable: false,
            selectable: group.collapsed,
            connectable: group.collapsed,
            zIndex: group.collapsed ? 1 : -1,
          };
      next.set(id, rf);
      return [rf];
    });
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
      const hidden = hiddenIn.has(node.id);
      const before = cache.get(node.id) as StepNode | undefined;
      const same =
        before &&
        before.selected === selected.has(node.id) &&
        before.hidden === hidden &&
        before.measured?.width === size?.width &&
        before.measured?.height === size?.height &&
        (Object.keys(data) as Array<keyof FlowNodeData>).every((k) => before.data[k] === data[k]);
      const rf: StepNode = same
        ? before
        : {
            id: node.id,
            type: 'flowNode',
            position: node.ui,
            data,
            selected: selected.has(node.id),
            hidden,
            measured: size,
            // A size before measuring, so fit-view and visible-only rendering know where every node is.
            initialWidth: nodeSize(node).width,
            initialHeight: nodeHeight(),
          };
      next.set(node.id, rf);
      return rf;
    });
    cache = next;
    return [...groups, ...nodes];
  };
}

/** What an edge draws: the exit it follows, in words. */
export interface ExitEdgeData extends Record<string, unknown> {
  label: string;
}

export function createEdgeDeriver() {
  let cache = new Map<string, Edge<ExitEdgeData>>();
  return (s: Inputs): Edge<ExitEdgeData>[] => {
    const selected = new Set(s.selection.edges);
    const covered = s.coveredEdgeIds ? new Set(s.coveredEdgeIds) : undefined;
    const byId = new Map(s.flow.nodes.map((n) => [n.id, n]));
    const hiddenIn = collapsedGroups(s.flow);
    const next = new Map<string, Edge<ExitEdgeData>>();
    const edges = s.flow.edges.flatMap((e) => {
      const fromGroup = hiddenIn.get(e.from);
      const toGroup = hiddenIn.get(e.to);
      // Inside one collapsed group: not drawn. Into or out of one: drawn to or from the group's box.
      if (fromGroup && fromGroup === toGroup) return [];
      const source = fromGroup ? groupNodeId(fromGroup.id) : e.from;
      const sourceHandle = fromGroup ? `edge:${e.id}` : e.outcome;
      const target = toGroup ? groupNodeId(toGroup.id) : e.to;
      const className = covered && !covered.has(e.id) ? 'edge-untested' : covered ? 'edge-tested' : undefined;
      const isSelected = selected.has(e.id);
      const from = byId.get(e.from);
      const label = from ? exitLabel(from, e.outcome, nodeOutcomes(from)) : e.outcome;
      const before = cache.get(e.id);
      const same =
        before &&
        before.source === source &&
        before.target === target &&
        before.sourceHandle === sourceHandle &&
        before.selected === isSelected &&
        before.className === className &&
        before.data?.label === label;
      const rf: Edge<ExitEdgeData> = same
        ? before
        : {
            id: e.id,
            type: 'exit',
            source,
            sourceHandle,
            target,
            targetHandle: 'in',
            selected: isSelected,
            className,
            data: { label },
            ariaLabel: `${from ? nodeName(from) : e.from}: ${label} to ${byId.get(e.to) ? nodeName(byId.get(e.to)!) : e.to}`,
          };
      next.set(e.id, rf);
      return [rf];
    });
    cache = next;
    return edges;
  };
}
