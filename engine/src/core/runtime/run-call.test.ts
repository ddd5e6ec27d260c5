import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../ports/index.js';
import { DEFAULT_CALL_TIME, emptyWorldPorts, runFlow as call, type CallerAction } from '../../testing/call-harness.js';
import type { Flow, FlowInput } from '../flow/schema.js';
import { MAX_SUBFLOW_DEPTH, flowMachine } from './run-call.js';
import { flowOf, say } from './test-support.js';

const types = (events: CallEvent[]) => events.map((e) => `${e.type}${e.nodeId ? `@${e.nodeId}` : ''}`);

const base = (overrides: Partial<FlowInput>): Flow =>
  flowOf({ schemaVersion: 1, id: 'test', name: 'Test', entry: 'menu', nodes: [], edges: [], ...overrides });

const menuAndQueue = base({
  nodes: [
    { id: 'menu', kind: 'menu', version: 1, params: { prompt: say('For highways press 1.', 'Priffyrdd, pwyswch 1.'), options: [{ digit: '1', label: 'Highways' }] } },
    { id: 'highways', kind: 'queue', version: 1, params: { queueId: 'highways' } },
    { id: 'bye', kind: 'hangup', version: 1, params: { prompt: say('Goodbye.', 'Hwyl fawr.'), reason: 'gaveUp' } },
  ],
  edges: [
    { id: 'e1', from: 'menu', outcome: '1', to: 'highways' },
    { id: 'e2', from: 'menu', outcome: 'noInput', to: 'bye' },
    { id: 'e3', from: 'highways', outcome: 'timeout', to: 'bye' },
  ],
});

