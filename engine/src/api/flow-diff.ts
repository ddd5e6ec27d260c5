import { isDeepStrictEqual } from 'node:util';
import type { Flow, FlowEdge, FlowNode } from '../core/flow/schema.js';

export interface FlowDiff {
  /** Flow-level fields that differ (name, entry, languages, fallback.…). */
  flow: { fields: string[] };
  nodes: { added: string[]; removed: string[]; changed: Array<{ nodeId: string; fields: string[] }> };
  edges: { added: string[]; removed: string[]; changed: Array<{ edgeId: string; fields: string[] }> };
}

type Json = unknown;

/** Dotted paths of the leaves where `a` and `b` differ (`params.options.0.digit`). */
export function changedFields(a: Json, b: Json, prefix = ''): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const bothContainers =
    a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothContainers) return [prefix || '(whole)'];
  const left = a as Record<string, Json>;
  const right = b as Record<string, Json>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.flatMap((key) => changedFields(left[key], right[key], prefix ? `${prefix}.${key}` : key));
}

function diffById<T extends { id: string }>(from: readonly T[], to: readonly T[]) {
  const before = new Map(from.map((item) => [item.id, item]));
  const after = new Map(to.map((item) => [item.id, item]));
  const added = [...after.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const changed = [...after.entries()].flatMap(([id, item]) => {
    const old = before.get(id);
    if (!old) return [];
    const fields = changedFields(old, item).filter((field) => field !== 'id');
    return fields.length ? [{ id, fields }] : [];
  });
  return { added, removed, changed };
}

/** What changed between two versions of a flow, node by node and edge by edge (matched by id). */
export function diffFlows(from: Flow, to: Flow): FlowDiff {
  const { nodes: fromNodes, edges: fromEdges, ...fromRest } = from;
  const { nodes: toNodes, edges: toEdges, ...toRest } = to;
  const nodes = diffById<FlowNode>(fromNodes, toNodes);
  const edges = diffById<FlowEdge>(fromEdges, toEdges);
  return {
    flow: { fields: changedFields(fromRest, toRest) },
    nodes: {
      added: nodes.added,
      removed: nodes.removed,
      changed: nodes.changed.map(({ id, fields }) => ({ nodeId: id, fields })),
    },
    edges: {
      added: edges.added,
      removed: edges.removed,
      changed: edges.changed.map(({ id, fields }) => ({ edgeId: id, fields })),
    },
  };
}
