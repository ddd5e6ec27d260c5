/**
 * A flow file's text with a stable key order, so that a git diff of a flow reads like a change list:
 * the flow's, nodes' and edges' own keys in the schema's order (id first), every other object's
 * keys sorted; two-space indent; a final newline.
 */
const flowKeys = ['schemaVersion', 'id', 'name', 'description', 'languages', 'entry', 'fallback', 'nodes', 'edges'];
const nodeKeys = ['id', 'kind', 'version', 'name', 'params', 'ui'];
const edgeKeys = ['id', 'from', 'outcome', 'to'];

type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function ordered(value: Json, order: readonly string[] = []): Json {
  if (Array.isArray(value)) return value.map((item) => ordered(item));
  if (!isObject(value)) return value;
  const known = order.filter((key) => key in value);
  const rest = Object.keys(value)
    .filter((key) => !order.includes(key))
    .sort();
  return Object.fromEntries([...known, ...rest].map((key) => [key, ordered(value[key])]));
}

export function canonicalFlowJson(flow: Json): string {
  const top = ordered(flow, flowKeys);
  if (isObject(top) && isObject(flow)) {
    // Replacing a key keeps its position: nodes and edges get their own key order.
    if (Array.isArray(flow.nodes)) top.nodes = flow.nodes.map((node) => ordered(node, nodeKeys));
    if (Array.isArray(flow.edges)) top.edges = flow.edges.map((edge) => ordered(edge, edgeKeys));
  }
  return `${JSON.stringify(top, null, 2)}\n`;
}
