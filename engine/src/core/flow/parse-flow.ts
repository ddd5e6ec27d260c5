import type { z } from 'zod';
import { knownVersions, nodeDefinition, upgradeNode } from '../catalogue.js';
import type { Diagnostic } from './diagnostics.js';
import { humanise, kindLabel, nodeFieldTitle, nodeTitle, plainIssue } from './names.js';
import { FLOW_SCHEMA_VERSION, edgeSchema, flowSchema, nodeSchema, type Flow } from './schema.js';

export interface ParsedFlow {
  /**
   * The flow with defaults applied, whenever it could be read far enough to check its graph: even when
   * some nodes' params are bad, or a node or edge is malformed (then it is read as well as it can be, so
   * the graph checks still see it). Never run it while `diagnostics` has errors.
   */
  flow?: Flow;
  diagnostics: Diagnostic[];
  /** Edges too malformed to keep (already reported): the graph checks assume each led somewhere. */
  unreadableEdges?: Array<{ from?: string }>;
  /** Nodes whose params were read (defaults applied): validateFlow need not parse them again. */
  paramsRead?: Set<string>;
}

const dotted = (path: readonly PropertyKey[]): string => path.map(String).join('.');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The id written on nodes[index] / edges[index] of the raw JSON, when it is a string. */
function idAt(json: unknown, list: 'nodes' | 'edges', index: PropertyKey | undefined): string | undefined {
  if (!isRecord(json) || typeof index !== 'number') return undefined;
  const items = json[list];
  const item = Array.isArray(items) ? items[index] : undefined;
  return isRecord(item) && typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
}

/** A node of the raw JSON as a message names it: its name, else its id, else its place. */
function rawNodeTitle(json: Record<string, unknown>, id: string | undefined, index?: number): string {
  const nodes = Array.isArray(json.nodes) ? json.nodes : [];
  const node = nodes.find((n, i) => (id !== undefined ? isRecord(n) && n.id === id : i === index));
  if (isRecord(node) && typeof node.kind === 'string' && typeof node.version === 'number') {
    return nodeTitle({ id: typeof node.id === 'string' ? node.id : `#${String(index)}`, kind: node.kind, version: node.version, ...(typeof node.name === 'string' ? { name: node.name } : {}) });
  }
  return id !== undefined ? `"${id}"` : `step ${Number(index) + 1}`;
}

/** A zod issue in the flow's shape as a diagnostic on the node, edge or flow field it concerns. */
function shapeDiagnostic(json: Record<string, unknown>, issue: z.core.$ZodIssue): Diagnostic {
  const [list, index, ...rest] = issue.path;
  const where = (list === 'nodes' || list === 'edges') && typeof index === 'number' ? list : undefined;
  const id = where ? idAt(json, where, index) : undefined;
  const field = where ? dotted(rest) : dotted(issue.path);
  let subject: string;
  if (where === 'nodes') subject = rawNodeTitle(json, id, index as number);
  else if (where === 'edges') {
    const edge = (json.edges as unknown[])[index as number];
    const from = isRecord(edge) && typeof edge.from === 'string' ? rawNodeTitle(json, edge.from) : undefined;
    const to = isRecord(edge) && typeof edge.to === 'string' ? rawNodeTitle(json, edge.to) : undefined;
    subject = from && to ? `The connection from ${from} to ${to}` : `Connection ${id ? `"${id}"` : `${Number(index) + 1}`}`;
  } else subject = 'The flow';
  return {
    severity: 'error',
    code: 'flow-invalid',
    message: `${subject}${field ? ` › ${field.split('.').map((part) => (/^\d+$/.test(part) ? String(Number(part) + 1) : humanise(part))).join(' › ')}` : ''}: ${plainIssue(issue)}`,
    ...(where === 'nodes' && id ? { nodeId: id } : {}),
    ...(where === 'edges' && id ? { edgeId: id } : {}),
    ...(field ? { field } : {}),
  };
}

/**
 * Check one node's kind, version and params. Returns the params with defaults applied, or
 * undefined with diagnostics when they cannot be used. `written`: the node as the flow has it, when it
 * was upgraded from an earlier version.
 */
function parseNodeParams(
  node: { id: string; kind: string; version: number; name?: string | undefined; params: Record<string, unknown> },
  diagnostics: Diagnostic[],
  written?: { version: number; params: Record<string, unknown> },
): Record<string, unknown> | undefined {
  const definition = nodeDefinition(node.kind, node.version);
  if (!definition) {
    const versions = knownVersions(node.kind);
    const name = node.name?.trim() || node.id;
    diagnostics.push({
      severity: 'error',
      code: versions.length ? 'node-version-unknown' : 'node-kind-unknown',
      message: versions.length
        ? `"${name}" is a ${kindLabel(node)} step of version ${node.version}, but this engine knows version ${versions.join(', ')}: it was made by a newer frontdoor`
        : `"${name}" is a kind of step this engine does not know ("${node.kind}", version ${node.version})`,
      nodeId: node.id,
    });
    return undefined;
  }
  const parsed = definition.params.safeParse(node.params);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  for (const issue of parsed.error.issues) {
    const field = dotted(issue.path);
    // A setting the upgrade renamed (timeoutMs → timeoutSeconds) is not where the file has it: say why.
    const key = String(issue.path[0] ?? '');
    const renamed = written !== undefined && key !== '' && key in node.params && !(key in written.params);
    const upgraded = renamed ? ` (this step was saved as ${definition.ui.label} version ${written.version}; its settings are read as version ${node.version})` : '';
    diagnostics.push({
      severity: 'error',
      code: 'param-invalid',
      message: `${nodeFieldTitle(node, field || undefined)}: ${plainIssue(issue)}${upgraded}`,
      nodeId: node.id,
      ...(field ? { field } : {}),
    });
  }
  return undefined;
}

