/**
 * The journey of issue 8 and 12 through the API: a designer's test call placed to ring the desk waits in
 * the engine's real queues, is offered by the real dispatcher to the one adviser available (never to the
 * one on a break), rings on their desk with what the caller said and the case reference, is answered,
 * transferred to another queue and wrapped up with a code; the call record shows the queue, the agent,
 * the disposition and the note.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { startTestApi, type RunningApi } from './testing/api-harness.js';

const flow = JSON.parse(readFileSync(new URL('../desk/testing/roads-line.flow.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe.each(testDatabases())('a test call that rings the desk ($name)', (backend) => {
  let api: RunningApi;
  const store = withTestStore(backend);
  beforeAll(async () => {
    api = await startTestApi(store());
    const admin = (path: string, body: unknown) => api.call('POST', path, { as: 'admin', body });
    for (const [id, name] of [['highways', 'Highways'], ['housing', 'Housing repairs']]) expect((await admin('/api/queues', { id, name, settings: { wrapUpSeconds: 120 } })).status).toBe(201);
    expect((await admin('/api/agents', { id: 'priya', name: 'Priya Shah', userId: api.users.agent.id, endpoints: [{ kind: 'webrtc', value: 'priya' }], queueIds: ['highways'] })).status).toBe(201);
    expect((await admin('/api/agents', { id: 'sam', name: 'Sam Jones', userId: api.users.supervisor.id, endpoints: [{ kind: 'sip-user', value: 'sam' }], queueIds: ['highways', 'housing'] })).status).toBe(201);
    expect((await api.call('PUT', '/api/desk/state', { as: 'supervisor', body: { state: 'break', reasonId: 'lunch' } })).status).toBe(200);
    expect((await api.call('PUT', '/api/desk/state', { as: 'agent', body: { state: 'available' } })).status).toBe(200);
    // The designer's saved flow: the desk names its steps as the designer did.
    expect((await api.call('POST', '/api/flows', { as: 'designer', body: flow })).status).toBe(201);
  });
  afterAll(() => api?.close());

  it('queues, rings the available adviser with its context, and the record shows queue, agent, disposition and note', async () => {
    const messages: any[] = [];
    const socket = new WebSocket(`${api.base.replace('http', 'ws')}/api/test-calls`, { headers: { origin: api.base, cookie: api.users.designer.cookie } });
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    socket.send(JSON.stringify({ type: 'start', flow, desk: true, from: '+447700900777' }));
    await expect.poll(() => messages.find((m) => m.type === 'started'), { timeout: 10_000 }).toBeDefined();
    const callId = messages.find((m) => m.type === 'started').callId as string;
    await expect.poll(() => messages.some((m) => m.type === 'prompt' && /calling about/.test(m.text)), { timeout: 10_000 }).toBe(true);
    socket.send(JSON.stringify({ type: 'say', text: 'there is a pothole on the high street' }));

    // The dispatcher offers the caller to Priya (available), never to Sam (on a break).
    await expect.poll(() => api.desk.legs.legOf('priya')?.stage, { timeout: 15_000 }).toBe('ringing');
    expect(api.desk.legs.legOf('sam')).toBeUndefined();
    const desk = await api.call('GET', '/api/desk', { as: 'agent' });
    expect(desk.json.state.state).toBe('ringing');
    expect(desk.json.call).toMatchObject({ callId, answerOn: 'desk', context: { callerNumber: '+447700900777', queueName: 'Highways', variables: { caseReference: 'HW-2041' } } });
    expect(desk.json.call.context.heard).toEqual([expect.objectContaining({ kind: 'said', text: 'there is a pothole on the high street', step: 'What is it about?' })]);
    expect(desk.json.call.context.path).toEqual(['What is it about?', 'Open a case', 'Highways team']);

    expect((await api.call('POST', `/api/desk/calls/${callId}/answer`, { as: 'agent' })).status).toBe(200);
    await expect.poll(async () => (await store().agentStates.get('priya'))?.state, { timeout: 10_000 }).toBe('on_call');
    expect((await api.call('PUT', `/api/desk/calls/${callId}/note`, { as: 'agent', body: { note: 'Pothole outside no. 12; kerb also broken' } })).status).toBe(200);
    expect((await api.call('POST', `/api/desk/calls/${callId}/transfer`, { as: 'agent', body: { target: { kind: 'queue', queueId: 'housing' } } })).status).toBe(200);

    // Priya wraps up; the caller now waits in Housing repairs, where Sam (on a break) is never offered them.
    await expect.poll(async () => (await store().agentStates.get('priya'))?.state, { timeout: 10_000 }).toBe('wrap_up');
    await expect.poll(async () => (await store().acd.entries({ callId })).some((e) => e.queueId === 'housing' && e.state === 'waiting'), { timeout: 10_000 }).toBe(true);
    const view = await api.call('GET', '/api/desk', { as: 'agent' });
    expect(view.json.call).toMatchObject({ callId, note: 'Pothole outside no. 12; kerb also broken' });
    const wrapped = await api.call('POST', `/api/desk/calls/${callId}/wrap-up`, { as: 'agent', body: { dispositionId: 'referred', note: 'Pothole outside no. 12; kerb also broken. Passed to housing about the kerb.' } });
    expect(wrapped.status, wrapped.text).toBe(200);
    expect(wrapped.json.state).toBe('available');
    expect((await store().agentStates.get('sam'))?.state).toBe('break');

    socket.send(JSON.stringify({ type: 'hangup' }));
    await expect.poll(() => messages.some((m) => m.type === 'ended'), { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => (await api.call('GET', `/api/calls/${callId}`, { as: 'viewer' })).json.endedAt, { timeout: 10_000 }).toBeDefined();
    const record = await api.call('GET', `/api/calls/${callId}`, { as: 'viewer' });
    expect(record.json).toMatchObject({ kind: 'test', agentId: 'priya' });
    expect(['highways', 'housing']).toContain(record.json.queueId);
    expect(record.json.wrapUps).toEqual([
      expect.objectContaining({ agentId: 'priya', queueId: 'highways', dispositionId: 'referred', disposition: 'Referred to another team', note: 'Pothole outside no. 12; kerb also broken. Passed to housing about the kerb.' }),
    ]);
    const offered = await store().acd.events({ callId, type: 'offered' }, { page: 1, pageSize: 50 });
    expect(offered.items.map((e) => e.agentId)).toEqual(['priya']);
    socket.close();
  });
});
