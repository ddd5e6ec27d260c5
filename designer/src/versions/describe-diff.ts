import { nodeDefinition } from '../../../engine/src/core/catalogue.js';
import { upgradeNode } from '../../../engine/src/core/catalogue.js';
import { diffFlows, type FieldChange, type FlowDiff } from '../../../engine/src/core/flow/diff.js';
import { exitLabel, fieldLabel, kindLabel, languageList, nodeName } from '../../../engine/src/core/flow/names.js';
import type { Flow, FlowNode } from '../../../engine/src/core/flow/schema.js';
import { summarise } from '../canvas/summary.js';

/** One setting that changed, as a person reads it: what it is, what it was, what it is now. */
export interface ChangeRow {
  label: string;
  before: string;
  after: string;
}

export interface NodeChange {
  nodeId: string;
  name: string;
  kind: string;
  status: 'added' | 'removed' | 'changed';
  rows: ChangeRow[];
  /** Only its place on the canvas changed. */
  movedOnly?: boolean;
}

export interface DiffStory {
  /** The diff itself (both sides read as current node versions), for the canvas marks. */
  diff: FlowDiff;
  flow: ChangeRow[];
  nodes: NodeChange[];
  /** Connections added, removed or pointed elsewhere, in words. */
  connections: string[];
}

const shown = (value: unknown): string => (value === undefined ? '(not set)' : summarise(value));

/** The node's rows: its settings (labelled as its form labels them), its name; a move is one row at most. */
function rows(node: FlowNode, changes: readonly FieldChange[]): { rows: ChangeRow[]; movedOnly: boolean } {
  const definition = nodeDefinition(node.kind, node.version);
  const out: ChangeRow[] = [];
  let moved = false;
  for (const c of changes) {
    if (c.field.startsWith('ui.')) moved = true;
    else if (c.field === 'name') out.push({ label: 'Name', before: shown(c.before), after: shown(c.after) });
    else if (c.field === 'version' || c.field === 'kind') out.push({ label: 'Kind of step', before: String(c.before), after: String(c.after) });
    else if (c.field.startsWith('params.')) out.push({ label: fieldLabel(definition, c.field.slice('params.'.length)), before: shown(c.before), after: shown(c.after) });
    else out.push({ label: c.field, before: shown(c.before), after: shown(c.after) });
  }
  return { rows: out, movedOnly: moved && out.length === 0 };
}

/**
 * A diff between two flows told in words: each changed step by name with its settings side by side (was /
 * now), steps added and removed, and connections by their exits and the steps they join.
 */
export function describeDiff(fromFlow: Flow, toFlow: Flow): DiffStory {
  // Both sides read as current versions, so a node saved at version 1 compares setting by setting.
  const from = { ...fromFlow, nodes: fromFlow.nodes.map((n) => upgradeNode(n)) };
  const to = { ...toFlow, nodes: toFlow.nodes.map((n) => upgradeNode(n)) };
  const diff = diffFlows(from, to);
  const before = new Map(from.nodes.map((n) => [n.id, n]));
  const after = new Map(to.nodes.map((n) => [n.id, n]));
  const nameIn = (map: Map<string, FlowNode>, id: string) => (map.get(id) ? nodeName(map.get(id)!) : id);
  const flow: ChangeRow[] = diff.flow.changes
    .filter((c) => !c.field.startsWith('ui.'))
    .map((c) =>
      c.field === 'entry'
        ? { label: 'Calls start at', before: nameIn(before, String(c.before)), after: nameIn(after, String(c.after)) }
        : c.field.startsWith('languages')
          ? { label: 'Languages', before: languageList(from.languages), after: languageList(to.languages) }
          : { label: c.field === 'name' ? 'Flow name' : c.field.startsWith('fallback') ? 'When something goes wrong' : c.field, before: shown(c.before), after: shown(c.after) },
    )
    .filter((row, i, all) => all.findIndex((r) => r.label === row.label) === i);
  if (diff.flow.fields.some((f) => f.startsWith('ui.'))) flow.push({ label: 'Groups on the canvas', before: 'as they were', after: 'changed' });
  const nodes: NodeChange[] = [
    ...diff.nodes.changed.map(({ nodeId, changes }) => {
      const node = after.get(nodeId)!;
      return { nodeId, name: nodeName(node), kind: kindLabel(node), status: 'changed' as const, ...rows(node, changes) };
    }),
    ...diff.nodes.added.map((nodeId) => ({ nodeId, name: nameIn(after, nodeId), kind: kindLabel(after.get(nodeId)!), status: 'added' as const, rows: [] })),
    ...diff.nodes.removed.map((nodeId) => ({ nodeId, name: nameIn(before, nodeId), kind: kindLabel(before.get(nodeId)!), status: 'removed' as const, rows: [] })),
  ];
  const edgeWords = (flowNodes: Map<string, FlowNode>, edge: { from: string; outcome: string; to: string }) => {
    const source = flowNodes.get(edge.from);
    return `${nameIn(flowNodes, edge.from)}: “${source ? exitLabel(source, edge.outcome) : edge.outcome}” → ${nameIn(flowNodes, edge.to)}`;
  };
  const connections = [
    ...diff.edges.added.map((id) => `Added ${edgeWords(after, to.edges.find((e) => e.id === id)!)}`),
    ...diff.edges.removed.map((id) => `Removed ${edgeWords(before, from.edges.find((e) => e.id === id)!)}`),
    ...diff.edges.changed.map(({ edgeId }) => {
      const was = from.edges.find((e) => e.id === edgeId)!;
      const now = to.edges.find((e) => e.id === edgeId)!;
      return `${edgeWords(after, now)} (was → ${nameIn(before, was.to)})`;
    }),
  ];
  return { diff, flow, nodes, connections };
}
