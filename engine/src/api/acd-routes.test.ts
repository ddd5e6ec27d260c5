import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { startTestApi, type RunningApi } from './testing/api-harness.js';

const expectProblem = (reply: { status: number; contentType: string; json: any }, status: number, path?: string) => {
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  expect(reply.contentType).toMatch(/^application\/problem\+json/);
  if (path) expect(reply.json.errors.map((e: { path: string }) => e.path)).toContain(path);
};

describe.each(testDatabases())('queues, agents and the desk’s settings over HTTP ($name)', (backend) => {
  let api: RunningApi;
  const store = withTestStore(backend);
  beforeAll(async () => {
    api = await startTestApi(store());
    await api.call('POST', '/api/schedules', { as: 'publisher', body: { id: 'office', name: 'Office hours', definition: { weekly: [] } } });
  });
  afterAll(() => api?.close());

  it('keeps a queue’s full settings, answers with defaults filled in, and names a bad setting by its path', async () => {
    const created = await api.call('POST', '/api/queues', {
      as: 'admin',
      body: {
        id: 'housing',
        name: 'Housing',
        serviceLine: 'Housing',
        scheduleId: 'office',
        settings: { maxWaitSeconds: 600, overflow: { kind: 'voicemail' }, callback: { enabled: true, offerAfterSeconds: 120 }, serviceLevel: { answeredWithinSeconds: [20, 180] } },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ id: 'housing', serviceLine: 'Housing', scheduleId: 'office' });
    expect(created.json.settings).toMatchObject({
      maxWaitSeconds: 600,
      overflow: { kind: 'voicemail' },
      callback: { enabled: true, offerAfterSeconds: 120, key: '1', maxAttempts: 3 },
      wrapUpSeconds: 30,
      treatment: { announceEverySeconds: 45 },
    });
    expectProblem(await api.call('POST', '/api/queues', { as: 'admin', body: { id: 'x', name: 'X', settings: { wrapUpSeconds: -1 } } }), 400, 'body.settings.wrapUpSeconds');
    expectProblem(await api.call('POST', '/api/queues', { as: 'admin', body: { id: 'x', name: 'X', settings: { overflow: { kind: 'queue' } } } }), 400, 'body.settings.overflow.queueId');
    expectProblem(await api.call('POST', '/api/queues', { as: 'admin', body: { id: 'x', name: 'X', settings: { colour: 'red' } } }), 400);

    // A change replaces the settings it sends; null clears the schedule (always open).
    const changed = await api.call('PUT', '/api/queues/housing', { as: 'admin', body: { scheduleId: null, settings: { wrapUpSeconds: 60 } } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.scheduleId).toBeUndefined();
    expect(changed.json.settings).toMatchObject({ wrapUpSeconds: 60, maxWaitSeconds: 900 });
    expect((await api.call('GET', '/api/queues/housing', { as: 'supervisor' })).json.name).toBe('Housing');
    // An agent works the desk, not the set-up.
    expectProblem(await api.call('GET', '/api/queues', { as: 'agent' }), 403);
  });

  it('serves the settings’ JSON Schema the queue form is drawn from', async () => {
    const schema = await api.call('GET', '/api/queue-settings-schema', { as: 'viewer' });
    expect(schema.json.properties.overflow.description).toMatch(/Where callers go/);
    expect(schema.json.properties.serviceLevel.properties.answeredWithinSeconds.default).toEqual([20, 180]);
  });

  it('keeps agents with endpoints, skill levels, queues and a user, and says what is wrong with an endpoint', async () => {
    const agent = await api.call('POST', '/api/agents', {
      as: 'admin',
      body: {
        id: 'priya',
        name: 'Priya Shah',
        userId: api.users.agent.id,
        endpoints: [{ kind: 'webrtc', value: 'priya', label: 'Browser' }, { kind: 'pstn', value: '+447700900123', label: 'Mobile' }],
        activeEndpoint: 1,
        skills: { housing: 7, welsh: 3 },
        queueIds: ['housing'],
      },
    });
    expect(agent.status, agent.text).toBe(201);
    expect(agent.json).toMatchObject({ activeEndpoint: 1, skills: { housing: 7, welsh: 3 }, state: { state: 'offline', missedOffers: 0 } });
    expectProblem(
      await api.call('POST', '/api/agents', { as: 'admin', body: { id: 'kim', name: 'Kim', endpoints: [{ kind: 'pstn', value: '07700 900123' }] } }),
      400,
      'body.endpoints.0.value',
    );
    expectProblem(await api.call('POST', '/api/agents', { as: 'admin', body: { id: 'kim', name: 'Kim', skills: { housing: 11 } } }), 400, 'body.skills.housing');
    expectProblem(await api.call('POST', '/api/agents', { as: 'admin', body: { id: 'kim', name: 'Kim', userId: api.users.agent.id } }), 422, 'body.userId');
    const list = await api.call('GET', '/api/agents', { as: 'viewer' });
    expect(list.json.map((a: { id: string }) => a.id)).toEqual(['priya']);
  });

  it('lets a supervisor set an agent’s state with a council break reason, and logs who did', async () => {
    const available = await api.call('PUT', '/api/agents/priya/state', { as: 'supervisor', body: { state: 'available' } });
    expect(available.status, available.text).toBe(200);
    expect(available.json).toMatchObject({ state: 'available', since: expect.any(String) });
    const onBreak = await api.call('PUT', '/api/agents/priya/state', { as: 'supervisor', body: { state: 'break', reasonId: 'lunch' } });
    expect(onBreak.json).toMatchObject({ state: 'break', reason: 'Lunch' });
    expectProblem(await api.call('PUT', '/api/agents/priya/state', { as: 'supervisor', body: { state: 'break', reasonId: 'nap' } }), 422, 'body.reasonId');
    expectProblem(await api.call('PUT', '/api/agents/priya/state', { as: 'supervisor', body: { state: 'on_call' } }), 400, 'body.state');
    expectProblem(await api.call('PUT', '/api/agents/nobody/state', { as: 'supervisor', body: { state: 'available' } }), 404);
    expectProblem(await api.call('PUT', '/api/agents/priya/state', { as: 'designer', body: { state: 'available' } }), 403);
    const history = await api.call('GET', '/api/agents/priya/states', { as: 'viewer' });
    expect(history.json.items.map((c: { state: string; actor: string }) => [c.state, c.actor])).toEqual([
      ['break', 'supervisor'],
      ['available', 'supervisor'],
    ]);
    expect((await api.call('GET', '/api/agents/priya', { as: 'viewer' })).json.state).toMatchObject({ state: 'break', reason: 'Lunch' });
  });

  it('keeps the break reasons and disposition codes a council sets (supervisors change them)', async () => {
    expect((await api.call('GET', '/api/break-reasons', { as: 'viewer' })).json.map((r: { name: string }) => r.name)).toContain('Lunch');
    expect((await api.call('POST', '/api/break-reasons', { as: 'supervisor', body: { id: 'coaching', name: 'Coaching' } })).status).toBe(201);
    expectProblem(await api.call('POST', '/api/break-reasons', { as: 'designer', body: { id: 'x', name: 'X' } }), 403);
    const code = await api.call('POST', '/api/disposition-codes', { as: 'supervisor', body: { id: 'repair', name: 'Repair booked', queueIds: ['housing'] } });
    expect(code.json).toMatchObject({ id: 'repair', queueIds: ['housing'] });
    expectProblem(await api.call('POST', '/api/disposition-codes', { as: 'supervisor', body: { id: 'y', name: 'Y', queueIds: ['nowhere'] } }), 422, 'body.queueIds');
  });
});
