import type { z } from 'zod';
import { knownVersions, nodeDefinition } from '../catalogue.js';
import type { Diagnostic } from './diagnostics.js';
import { flowSchema, type Flow } from './schema.js';

export interface ParsedFlow {
  /** The flow with defaults applied, when its shape is right (even if some nodes' params are not). */
  flow?: Flow;
  diagnostics: Diagnostic[];
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

/** A zod issue in the flow's shape as a diagnostic on the node, edge or flow field it concerns. */
function shapeDiagnostic(json: unknown, issue: z.core.$ZodIssue): Diagnostic {
  const [list, index, ...rest] = issue.path;
  const where = (list === 'nodes' || list === 'edges') && typeof index === 'number' ? list : undefined;
  const id = where ? idAt(json, where, index) : undefined;
  const field = where ? dotted(rest) : dotted(issue.path);
  const subject = where ? `${where === 'nodes' ? 'Node' : 'Edge'} ${id ? `"${id}"` : `#${String(index)}`}` : 'The flow';
  return {
    severity: 'error',
    code: 'flow-invalid',
    message: `${subject}${field ? ` ${field}` : ''}: ${issue.message}`,
    ...(where === 'nodes' && id ? { nodeId: id } : {}),
    ...(where === 'edges' && id ? { edgeId: id } : {}),
    ...(field ? { field } : {}),
  };
}

/**
 * Check one node's kind, version and params. Returns the params with defaults applied, or
 * undefined with diagnostics when they cannot be used.
 */
function parseNodeParams(
  node: { id: string; kind: string; version: number; params: Record<string, unknown> },
  diagnostics: Diagnostic[],
): Record<string, unknown> | undefined {
  const definition = nodeDefinition(node.kind, node.version);
  if (!definition) {
    const versions = knownVersions(node.kind);
    diagnostics.push({
      severity: 'error',
      code: versions.length ? 'node-version-unknown' : 'node-kind-unknown',
      message: versions.length
        ? `Node "${node.id}" is ${node.kind} version ${node.version}, but this engine knows ${node.kind} version ${versions.join(', ')}`
        : `Node "${node.id}" is of kind "${node.kind}" (version ${node.version}), which this engine does not know`,
      nodeId: node.id,
    });
    return undefined;
  }
  const parsed = definition.params.safeParse(node.params);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  for (const issue of parsed.error.issues) {
    const field = dotted(issue.path);
    diagnostics.push({
      severity: 'error',
      code: 'param-invalid',
      message: `Node "${node.id}" (${definition.ui.label})${field ? ` ${field}` : ''}: ${issue.message}`,
      nodeId: node.id,
      ...(field ? { field } : {}),
    });
  }
  return undefined;
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
    if (!shape.success) {
      diagnostics.push(...shape.error.issues.map((issue) => shapeDiagnostic(json, issue)));
      // Still check the params of every well-formed node, so one pass shows every problem.
      const nodes = Array.isArray(json.nodes) ? json.nodes : [];
      for (const node of nodes) {
        const params = isRecord(node) ? (node.params ?? {}) : undefined;
        if (isRecord(node) && typeof node.id === 'string' && typeof node.kind === 'string' && typeof node.version === 'number' && isRecord(params)) {
          parseNodeParams({ id: node.id, kind: node.kind, version: node.version, params }, diagnostics);
        }
      }
      return { diagnostics };
    }
    const flow = shape.data;
    const nodes = flow.nodes.map((node) => {
      const params = parseNodeParams(node, diagnostics);
      return params ? { ...node, params } : node;
    });
    return { flow: { ...flow, nodes }, diagnostics };
  } catch (error) {
    return {
      diagnostics: [
        { severity: 'error', code: 'flow-unreadable', message: `The flow could not be read: ${(error as Error).message}` },
      ],
    };
  }
}
