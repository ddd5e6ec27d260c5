import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { DeskLegRegistry } from '../desk/desk-legs.js';
import { DeskService } from '../desk/desk-service.js';
import type { CallEvent } from '../ports/call-events.js';
import type { Store } from '../ports/store.js';
import { startTestApi, type RunningApi } from './testing/api-harness.js';

const expectProblem = (reply: { status: number; json: any }, status: number, path?: string) => {
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  if (path) expect(reply.json.errors.map((e: { path: string }) => e.path)).toContain(path);
};

const CALLER = '+447700900111';

/** A test call's record and event log as the runtime writes them: a flow with a speech step, a payment, a queue. */
async function recordCall(store: Store, api: RunningApi, callId: string, startedAt: Date): Promise<void> {
  await store.calls.start({ id: callId, kind: 'test', from: CALLER, to: '+441234500000', flowId: 'desk-line', startedAt, engineInstanceId: api.engineInstanceId });
  const at = startedAt.getTime();
  const events: Array<Omit<CallEvent, 'callId' | 'seq'>> = [
    { at, type: 'call.started', data: {} },
    { at: at + 100, type: 'node.entered', nodeId: 'ask', data: { kind: 'speech' } },
    { at: at + 4000, type: 'input.speech', nodeId: 'ask', data: { transcript: 'there is a pothole on the high street', confidence: 0.9 } },
    { at: at + 4100, type: 'var.set', nodeId: 'ask', data: { name: 'caseReference', value: 'HW-2041' } },
    { at: at + 4200, type: 'node.entered', nodeId: 'pay', data: { kind: 'payment' } },
    { at: at + 9000, type: 'input.digits', nodeId: 'pay', data: { digits: '•••' } },
    { at: at + 9100, type: 'var.set', nodeId: 'pay', data: { name: 'paymentReference', value: 'P-1' } },
    { at: at + 9200, type: 'node.entered', nodeId: 'wait', data: { kind: 'queue' } },
  ];
  await store.calls.appendEvents(events.map((e, i) => ({ ...e, callId, seq: i + 1 })));
}

/** A desk websocket as the browser opens it (the session cookie, the engine's own origin). */
function openDesk(api: RunningApi, path = '/api/desk/live', as: 'agent' | 'supervisor' = 'agent') {
  const messages: any[] = [];
  const ws = new WebSocket(`${api.base.replace('http', 'ws')}${path}`, { headers: { cookie: api.users[as].cookie, origin: api.base } });
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (match: (m: any) => boolean) => {
    await expect.poll(() => messages.find(match), { timeout: 10_000 }).toBeDefined();
    return messages.find(match);
  };
  return { ws, messages, opened, next };
}