describe('runCall', () => {
  it('logs the call as numbered events on the call clock, and ends at the hangup node with its reason', async () => {
    const result = await call(menuAndQueue, [{ silence: true }, { silence: true }, { silence: true }]);
    expect(result.outcome).toBe('gaveUp');
    expect(result.endedAt).toBe('bye');
    expect(types(result.events)).toEqual([
      'call.started',
      'node.entered@menu',
      ...Array(3).fill(['prompt.played@menu', 'input.none@menu']).flat(),
      'node.outcome@menu',
      'node.entered@bye',
      'prompt.played@bye',
      'node.outcome@bye',
      'var.set@bye',
      'call.ended@bye',
    ]);
    expect(result.events.map((e) => e.seq)).toEqual(result.events.map((_, i) => i + 1));
    const times = result.events.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(15_000); // three 5 s timeouts, in simulated time
    expect(result.channel.hungUp).toBe(true);
  });

  it('gives the same events at the same times for the same script', async () => {
    const script: CallerAction[] = [{ press: '1' }, { wait: 4 }, { hangup: true }];
    const first = await call(menuAndQueue, script);
    const second = await call(menuAndQueue, script);
    expect(second.events).toEqual(first.events);
  });

  it('leaves the running node when the caller hangs up: its work is aborted and the call ends as callerHungUp', async () => {
    const result = await call(menuAndQueue, [{ press: '1' }, { wait: 4 }, { hangup: true }]);
    expect(result.outcome).toBe('callerHungUp');
    expect(result.endedAt).toBe('highways');
    expect(result.events.at(-1)).toMatchObject({ type: 'call.ended', nodeId: 'highways', data: { outcome: 'callerHungUp' } });
    expect(result.events.at(-1)!.at - DEFAULT_CALL_TIME).toBeLessThan(10_000);
    // The queue node's waits (the agent offer, the announcement timer) were all aborted.
    expect(result.clock.pendingSleeps).toBe(0);
  });

  it('ends the call as answered when the queue is answered and that outcome has no edge', async () => {
    const result = await call(menuAndQueue, [{ press: '1' }]);
    expect(result).toMatchObject({ outcome: 'answered', endedAt: 'highways', vars: { agentId: 'simulated-agent-highways' } });
    expect(result.heard).toContain('(connected to agent:simulated-agent-highways)');
  });

  it('plays prompts in the language the language node chose, falling back to the first language', async () => {
    const flow = base({
      languages: ['en-GB', 'cy-GB'],
      entry: 'welsh',
      nodes: [
        { id: 'welsh', kind: 'language', version: 1, params: { mode: 'fixed', language: 'cy-GB' } },
        { id: 'hello', kind: 'play', version: 1, params: { prompt: say('Hello {{name}}.', 'Helo {{name}}.') } },
        { id: 'english-only', kind: 'play', version: 1, params: { prompt: say('Only in English.') } },
        { id: 'bye', kind: 'hangup', version: 1, params: {} },
      ],
      edges: [
        { id: 'e1', from: 'welsh', outcome: 'done', to: 'hello' },
        { id: 'e2', from: 'hello', outcome: 'done', to: 'english-only' },
        { id: 'e3', from: 'english-only', outcome: 'done', to: 'bye' },
      ],
    });
    const result = await call(flow, [], { vars: { name: 'Siân' } });
    expect(result.channel.heard).toEqual([
      { language: 'cy-GB', text: 'Helo Siân.' },
      { language: 'en-GB', text: 'Only in English.' },
    ]);
    expect(result).toMatchObject({ outcome: 'completed', vars: { language: 'cy-GB' } });
  });

  describe('infrastructure faults', () => {
    const broken = (extraEdges: FlowInput['edges'], fallback?: FlowInput['fallback']) =>
      base({
        entry: 'lookup',
        ...(fallback ? { fallback } : {}),
        nodes: [
          // A subflow that is not published: the node throws an EngineError (subflow-missing).
          { id: 'lookup', kind: 'subflow', version: 1, params: { flowId: 'not-published', outcomes: ['done'] } },
          { id: 'sorry', kind: 'hangup', version: 1, params: { prompt: say('Our systems are down.'), reason: 'systemsDown' } },
        ],
        edges: [{ id: 'e1', from: 'lookup', outcome: 'done', to: 'sorry' }, ...extraEdges],
      });

    it('follow the node’s error edge when it has one, and are logged', async () => {
      const result = await call(broken([{ id: 'e2', from: 'lookup', outcome: 'error', to: 'sorry' }]), []);
      expect(result).toMatchObject({ outcome: 'systemsDown', endedAt: 'sorry' });
      expect(result.events.find((e) => e.type === 'error')).toMatchObject({ nodeId: 'lookup', data: { code: 'subflow-missing' } });
    });

    it('else go to the flow-wide fallback: apologise, then offer a person', async () => {
      const result = await call(broken([], { apology: { 'en-GB': 'Sorry, a problem.' }, then: { action: 'transfer', destination: 'tel:+441632960000' } }), []);
      expect(result).toMatchObject({ outcome: 'transferred', endedAt: '$fallback' });
      expect(result.heard).toEqual(['Sorry, a problem.']);
      expect(result.channel.transferredTo).toBe('tel:+441632960000');
      expect(types(result.events)).toEqual(['call.started', 'node.entered@lookup', 'error@lookup', 'node.entered@$fallback', 'prompt.played@$fallback', 'node.outcome@$fallback', 'call.ended@$fallback']);
    });

    it('else go to the fallback, which can queue the caller or end politely', async () => {
      const queued = await call(broken([], { apology: { 'en-GB': 'Sorry.' }, then: { action: 'queue', queueId: 'general' } }), []);
      expect(queued).toMatchObject({ outcome: 'answered', endedAt: '$fallback' });
      const ended = await call(broken([]), []);
      expect(ended).toMatchObject({ outcome: 'failed', endedAt: '$fallback' });
      expect(ended.heard).toEqual(["Sorry, we're having a problem with our phone system."]);
      expect(ended.channel.hangupReason).toBe('failed');
    });

    it('end the call when even the fallback fails (its transfer target is unreachable): never a dead end', async () => {
      const result = await call(broken([], { apology: { 'en-GB': 'Sorry.' }, then: { action: 'transfer', destination: 'tel:+441632960000' } }), [], {
        world: { destinations: { 'tel:+441632960000': 'failed' } },
      });
      expect(result).toMatchObject({ outcome: 'failed', endedAt: '$fallback' });
      expect(result.channel.hungUp).toBe(true);
    });
  });

  it('sends an outcome with no edge to the fallback and says so in the log', async () => {
    const result = await call(menuAndQueue, [{ press: '1' }], { world: { queues: { highways: 'closed' } } });
    expect(result).toMatchObject({ outcome: 'failed', endedAt: '$fallback' });
    expect(result.events.find((e) => e.type === 'error')).toMatchObject({ nodeId: 'highways', data: { code: 'outcome-unwired' } });
  });

  it('keeps every digit the caller types in a payment node out of the event log', async () => {
    const card = '4444333322221111';
    const flow = base({
      entry: 'pay',
      nodes: [
        { id: 'pay', kind: 'payment', version: 1, params: { amountPence: 4000, referenceVariable: 'fine' } },
        { id: 'bye', kind: 'hangup', version: 1, params: {} },
      ],
      edges: ['paid', 'declined', 'cancelled', 'failed'].map((outcome) => ({ id: outcome, from: 'pay', outcome, to: 'bye' })),
    });
    // Keyed on the (fake) Pay360 payment line the node hands the caller to.
    const result = await call(flow, [{ press: `${card}#` }, { press: '0429#' }, { press: '737#' }], { vars: { fine: 'PCN998877' } });
    const channel = result.channel;
    expect(result.vars.paymentStatus).toBe('paid');
    const logged = JSON.stringify(result.events.map((e) => e.data));
    for (const secret of [card, '0429', '737']) expect(logged).not.toContain(secret);
    // Nothing card-like anywhere after the call's own numbers in call.started.
    expect(JSON.stringify(result.events.slice(1).map((e) => e.data))).not.toMatch(/\d{12,19}/);
    expect(channel.recordingPaused).toBe(false);
  });

  it('runs a subflow with the call’s variables as they are when it starts, and takes back what it set', async () => {
    const child = base({
      id: 'child',
      entry: 'greet',
      nodes: [
        { id: 'greet', kind: 'play', version: 1, params: { prompt: say('Your reference is {{ref}}.') } },
        { id: 'mark', kind: 'set', version: 1, params: { assignments: [{ variable: 'checked', value: true }] } },
        { id: 'back', kind: 'hangup', version: 1, params: { reason: 'done' } },
      ],
      edges: [
        { id: 'c1', from: 'greet', outcome: 'done', to: 'mark' },
        { id: 'c2', from: 'mark', outcome: 'done', to: 'back' },
      ],
    });
    const parent = base({
      entry: 'remember',
      nodes: [
        { id: 'remember', kind: 'set', version: 1, params: { assignments: [{ variable: 'ref', value: 'AB12' }] } },
        { id: 'child', kind: 'subflow', version: 1, params: { flowId: 'child', outcomes: ['done'] } },
        { id: 'bye', kind: 'hangup', version: 1, params: { prompt: say('Checked: {{checked}}.') } },
      ],
      edges: [
        { id: 'p1', from: 'remember', outcome: 'done', to: 'child' },
        { id: 'p2', from: 'child', outcome: 'done', to: 'bye' },
      ],
    });
    const result = await call(parent, [], { flows: [child] });
    expect(result.heard).toEqual(['Your reference is AB12.', 'Checked: true.']);
    expect(result).toMatchObject({ outcome: 'completed', endedAt: 'bye', vars: { ref: 'AB12', checked: true } });
    expect(result.events.filter((e) => e.type === 'node.entered').map((e) => e.nodeId)).toEqual(['remember', 'child', 'child/greet', 'child/mark', 'child/back', 'bye']);
  });

  // Issue 9: flow A ran B and B ran A; the call recursed 2,000 levels deep, growing memory, until the caller hung up.
  it('stops subflows that run each other in a circle at a fixed depth, and the fallback offers a person', async () => {
    const runs = (id: string, other: string) =>
      base({
        id,
        entry: 'sub',
        fallback: { apology: { 'en-GB': `Sorry (${id}).` }, then: { action: 'transfer', destination: 'tel:+441632960000' } },
        nodes: [{ id: 'sub', kind: 'subflow', version: 1, params: { flowId: other, outcomes: ['done'] } }],
        edges: [],
      });
    const [a, b] = [runs('a', 'b'), runs('b', 'a')];
    const result = await call(a, [], { flows: [a, b] });
    const entered = result.events.filter((e) => e.type === 'node.entered' && e.nodeId?.endsWith('/sub')).length;
    expect(entered).toBe(MAX_SUBFLOW_DEPTH);
    expect(result.events.find((e) => e.type === 'error')).toMatchObject({ data: { code: 'subflow-too-deep' } });
    expect(result.channel.transferredTo).toBe('tel:+441632960000');
    // One apology, at the depth where it stopped, and then a person: not one per level.
    expect(result.heard).toEqual(['Sorry (a).']);
    expect(result.channel.hungUp).toBe(true);
  });

  it('aborts the node running inside a subflow when the caller hangs up there', async () => {
    const waitInQueue = base({ id: 'wait', entry: 'highways', nodes: [{ id: 'highways', kind: 'queue', version: 1, params: { queueId: 'highways' } }], edges: [] });
    const parent = base({
      entry: 'wait',
      nodes: [{ id: 'wait', kind: 'subflow', version: 1, params: { flowId: 'wait', outcomes: ['answered'] } }],
      edges: [],
    });
    const result = await call(parent, [{ wait: 40 }, { hangup: true }], { flows: [waitInQueue], world: { queues: { highways: { answerAfterSeconds: 600 } } } });
    expect(result).toMatchObject({ outcome: 'callerHungUp', endedAt: 'wait' });
    expect(result.heard).toEqual(Array(2).fill('You are number 1 in the queue. Thank you for waiting.'));
    // The subflow's queue node stopped waiting for an agent and for its next announcement.
    expect(result.clock.pendingSleeps).toBe(0);
  });
});

describe('a flow that was never validated', () => {
  it('still ends the call, as failed, with the reason in the log', async () => {
    const unchecked = { ...menuAndQueue, id: 'unchecked', nodes: [{ ...menuAndQueue.nodes[0]!, kind: 'teleport' }] };
    const result = await call(unchecked, []);
    expect(result).toMatchObject({ outcome: 'failed', endedAt: undefined });
    expect(result.channel).toMatchObject({ hungUp: true, hangupReason: 'failed' });
    expect(types(result.events)).toEqual(['call.started', 'error', 'call.ended']);
    expect(result.events[1]!.data.message).toBe('flow unchecked: node menu has unknown kind teleport@1');
  });
});

describe('flowMachine', () => {
  it('builds one machine per flow version and ports, even when each call wraps the same ports afresh', () => {
    const ports = emptyWorldPorts();
    const machine = flowMachine(menuAndQueue, ports);
    expect(flowMachine(menuAndQueue, { ...ports })).toBe(machine);
    expect(flowMachine(menuAndQueue, { ...ports, queue: { join: ports.queue.join } })).not.toBe(machine);
    expect(flowMachine(base({ ...menuAndQueue }), ports)).not.toBe(machine);
  });
});