/** What stands for a node's kind that could not be read: no definition has it, so graph checks skip the node. */
const UNREAD_KIND = '(unreadable)';

/**
 * The flow as well as it can be read when its shape is wrong: a flow-level field that does not fit takes its
 * default, a node keeps its id with whatever else fits, an edge keeps its ends and exit when they are text.
 * Undefined when it is not a flow of this schema version at all.
 */
function salvage(json: Record<string, unknown>, unread: Set<string>, unreadableEdges: Array<{ from?: string }>): Flow | undefined {
  if (json.schemaVersion !== FLOW_SCHEMA_VERSION) return undefined;
  const nodes = (Array.isArray(json.nodes) ? json.nodes : []).flatMap((raw): unknown[] => {
    if (nodeSchema.safeParse(raw).success || !isRecord(raw) || typeof raw.id !== 'string') return [raw];
    const kindOk = typeof raw.kind === 'string' && raw.kind !== '' && typeof raw.version === 'number' && Number.isInteger(raw.version) && raw.version > 0;
    if (!kindOk || !isRecord(raw.params ?? {})) unread.add(raw.id);
    const ui = isRecord(raw.ui) && Number.isFinite(raw.ui.x) && Number.isFinite(raw.ui.y) ? { x: raw.ui.x, y: raw.ui.y } : { x: 0, y: 0 };
    return [
      {
        id: raw.id,
        kind: kindOk ? raw.kind : UNREAD_KIND,
        version: kindOk ? raw.version : 1,
        ...(typeof raw.name === 'string' ? { name: raw.name.slice(0, 120) } : {}),
        params: isRecord(raw.params) ? raw.params : {},
        ui,
      },
    ];
  });
  const edges = (Array.isArray(json.edges) ? json.edges : []).flatMap((raw): unknown[] => {
    if (edgeSchema.safeParse(raw).success) return [raw];
    const kept = isRecord(raw) ? { id: raw.id, from: raw.from, outcome: raw.outcome, to: raw.to } : undefined;
    if (kept && edgeSchema.safeParse(kept).success) return [kept];
    unreadableEdges.push(isRecord(raw) && typeof raw.from === 'string' ? { from: raw.from } : {});
    return [];
  });
  const flowFields = flowSchema.omit({ nodes: true, edges: true });
  const top: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(flowFields.shape)) {
    if (!(key in json)) continue;
    if ((field as { safeParse(v: unknown): { success: boolean } }).safeParse(json[key]).success) top[key] = json[key];
  }
  const readable = (list: unknown[], schema: typeof nodeSchema | typeof edgeSchema) => list.filter((item) => schema.safeParse(item).success);
  const result = flowSchema.safeParse({
    ...top,
    id: top.id ?? 'unreadable-flow',
    name: top.name ?? 'Unreadable flow',
    entry: top.entry ?? '(none)',
    nodes: readable(nodes, nodeSchema),
    edges: readable(edges, edgeSchema),
  });
  return result.success ? result.data : undefined;
}

/**
 * Read a flow from JSON: its shape, then every node's params against its kind and version.
 * Never throws; every problem is a diagnostic naming the node and field.
 */
export function parseFlow(json: unknown): ParsedFlow {
  try {
    if (!isRecord(json)) {
      return { diagnostics: [{ severity: 'error', code: 'flow-invalid', message: 'A flow must be a JSON object' }] };
    }
    const shape = flowSchema.safeParse(json);
    const diagnostics: Diagnostic[] = [];
    let flow: Flow;
    /** Nodes whose kind or params could not be read: their params are not checked (the shape problem says it). */
    const unread = new Set<string>();
    const unreadableEdges: Array<{ from?: string }> = [];
    if (shape.success) {
      flow = shape.data;
    } else {
      diagnostics.push(...shape.error.issues.map((issue) => shapeDiagnostic(json, issue)));
      // Read what can be read, so one pass shows every problem: the graph is still checked.
      const salvaged = salvage(json, unread, unreadableEdges);
      if (!salvaged) {
        // Not a flow at all (or another format): still check the params of every well-formed node.
        const nodes = Array.isArray(json.nodes) ? json.nodes : [];
        for (const node of nodes) {
          const params = isRecord(node) ? (node.params ?? {}) : undefined;
          if (isRecord(node) && typeof node.id === 'string' && typeof node.kind === 'string' && typeof node.version === 'number' && isRecord(params)) {
            parseNodeParams(upgradeNode({ id: node.id, kind: node.kind, version: node.version, params }), diagnostics, { version: node.version, params });
          }
        }
        return { diagnostics };
      }
      flow = salvaged;
    }
    // An earlier version of a kind is read as the current one, its params upgraded (the stored flow keeps its version).
    const paramsRead = new Set<string>();
    const nodes = flow.nodes.map((written) => {
      if (unread.has(written.id)) return written;
      const node = upgradeNode(written);
      const params = parseNodeParams(node, diagnostics, node === written ? undefined : written);
      if (params) paramsRead.add(node.id);
      return params ? { ...node, params } : node;
    });
    return { flow: { ...flow, nodes }, diagnostics, paramsRead, ...(unreadableEdges.length ? { unreadableEdges } : {}) };
  } catch (error) {
    return {
      diagnostics: [
        { severity: 'error', code: 'flow-unreadable', message: `The flow could not be read: ${(error as Error).message}` },
      ],
    };
  }
}
