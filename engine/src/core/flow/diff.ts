/**
 * What changed between two versions of a flow (or a version and the draft): nodes and edges matched by id,
 * each change with the value before and after, so people see "was … now …", not field paths. Browser-safe:
 * the API's diff route and the designer's Versions panel use this one function.
 */
import type { Flow, FlowEdge, FlowNode } from './schema.js';

/** One leaf that differs: its dotted path and the values on either side (undefined where it is absent). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface FlowDiff {
  /** Flow-level fields that differ (name, entry, languages, fallback.…). */
  flow: { fields: string[]; changes: FieldChange[] };
  nodes: { added: string[]; removed: string[]; changed: Array<{ nodeId: string; fields: string[]; changes: FieldChange[] }> };
  edges: { added: string[]; removed: string[]; changed: Array<{ edgeId: string; fields: string[]; changes: FieldChange[] }> };
}

type Json = unknown;

/** Deep equality of JSON values (key order ignored). */
export function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Record<string, Json>;
  const right = b as Record<string, Json>;
  const keys = Object.keys(left).filter((k) => left[k] !== undefined);
  if (keys.length !== Object.keys(right).filter((k) => right[k] !== undefined).length) return false;
  return keys.every((k) => sameJson(left[k], right[k]));
}

/** The value at a dotted path. */
const valueAt = (root: Json, field: string): unknown =>
  field === '(whole)' ? root : field.split('.').reduce<Json>((here, step) => (here !== null && typeof here === 'object' ? (here as Record<string, Json>)[step] : undefined), root);

const withValues = (a: Json, b: Json, fields: string[]): FieldChange[] => fields.map((field) => ({ field, before: valueAt(a, field), after: valueAt(b, field) }));

/** Dotted paths of the leaves where `a` and `b` differ (`params.options.0.digit`). */
export function changedFields(a: Json, b: Json, prefix = ''): string[] {
  if (sameJson(a, b)) return [];
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
    return fields.length ? [{ id, fields, changes: withValues(old, item, fields) }] : [];
  });
  return { added, removed, changed };
}

/** What changed between two versions of a flow, node by node and edge by edge (matched by id). */
export function diffFlows(from: Flow, to: Flow): FlowDiff {
  const { nodes: fromNodes, edges: fromEdges, ...fromRest } = from;
  const { nodes: toNodes, edges: toEdges, ...toRest } = to;
  const nodes = diffById<FlowNode>(fromNodes, toNodes);
  const edges = diffById<FlowEdge>(fromEdges, toEdges);
  const flowFields = changedFields(fromRest, toRest);
  return {
    flow: { fields: flowFields, changes: withValues(fromRest, toRest, flowFields) },
    nodes: {
      added: nodes.added,
      removed: nodes.removed,
      changed: nodes.changed.map(({ id, fields, changes }) => ({ nodeId: id, fields, changes })),
    },
    edges: {
      added: edges.added,
      removed: edges.removed,
      changed: edges.changed.map(({ id, fields, changes }) => ({ edgeId: id, fields, changes })),
    },
  };
}
