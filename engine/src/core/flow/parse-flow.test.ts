import { describe, expect, it } from 'vitest';
import { parseFlow } from './parse-flow.js';
import { smallFlow } from './test-flows.js';

describe('parseFlow', () => {
  it('reads a valid flow and applies node param defaults', () => {
    const { flow, diagnostics } = parseFlow(smallFlow());
    expect(diagnostics).toEqual([]);
    const menu = flow!.nodes.find((n) => n.id === 'menu')!;
    expect(menu.params).toMatchObject({ bargeIn: true, timeoutSeconds: 5, noInput: { retries: 2 }, noMatch: { retries: 2 } });
    // The file says menu version 1 (waits in milliseconds): it is read as the current version.
    expect(menu.version).toBe(2);
    expect(flow!.languages).toEqual(['en-GB']);
  });

  it.each([null, 42, 'flow', [1, 2]])('says a flow must be an object for %j', (json) => {
    expect(parseFlow(json)).toEqual({
      diagnostics: [{ severity: 'error', code: 'flow-invalid', message: 'A flow must be a JSON object' }],
    });
  });

  it('names the node and field of a bad param, as a dotted path inside params', () => {
    const json = smallFlow();
    json.nodes[0]!.params = { ...json.nodes[0]!.params, options: [{ digit: '1', label: 'Highways' }, { digit: '1', label: 'Again' }] };
    const { diagnostics } = parseFlow(json);
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'param-invalid', nodeId: 'menu', field: 'options.1.digit', message: expect.stringContaining('key 1 is used by two options') }),
    ]);
  });

  it('names the node and field of a pattern the engine cannot run (issue 9)', () => {
    const json = smallFlow();
    json.nodes.push({ id: 'ref', kind: 'collect-digits', version: 1, params: { prompt: { text: { 'en-GB': 'Enter it.' } }, pattern: '(\\d)\\1' } });
    json.nodes.push({
      id: 'check',
      kind: 'condition',
      version: 1,
      params: { rules: [{ outcome: 'yes', comparisons: [{ var: 'said', op: 'matches', value: '(?=yes)' }] }] },
    });
    const diagnostics = parseFlow(json).diagnostics.filter((d) => d.code === 'param-invalid');
    expect(diagnostics).toEqual([
      expect.objectContaining({ nodeId: 'ref', field: 'pattern', message: expect.stringMatching(/cannot be used/) }),
      expect.objectContaining({ nodeId: 'check', field: 'rules.0.comparisons.0.value', message: expect.stringMatching(/cannot be used/) }),
    ]);
  });

  it('reports a wrong type with the field and what was expected', () => {
    const json = smallFlow();
    json.nodes[1]!.params = { queueId: 'highways', maxWaitSeconds: 'ten' };
    const [d] = parseFlow(json).diagnostics;
    expect(d).toMatchObject({ code: 'param-invalid', nodeId: 'highways', field: 'maxWaitSeconds' });
    expect(d!.message).toBe('Queue "highways" › Max wait seconds: must be a number');
  });

  it('says when a problem is in a setting an earlier version named differently', () => {
    const json = smallFlow();
    json.nodes[0]!.params = { ...json.nodes[0]!.params, timeoutMs: 'soon' };
    const [d] = parseFlow(json).diagnostics;
    expect(d).toMatchObject({ code: 'param-invalid', nodeId: 'menu', field: 'timeoutSeconds' });
    expect(d!.message).toBe('"menu" › Wait for a key (seconds): must be a number (this step was saved as Menu version 1; its settings are read as version 2)');
  });

  it('gives one diagnostic naming an unknown kind and its version', () => {
    const json = smallFlow();
    json.nodes[1] = { id: 'highways', kind: 'teleport', version: 3, params: {} };
    expect(parseFlow(json).diagnostics).toEqual([
      {
        severity: 'error',
        code: 'node-kind-unknown',
        message: '"highways" is a kind of step this engine does not know ("teleport", version 3)',
        nodeId: 'highways',
      },
    ]);
  });

  it('gives one diagnostic naming a known kind at an unknown version', () => {
    const json = smallFlow();
    json.nodes[0]!.version = 9;
    const { diagnostics } = parseFlow(json);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'node-version-unknown', nodeId: 'menu' });
    expect(diagnostics[0]!.message).toContain('Menu step of version 9');
  });

  it('reports shape problems on the edge by id, and still checks node params in the same pass', () => {
    const json = smallFlow() as unknown as { edges: Array<Record<string, unknown>>; nodes: Array<Record<string, unknown>> };
    json.edges[0] = { id: 'e1', from: 'menu', to: 'highways' };
    json.nodes[2] = { id: 'person', kind: 'transfer', version: 1, params: { destination: 'ring-bob' } };
    const { flow, diagnostics, unreadableEdges } = parseFlow(json);
    // The flow is still read, without that edge, so the graph can be checked in the same pass.
    expect(flow?.edges.map((e) => e.id)).not.toContain('e1');
    expect(unreadableEdges).toEqual([{ from: 'menu' }]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'flow-invalid', edgeId: 'e1', field: 'outcome' }),
      expect.objectContaining({ code: 'param-invalid', nodeId: 'person', field: 'destination', message: expect.stringContaining('E.164') }),
    ]);
  });

  it('rejects unknown top-level keys and names them', () => {
    const { diagnostics } = parseFlow({ ...smallFlow(), colour: 'blue' });
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'flow-invalid', message: expect.stringContaining('colour') })]);
  });

  it('keeps a flow whose shape is right even when a node has bad params, so validation can continue', () => {
    const json = smallFlow();
    json.nodes[3]!.params = { reason: 42 };
    const { flow, diagnostics } = parseFlow(json);
    expect(flow?.nodes).toHaveLength(4);
    expect(diagnostics.map((d) => d.code)).toEqual(['param-invalid']);
  });

  it("reports params that are not an object once, as the node's shape", () => {
    const json = smallFlow() as unknown as { nodes: Array<Record<string, unknown>> };
    json.nodes[0]!.params = 'press 1';
    expect(parseFlow(json).diagnostics).toEqual([
      expect.objectContaining({ code: 'flow-invalid', nodeId: 'menu', field: 'params', message: '"menu" › Params: must be a group of settings' }),
    ]);
  });
});
