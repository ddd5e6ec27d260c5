import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from './diagnostics.js';
import { parseFlow } from './parse-flow.js';
import type { FlowInput } from './schema.js';
import { smallFlow } from './test-flows.js';
import { validateFlow } from './validate-flow.js';
import { NO_INPUT_TEXT } from '../nodes/ask.js';

/** Parse (which must succeed) then validate. */
function check(json: FlowInput, flows?: string[]): Diagnostic[] {
  const { flow, diagnostics } = parseFlow(json);
  expect(diagnostics).toEqual([]);
  return validateFlow(flow!, flows ? { flows } : {});
}

const say = (text: string, cy?: string) => ({ text: { 'en-GB': text, ...(cy ? { 'cy-GB': cy } : {}) } });
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
/** The small flow with more params on its menu. */
const smallFlowWith = (menu: Record<string, unknown>): FlowInput => {
  const json = smallFlow();
  json.nodes[0]!.params = { ...json.nodes[0]!.params, ...menu };
  return json;
};

describe('validateFlow', () => {
  it('finds nothing wrong with a well-made flow', () => {
    expect(check(smallFlow())).toEqual([]);
  });

  it('says a new, empty flow needs a first step, in plain words', () => {
    expect(check({ ...smallFlow(), entry: 'start', nodes: [], edges: [] })).toEqual([
      { severity: 'error', code: 'entry-missing', message: 'This flow is empty: drag a first step onto the canvas (calls start at the first one)', field: 'entry' },
    ]);
  });

  it('reports a missing entry on the entry field', () => {
    expect(check({ ...smallFlow(), entry: 'start' })).toEqual([
      { severity: 'error', code: 'entry-missing', message: 'Calls start at a step that no longer exists ("start"): choose where calls start with "Start the call here"', field: 'entry' },
    ]);
  });

  it('reports an edge to a node that does not exist, once', () => {
    const json = smallFlow();
    json.edges[0]!.to = 'highway';
    const ds = check(json);
    // Not also "exit 1 unwired" nor "highways unreachable": the wrong id is the one problem.
    expect(ds).toEqual([
      expect.objectContaining({ code: 'edge-dangling', edgeId: 'e1', field: 'to', message: expect.stringContaining('"highway"') }),
    ]);
  });

  it('reports an edge from a node that does not exist', () => {
    const json = smallFlow();
    json.edges.push({ id: 'e99', from: 'ghost', outcome: 'done', to: 'goodbye' });
    expect(check(json)).toEqual([expect.objectContaining({ code: 'edge-dangling', edgeId: 'e99', field: 'from' })]);
  });

  it('reports an unwired exit on the node, naming the outcome', () => {
    const json = smallFlow();
    json.edges = json.edges.filter((e) => e.id !== 'e4');
    expect(check(json)).toEqual([
      {
        severity: 'error',
        code: 'outcome-unwired',
        message: '"menu": the "No match" exit leads nowhere: connect it to the next step',
        nodeId: 'menu',
        outcome: 'noMatch',
      },
    ]);
  });

  it('accepts optional exits left unwired (a queue answered, a transfer done)', () => {
    const ds = check(smallFlow());
    expect(ds.filter((d) => d.outcome === 'answered' || d.outcome === 'transferred')).toEqual([]);
  });

  it('reports an edge following an exit the node does not have', () => {
    const json = smallFlow();
    json.edges.push({ id: 'e12', from: 'menu', outcome: '7', to: 'goodbye' });
    expect(check(json)).toEqual([
      expect.objectContaining({ code: 'edge-outcome-unknown', edgeId: 'e12', nodeId: 'menu', outcome: '7', message: expect.stringContaining('(it has "1: Highways", "0: Person", "No input" and "No match")') }),
    ]);
  });

  it('accepts an "error" edge on any node, for infrastructure faults', () => {
    const json = smallFlow();
    json.edges.push({ id: 'e12', from: 'highways', outcome: 'error', to: 'person' });
    expect(check(json)).toEqual([]);
  });

  it('reports two edges for the same exit on the second', () => {
    const json = smallFlow();
    json.edges.push({ id: 'e12', from: 'menu', outcome: '1', to: 'person' });
    expect(check(json)).toEqual([expect.objectContaining({ code: 'edge-outcome-duplicate', edgeId: 'e12', outcome: '1' })]);
  });

  it('reports duplicate node and edge ids', () => {
    const json = smallFlow();
    json.nodes.push({ id: 'goodbye', kind: 'hangup', version: 1, params: {} });
    json.edges.push({ ...json.edges[0]!, outcome: 'x' });
    const ds = check(json);
    expect(codes(ds)).toContain('node-duplicate-id');
    expect(codes(ds)).toContain('edge-duplicate-id');
    expect(ds.find((d) => d.code === 'node-duplicate-id')).toMatchObject({ nodeId: 'goodbye' });
  });

  it('reports an unreachable group of nodes once, on the node that starts it', () => {
    const json = smallFlow();
    json.nodes.push(
      { id: 'orphan', kind: 'play', version: 1, params: { prompt: say('Hello') } },
      { id: 'orphan-end', kind: 'hangup', version: 1, params: {} },
    );
    json.edges.push({ id: 'o1', from: 'orphan', outcome: 'done', to: 'orphan-end' });
    expect(check(json)).toEqual([
      expect.objectContaining({ code: 'node-unreachable', nodeId: 'orphan', message: expect.stringContaining('nor can the 1 step after it') }),
    ]);
  });

  it('reports a loop in which nothing waits for the caller', () => {
    const json = smallFlow();
    json.nodes.push(
      { id: 'count', kind: 'set', version: 1, params: { assignments: [{ variable: 'n', value: 1 }] } },
      { id: 'check', kind: 'condition', version: 1, params: { rules: [{ outcome: 'again', comparisons: [{ var: 'n', op: 'lt', value: 3 }] }] } },
    );
    json.edges.find((e) => e.id === 'e3')!.to = 'count';
    json.edges.push(
      { id: 'l1', from: 'count', outcome: 'done', to: 'check' },
      { id: 'l2', from: 'check', outcome: 'again', to: 'count' },
      { id: 'l3', from: 'check', outcome: 'else', to: 'goodbye' },
    );
    expect(check(json)).toEqual([
      expect.objectContaining({ code: 'loop-without-wait', nodeId: 'count', message: expect.stringContaining('Set variables "count" and Condition "check" form a loop') }),
    ]);
  });

  it('accepts a loop through a node that waits for the caller (a menu asking again)', () => {
    const json = smallFlow();
    json.nodes.push({ id: 'sorry', kind: 'play', version: 1, params: { prompt: say('Let me repeat that.') } });
    json.edges.find((e) => e.id === 'e3')!.to = 'sorry';
    json.edges.push({ id: 'r1', from: 'sorry', outcome: 'done', to: 'menu' });
    expect(check(json)).toEqual([]);
  });

  it('reports callers going round in circles with no way to a person or an end, once', () => {
    const json: FlowInput = {
      schemaVersion: 1,
      id: 'circles',
      name: 'Circles',
      entry: 'hello',
      nodes: [
        { id: 'hello', kind: 'play', version: 1, params: { prompt: say('Hello') } },
        { id: 'again', kind: 'play', version: 1, params: { prompt: say('Again') } },
      ],
      edges: [
        { id: 'a', from: 'hello', outcome: 'done', to: 'again' },
        { id: 'b', from: 'again', outcome: 'done', to: 'hello' },
      ],
    };
    expect(check(json)).toEqual([expect.objectContaining({ code: 'no-way-out', nodeId: 'hello', message: expect.stringContaining('go round in circles') })]);
  });

  it('warns when a menu offers no way to a person', () => {
    const json = smallFlow();
    json.edges = json.edges.map((e) => (e.from === 'menu' && e.to === 'person' ? { ...e, to: 'goodbye' } : e));
    json.nodes = json.nodes.filter((n) => n.id !== 'person');
    json.edges = json.edges.filter((e) => e.from !== 'person');
    for (const e of json.edges) if (e.from === 'highways' && e.to === 'person') e.to = 'goodbye';
    json.edges = json.edges.filter((e) => e.id !== 'e1');
    json.edges.push({ id: 'e1', from: 'menu', outcome: '1', to: 'goodbye' });
    json.nodes = json.nodes.filter((n) => n.id !== 'highways');
    json.edges = json.edges.filter((e) => e.from !== 'highways');
    expect(check(json)).toEqual([{ severity: 'warning', code: 'menu-no-person', message: expect.any(String), nodeId: 'menu' }]);
  });

  it('reports each prompt missing a language the flow offers, at the prompt text field', () => {
    const json = { ...smallFlow(), languages: ['en-GB', 'cy-GB'] };
    json.fallback = { apology: { 'en-GB': 'Sorry.', 'cy-GB': 'Mae’n ddrwg gen i.' }, then: { action: 'hangup' } };
    const ds = check(json);
    expect(ds.map((d) => [d.nodeId, d.field])).toEqual([
      ['menu', 'prompt.text.cy-GB'],
      ['goodbye', 'prompt.text.cy-GB'],
    ]);
    expect(ds[0]).toMatchObject({ code: 'prompt-missing-language', severity: 'error' });
  });

  it('warns about a {{variable}} no node sets, but not about those a node fills itself or the call starts with', () => {
    const json = smallFlow();
    json.nodes[3]!.params = { prompt: say('Goodbye {{name}}, case {{caseRef}}.') };
    json.nodes[1]!.params = { queueId: 'highways', announcement: say('You are number {{queuePosition}}.') };
    json.nodes.push({ id: 'ref', kind: 'collect-digits', version: 1, params: { prompt: say('Enter it'), variable: 'caseRef', confirm: { enabled: true } } });
    json.edges.find((e) => e.id === 'e3')!.to = 'ref';
    json.edges.push({ id: 'r1', from: 'ref', outcome: 'done', to: 'goodbye' }, { id: 'r2', from: 'ref', outcome: 'noInput', to: 'person' }, { id: 'r3', from: 'ref', outcome: 'invalid', to: 'person' });
    expect(check(json)).toEqual([
      {
        severity: 'warning',
        code: 'variable-never-set',
        message: 'End call "goodbye" › Prompt says {{name}}, but no step in this flow sets "name" (it will be empty unless the call starts with it)',
        nodeId: 'goodbye',
        field: 'prompt',
      },
    ]);
    const { flow } = parseFlow(json);
    expect(validateFlow(flow!, { variables: ['name'] })).toEqual([]);
  });

  it('warns when a standard prompt is changed in English but its Welsh is still the standard text', () => {
    const json = { ...smallFlow(), languages: ['en-GB', 'cy-GB'] };
    json.fallback = { apology: { 'en-GB': 'Sorry.', 'cy-GB': 'Mae’n ddrwg gen i.' }, then: { action: 'hangup' } };
    // As the designer leaves it: a new menu's re-prompt starts with the standard English and Welsh, and only the English is edited.
    json.nodes[0]!.params = { ...json.nodes[0]!.params, prompt: say('Press 1 or 0.', 'Pwyswch 1 neu 0.'), noInput: { prompt: say('Are you still there?', NO_INPUT_TEXT['cy-GB']) } };
    json.nodes[3]!.params = { prompt: say('Goodbye.', 'Hwyl fawr.') };
    const ds = check(json);
    // The English was changed; the default Welsh ("chlywais i ddim byd") now says something else.
    expect(ds.map((d) => [d.code, d.nodeId, d.field])).toEqual([['prompt-translation-stale', 'menu', 'noInput.prompt.text.cy-GB']]);
    expect(ds[0]).toMatchObject({ severity: 'warning', message: expect.stringContaining('the English was changed, but the Welsh is still the standard text') });
    // An English-only flow has nothing to translate.
    expect(check(smallFlowWith({ noInput: { prompt: say('Are you still there?', NO_INPUT_TEXT['cy-GB']) } }))).toEqual([]);
  });

  it('accepts a recorded prompt id in place of text', () => {
    const json = { ...smallFlow(), languages: ['en-GB', 'cy-GB'] };
    json.fallback = { apology: { 'en-GB': 'Sorry.', 'cy-GB': 'Mae’n ddrwg gen i.' } };
    json.nodes[0]!.params = { ...json.nodes[0]!.params, prompt: { promptId: 'main-menu' } };
    json.nodes[3]!.params = { prompt: say('Goodbye.', 'Hwyl fawr.') };
    expect(check(json)).toEqual([]);
  });

  it('reports a fallback apology missing a language, and a bad fallback destination', () => {
    const json = { ...smallFlow(), languages: ['en-GB', 'cy-GB'], fallback: { then: { action: 'transfer' as const, destination: 'reception' } } };
    json.nodes[0]!.params = { ...json.nodes[0]!.params, prompt: { promptId: 'main-menu' } };
    json.nodes[3]!.params = {};
    const ds = check(json);
    expect(ds.map((d) => [d.code, d.field])).toEqual([
      ['fallback-destination-invalid', 'fallback.then.destination'],
      ['prompt-missing-language', 'fallback.apology.cy-GB'],
    ]);
  });

  it('reports a language switch to a language the flow does not offer', () => {
    const json = smallFlow();
    json.nodes.push({ id: 'welsh', kind: 'language', version: 1, params: { mode: 'fixed', language: 'cy-GB' } });
    json.entry = 'welsh';
    json.edges.push({ id: 'w', from: 'welsh', outcome: 'done', to: 'menu' });
    expect(check(json)).toEqual([expect.objectContaining({ code: 'language-not-offered', nodeId: 'welsh' })]);
  });

  it('checks subflow ids against the flows that exist, when known', () => {
    const json = smallFlow();
    json.nodes.push({ id: 'pay', kind: 'subflow', version: 1, params: { flowId: 'payments', outcomes: ['paid', 'notPaid'] } });
    json.edges.find((e) => e.id === 'e3')!.to = 'pay';
    json.edges.push({ id: 's1', from: 'pay', outcome: 'paid', to: 'goodbye' }, { id: 's2', from: 'pay', outcome: 'notPaid', to: 'person' });
    expect(check(json)).toEqual([]);
    expect(check(json, ['payments'])).toEqual([]);
    expect(check(json, ['main-line'])).toEqual([expect.objectContaining({ code: 'subflow-unknown', nodeId: 'pay', field: 'flowId' })]);
    json.nodes.at(-1)!.params = { flowId: 'small', outcomes: ['paid', 'notPaid'] };
    expect(check(json)).toEqual([expect.objectContaining({ code: 'subflow-recursive', nodeId: 'pay' })]);
  });

  it('checks stored schedule ids against the schedules that exist, when known', () => {
    const json = smallFlow();
    json.nodes.push({ id: 'hours', kind: 'schedule', version: 2, name: 'Office hours?', params: { scheduleId: 'office' } });
    json.entry = 'hours';
    json.edges.push({ id: 'h1', from: 'hours', outcome: 'open', to: 'menu' }, { id: 'h2', from: 'hours', outcome: 'closed', to: 'goodbye' }, { id: 'h3', from: 'hours', outcome: 'holiday', to: 'goodbye' });
    expect(check(json)).toEqual([]);
    expect(check(json, undefined)).toEqual([]);
    const { flow } = parseFlow(json);
    expect(validateFlow(flow!, { schedules: ['office'] })).toEqual([]);
    expect(validateFlow(flow!, { schedules: ['weekend'] })).toEqual([
      expect.objectContaining({ code: 'schedule-unknown', nodeId: 'hours', field: 'scheduleId', message: expect.stringContaining('Opening hours "Office hours?" checks opening hours that do not exist ("office")') }),
    ]);
  });

  // Issue 9: flow A ran B, B ran A; it passed validation and recursed 2,000 levels deep.
  it('finds a subflow chain that comes back to the flow through published flows', () => {
    const json = smallFlow();
    json.nodes.push({ id: 'pay', kind: 'subflow', version: 1, params: { flowId: 'payments', outcomes: ['paid', 'notPaid'] } });
    json.edges.find((e) => e.id === 'e3')!.to = 'pay';
    json.edges.push({ id: 's1', from: 'pay', outcome: 'paid', to: 'goodbye' }, { id: 's2', from: 'pay', outcome: 'notPaid', to: 'person' });
    const { flow } = parseFlow(json);
    const runs = (id: string, flowId: string) =>
      parseFlow({
        schemaVersion: 1,
        id,
        name: id,
        entry: 'sub',
        nodes: [{ id: 'sub', kind: 'subflow', version: 1, params: { flowId, outcomes: ['done'] } }],
        edges: [],
      }).flow!;
    expect(validateFlow(flow!, { published: [runs('payments', 'refunds'), runs('refunds', 'other')] })).toEqual([]);
    expect(validateFlow(flow!, { published: [runs('payments', 'refunds'), runs('refunds', 'small')] })).toEqual([
      expect.objectContaining({
        code: 'subflow-cycle',
        nodeId: 'pay',
        field: 'flowId',
        message: expect.stringContaining('Subflow "pay" runs "payments", which runs "refunds", which runs "Small"'),
      }),
    ]);
  });

  it.each([
    ['queue', { queueId: 'highways' }, ['timeout', 'full', 'closed', 'noAgents']],
    ['transfer', { destination: 'tel:+441632960000' }, ['busy', 'noAnswer', 'failed']],
  ])('flags a %s whose every exit leads back to itself (it would retry at once, for ever)', (kind, params, outcomes) => {
    const json: FlowInput = {
      schemaVersion: 1,
      id: 'spin',
      name: 'Spin',
      entry: 'n',
      nodes: [{ id: 'n', kind, version: 1, params }],
      edges: outcomes.map((outcome, i) => ({ id: `e${i}`, from: 'n', outcome, to: 'n' })),
    };
    expect(check(json)).toEqual([expect.objectContaining({ severity: 'error', code: 'node-loops-on-itself', nodeId: 'n' })]);
    // One exit that goes on is enough.
    json.nodes.push({ id: 'bye', kind: 'hangup', version: 1, params: { prompt: say('Goodbye.') } });
    json.edges[0]!.to = 'bye';
    expect(check(json)).toEqual([]);
  });

  // Issue 9: an http node's Authorization header was stored, exported, shown to viewers and audited in clear text.
  describe('secrets in http nodes', () => {
    const withHttp = (params: Record<string, unknown>): FlowInput => {
      const json = smallFlow();
      json.nodes.push({ id: 'lookup', kind: 'http', version: 1, params: { url: 'https://api.westshire.gov.uk/cases', ...params } });
      json.entry = 'lookup';
      json.edges.push(
        { id: 'h1', from: 'lookup', outcome: 'ok', to: 'menu' },
        { id: 'h2', from: 'lookup', outcome: 'error', to: 'menu' },
        { id: 'h3', from: 'lookup', outcome: 'timeout', to: 'menu' },
      );
      return json;
    };

    it('warns about a credential typed into a header or the URL, naming the field', () => {
      expect(check(withHttp({ headers: { Authorization: 'Bearer sk_live_51HxQ2abc' } }))).toEqual([
        expect.objectContaining({ severity: 'warning', code: 'credential-in-flow', nodeId: 'lookup', field: 'headers.Authorization' }),
      ]);
      expect(check(withHttp({ url: 'https://api.westshire.gov.uk/cases?api_key=9f8e7d6c5b4a', headers: { 'X-Api-Key': 'abcdef0123456789' } })).map((d) => d.field)).toEqual([
        'headers.X-Api-Key',
        'url',
      ]);
      expect(check(withHttp({ headers: { Authorization: 'Bearer {{secret:COUNCIL_KEY}}', 'X-Api-Key': '{{token}}', Accept: 'application/json' } }))).toEqual([]);
    });

    it('checks secret names against the secrets that exist, when known', () => {
      const { flow } = parseFlow(withHttp({ headers: { Authorization: 'Bearer {{secret:COUNCIL_KEY}}' }, body: '{"pin":"{{secret:PIN}}"}' }));
      expect(validateFlow(flow!)).toEqual([]);
      expect(validateFlow(flow!, { secrets: ['COUNCIL_KEY', 'PIN'] })).toEqual([]);
      expect(validateFlow(flow!, { secrets: ['PIN'] })).toEqual([
        expect.objectContaining({ severity: 'error', code: 'secret-unknown', nodeId: 'lookup', field: 'headers.Authorization' }),
      ]);
    });
  });

  it('skips nodes whose params parseFlow already rejected instead of reporting them twice', () => {
    const json = smallFlow();
    json.nodes[1]!.params = { queueId: '' };
    const { flow, diagnostics } = parseFlow(json);
    expect(codes(diagnostics)).toEqual(['param-invalid']);
    expect(validateFlow(flow!)).toEqual([]);
  });
});

describe('diagnostic codes', () => {
  it('are all documented', async () => {
    const { FLOW_DIAGNOSTIC_CODES } = await import('./diagnostics.js');
    const source = ['./parse-flow.ts', './validate-flow.ts', './subflow-cycles.ts', '../nodes/http/http.node.ts'].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n');
    const used = new Set([...source.matchAll(/code: '([a-z-]+)'/g)].map((m) => m[1]!));
    for (const code of ['node-kind-unknown', 'node-version-unknown']) used.add(code);
    expect([...used].sort()).toEqual(Object.keys(FLOW_DIAGNOSTIC_CODES).sort());
  });
});