describe.each(testDatabases())('the agent desk over HTTP and its websocket ($name)', (backend) => {
  let api: RunningApi;
  const store = withTestStore(backend);
  const callId = `test-desk-${backend.name}`;
  beforeAll(async () => {
    api = await startTestApi(store());
    const admin = (path: string, body: unknown) => api.call('POST', path, { as: 'admin', body });
    expect((await admin('/api/queues', { id: 'highways', name: 'Highways' })).status).toBe(201);
    expect((await admin('/api/queues', { id: 'housing', name: 'Housing' })).status).toBe(201);
    expect((await admin('/api/agents', { id: 'priya', name: 'Priya Shah', userId: api.users.agent.id, endpoints: [{ kind: 'webrtc', value: 'priya' }, { kind: 'pstn', value: '+447700900123' }], queueIds: ['highways'] })).status).toBe(201);
    expect((await admin('/api/agents', { id: 'sam', name: 'Sam Jones', queueIds: ['highways'] })).status).toBe(201);
    const flow = {
      schemaVersion: 1,
      id: 'desk-line',
      name: 'Desk line',
      entry: 'ask',
      nodes: [
        { id: 'ask', kind: 'speech', version: 1, name: 'What is it about?', params: {}, ui: { x: 0, y: 0 } },
        { id: 'pay', kind: 'payment', version: 1, name: 'Take the fee', params: {}, ui: { x: 0, y: 100 } },
        { id: 'wait', kind: 'queue', version: 1, name: 'Highways team', params: {}, ui: { x: 0, y: 200 } },
      ],
      edges: [],
    };
    expect((await store().flows.create({ draft: flow }, 'system:test')).kind).toBe('created');
    // An earlier call from the same number, wrapped up by Sam.
    await recordCall(store(), api, `${callId}-before`, new Date(Date.now() - 3 * 86_400_000));
    await store().desk.wrapUp({ callId: `${callId}-before`, agentId: 'sam', dispositionId: 'report-taken', note: 'Pothole reported, ref HW-1999' }, new Date(), 'sam');
    await recordCall(store(), api, callId, new Date(Date.now() - 60_000));
  });
  afterAll(() => api?.close());

  it('shows the adviser their desk and lets them go available; a user with no agent is told how to get one', async () => {
    const desk = await api.call('GET', '/api/desk', { as: 'agent' });
    expect(desk.status, desk.text).toBe(200);
    expect(desk.json).toMatchObject({ agent: { id: 'priya', name: 'Priya Shah', activeEndpoint: 0 }, state: { state: 'offline' } });
    expect(desk.json.breakReasons.map((r: { name: string }) => r.name)).toContain('Lunch');
    expect(desk.json.dispositionCodes.map((r: { id: string }) => r.id)).toContain('report-taken');
    expectProblem(await api.call('GET', '/api/desk', { as: 'supervisor' }), 409);
    expectProblem(await api.call('GET', '/api/desk', { as: 'designer' }), 403);

    expect((await api.call('PUT', '/api/desk/state', { as: 'agent', body: { state: 'break', reasonId: 'lunch' } })).json).toMatchObject({ state: 'break', reason: 'Lunch' });
    expect((await api.call('PUT', '/api/desk/state', { as: 'agent', body: { state: 'available' } })).json).toMatchObject({ state: 'available' });
    expect((await api.call('PUT', '/api/desk/endpoint', { as: 'agent', body: { activeEndpoint: 1 } })).json).toEqual({ activeEndpoint: 1 });
    expectProblem(await api.call('PUT', '/api/desk/endpoint', { as: 'agent', body: { activeEndpoint: 5 } }), 422, 'body.activeEndpoint');
    await api.call('PUT', '/api/desk/endpoint', { as: 'agent', body: { activeEndpoint: 0 } });
  });

  it('rings a test call on the desk with its context, then answer, hold, note, transfer and wrap-up reach the call record', async () => {
    const desk = openDesk(api);
    await desk.opened;
    await desk.next((m) => m.type === 'view' && m.view.state.state === 'available');

    const leg = { callId, agentId: 'priya' };
    const ringing = api.desk.legs.ring(leg, new AbortController().signal);
    const offered = await desk.next((m) => m.type === 'view' && m.view.call?.callId === callId);
    expect(offered.view.state.state).toBe('ringing');
    const { context } = offered.view.call;
    expect(offered.view.call.answerOn).toBe('desk');
    expect(context).toMatchObject({ callerNumber: CALLER, kind: 'test', path: ['What is it about?', 'Take the fee', 'Highways team'] });
    expect(context.heard).toEqual([expect.objectContaining({ kind: 'said', text: 'there is a pothole on the high street', step: 'What is it about?' })]);
    // What was set in the payment step, and what was keyed there, never reaches the desk.
    expect(context.variables).toEqual({ caseReference: 'HW-2041' });
    expect(JSON.stringify(offered.view)).not.toContain('•••');
    expect(context.waitingSince).toBeDefined();
    expect(context.previousCalls).toEqual([expect.objectContaining({ callId: `${callId}-before`, disposition: 'Report taken', note: 'Pothole reported, ref HW-1999' })]);

    expectProblem(await api.call('POST', `/api/desk/calls/${callId}/hold`, { as: 'agent', body: { on: true } }), 409);
    expect((await api.call('POST', `/api/desk/calls/${callId}/answer`, { as: 'agent' })).json).toEqual({ stage: 'talking', held: false });
    await expect(ringing).resolves.toBe('answered');
    const talking = api.desk.legs.talk(leg, new AbortController().signal);
    expect((await api.call('POST', `/api/desk/calls/${callId}/hold`, { as: 'agent', body: { on: true } })).json).toEqual({ stage: 'talking', held: true });
    await desk.next((m) => m.type === 'view' && m.view.call?.leg?.held === true);
    expect((await api.call('PUT', `/api/desk/calls/${callId}/note`, { as: 'agent', body: { note: 'Caller reports a pothole outside no. 12' } })).status).toBe(200);
    expectProblem(await api.call('PUT', `/api/desk/calls/${callId}/note`, { as: 'agent', body: { note: 'card 4111 1111 1111 1111' } }), 400, 'body.note');
    expectProblem(await api.call('POST', `/api/desk/calls/${callId}/transfer`, { as: 'agent', body: { target: { kind: 'queue', queueId: 'nowhere' } } }), 422, 'body.target.queueId');
    const moved = await api.call('POST', `/api/desk/calls/${callId}/transfer`, { as: 'agent', body: { target: { kind: 'queue', queueId: 'housing' } } });
    expect(moved.json).toMatchObject({ to: 'queue housing' });
    await expect(talking).resolves.toEqual({ kind: 'transferred', target: { kind: 'queue', queueId: 'housing' } });

    // Someone else's call is not this adviser's to note.
    expectProblem(await api.call('PUT', `/api/desk/calls/${callId}-before/note`, { as: 'agent', body: { note: 'x' } }), 403);
    expectProblem(await api.call('POST', `/api/desk/calls/${callId}/wrap-up`, { as: 'agent', body: { dispositionId: 'no-such-code' } }), 422, 'body.dispositionId');
    const wrapped = await api.call('POST', `/api/desk/calls/${callId}/wrap-up`, { as: 'agent', body: { dispositionId: 'referred', note: 'Caller reports a pothole outside no. 12; passed to housing about the kerb' } });
    expect(wrapped.status, wrapped.text).toBe(200);
    expect(wrapped.json).toMatchObject({ disposition: 'Referred to another team', state: 'available' });

    const record = await api.call('GET', `/api/calls/${callId}`, { as: 'viewer' });
    expect(record.json.wrapUps).toEqual([
      expect.objectContaining({ agentId: 'priya', dispositionId: 'referred', disposition: 'Referred to another team', note: 'Caller reports a pothole outside no. 12; passed to housing about the kerb', by: 'agent' }),
    ]);
    desk.ws.close();
  });

  it('shows a supervisor every agent and queue, live', async () => {
    const team = await api.call('GET', '/api/supervisor/team', { as: 'supervisor' });
    expect(team.json.agents.map((a: { id: string; state: { state: string } }) => [a.id, a.state.state])).toEqual([
      ['priya', 'available'],
      ['sam', 'offline'],
    ]);
    expect(team.json.queues.find((q: { id: string }) => q.id === 'highways')).toMatchObject({ available: 1, loggedIn: 1 });
    expectProblem(await api.call('GET', '/api/supervisor/team', { as: 'agent' }), 403);

    const live = openDesk(api, '/api/desk/team', 'supervisor');
    await live.opened;
    await live.next((m) => m.type === 'team');
    await api.call('PUT', '/api/agents/sam/state', { as: 'supervisor', body: { state: 'break', reasonId: 'training' } });
    const changed = await live.next((m) => m.type === 'team' && m.team.agents.some((a: any) => a.id === 'sam' && a.state.state === 'break'));
    expect(changed.team.agents.find((a: any) => a.id === 'sam').state.reason).toBe('Training');
    live.ws.close();
  });

  it('refuses the desk socket to strangers, other sites and users without the role', async () => {
    const stranger = new WebSocket(`${api.base.replace('http', 'ws')}/api/desk/live`, { headers: { origin: api.base } });
    await expect(new Promise((resolve, reject) => (stranger.once('open', resolve), stranger.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))))))).rejects.toThrow('401');
    const otherSite = new WebSocket(`${api.base.replace('http', 'ws')}/api/desk/live`, { headers: { cookie: api.users.agent.cookie, origin: 'https://evil.example' } });
    await expect(new Promise((resolve, reject) => (otherSite.once('open', resolve), otherSite.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))))))).rejects.toThrow('403');
    const designer = new WebSocket(`${api.base.replace('http', 'ws')}/api/desk/live`, { headers: { cookie: api.users.designer.cookie, origin: api.base } });
    await expect(new Promise((resolve, reject) => (designer.once('open', resolve), designer.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))))))).rejects.toThrow('403');
    const notTeam = new WebSocket(`${api.base.replace('http', 'ws')}/api/desk/team`, { headers: { cookie: api.users.agent.cookie, origin: api.base } });
    await expect(new Promise((resolve, reject) => (notTeam.once('open', resolve), notTeam.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))))))).rejects.toThrow('403');
  });

  it('sets an adviser offline once their every desk has been closed for the grace period, and not before', async () => {
    const desk = openDesk(api);
    await desk.opened;
    await desk.next((m) => m.type === 'view');
    desk.ws.close();
    await api.call('PUT', '/api/desk/state', { as: 'agent', body: { state: 'available' } });
    const later = { now: Date.now() };
    const legs = new DeskLegRegistry();
    const sweeper = new DeskService({
      store: store(),
      now: () => later.now,
      engineInstanceId: api.engineInstanceId,
      legs,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      settings: { offlineGraceSeconds: 60, previousCallsDays: 30 },
      pollMs: 60_000,
      sweepMs: 60_000,
    });
    try {
      // A fresh desk reconnects within the grace period: still available.
      const again = openDesk(api);
      await again.opened;
      await again.next((m) => m.type === 'view');
      later.now = Date.now() + 120_000;
      expect(await sweeper.sweep()).toEqual([]);
      again.ws.close();
      await expect.poll(async () => (await store().agentStates.get('priya'))?.state).toBe('available');
      // Closed, and two minutes pass: offline, by the system, saying why.
      await new Promise((resolve) => setTimeout(resolve, 300));
      later.now = Date.now() + 120_000;
      expect(await sweeper.sweep()).toEqual(['priya']);
      expect(await store().agentStates.get('priya')).toMatchObject({ state: 'offline', reason: 'desk closed' });
      const history = await store().agentStates.history('priya', { page: 1, pageSize: 1 });
      expect(history.items[0]).toMatchObject({ state: 'offline', actor: 'system:desk' });
    } finally {
      await sweeper.close();
    }
  });
});
