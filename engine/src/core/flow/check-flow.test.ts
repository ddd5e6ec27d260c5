import { describe, expect, it } from 'vitest';
import { checkFlow } from './check-flow.js';
import { smallFlow } from './test-flows.js';

const codes = (ds: ReadonlyArray<{ code: string }>) => ds.map((d) => d.code).sort();

describe('checkFlow: every problem in one pass', () => {
  it('reports bad params and an unknown kind together with the graph problems elsewhere', () => {
    const json = smallFlow();
    json.nodes[1]!.params = { queueId: '' }; // bad params on the queue
    json.nodes[3]!.kind = 'teleport'; // an unknown kind
    json.edges[8]!.to = 'nowhere'; // a dangling edge elsewhere (person busy →)
    json.nodes.push({ id: 'lonely', kind: 'hangup', version: 1, params: {} }); // unreachable
    const { flow, diagnostics } = checkFlow(json);
    expect(flow).toBeDefined();
    expect(codes(diagnostics)).toEqual(['edge-dangling', 'node-kind-unknown', 'param-invalid']);
    // With the dangling edge fixed, the unreachable node shows too (a wrong id may be meant for it, so it waits).
    json.edges[8]!.to = 'goodbye';
    expect(codes(checkFlow(json).diagnostics)).toEqual(['node-kind-unknown', 'node-unreachable', 'param-invalid']);
  });

  it('still checks the graph when one node or edge is malformed', () => {
    const json = smallFlow();
    (json.edges[0] as Record<string, unknown>).colour = 'red'; // an unknown key on one edge
    delete (json.nodes[2] as Record<string, unknown>).kind; // a node with no kind
    json.edges[9]!.to = 'nowhere'; // and a dangling edge elsewhere
    const { diagnostics } = checkFlow(json);
    expect(diagnostics.filter((d) => d.code === 'flow-invalid').map((d) => [d.edgeId ?? d.nodeId, d.field])).toEqual([
      ['person', 'kind'],
      ['e1', undefined],
    ]);
    expect(diagnostics.find((d) => d.code === 'edge-dangling')).toMatchObject({ edgeId: 'e10', field: 'to' });
    // The malformed node is still a node: edges into it are not dangling, and its exits are not reported unwired.
    expect(diagnostics.filter((d) => d.nodeId === 'person' || d.edgeId === 'e2')).toHaveLength(1);
  });

  it('gives up on the graph only when the file is not a flow at all', () => {
    expect(checkFlow({ schemaVersion: 2, nodes: [] }).flow).toBeUndefined();
    expect(checkFlow('hello').diagnostics).toEqual([expect.objectContaining({ code: 'flow-invalid' })]);
  });
});
