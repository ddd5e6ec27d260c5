/**
 * Issue 9 (hardening), through real HTTP on both databases: what an outsider found, each as a regression test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { startTestApi, type Reply, type RunningApi } from './testing/api-harness.js';

const expectProblem = (reply: Reply, status: number, path?: string) => {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.contentType).toMatch(/^application\/problem\+json/);
  if (path) expect(reply.json.errors.map((e: { path: string }) => e.path)).toContain(path);
};

/** A flow whose entry runs `other` as a subflow; its exit says goodbye. */
const runs = (id: string, other: string) => ({
  schemaVersion: 1,
  id,
  name: `Runs ${other}`,
  entry: 'sub',
  nodes: [
    { id: 'sub', kind: 'subflow', version: 1, params: { flowId: other, outcomes: ['done'] } },
    { id: 'bye', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Goodbye.' } } } },
  ],
  edges: [{ id: 'e1', from: 'sub', outcome: 'done', to: 'bye' }],
});
const goodbye = (id: string) => ({
  schemaVersion: 1,
  id,
  name: 'Goodbye',
  entry: 'bye',
  nodes: [{ id: 'bye', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Goodbye.' } }, reason: 'done' } }],
  edges: [],
});

describe.each(testDatabases())('hardening ($name)', (backend) => {
  let api: RunningApi;
  const store = withTestStore(backend);
  beforeAll(async () => {
    api = await startTestApi(store());
  });
  afterAll(() => api?.close());

  const publish = async (flow: { id: string }) => {
    const current = await api.call('GET', `/api/flows/${flow.id}`, { as: 'viewer' });
    if (current.status === 404) expect((await api.call('POST', '/api/flows', { as: 'designer', body: flow })).status).toBe(201);
    else {
      const saved = await api.call('PUT', `/api/flows/${flow.id}/draft`, { as: 'designer', body: { flow, revision: current.json.draftRevision } });
      expect(saved.status, saved.text).toBe(200);
    }
    const revision = (await api.call('GET', `/api/flows/${flow.id}`, { as: 'viewer' })).json.draftRevision;
    return api.call('POST', `/api/flows/${flow.id}/publish`, { as: 'publisher', body: { revision } });
  };

  describe('subflows that run each other (item 6)', () => {
    it('refuses to publish a flow whose subflow, as published, runs it again — and to roll back into such a chain', async () => {
      expect((await publish(goodbye('cycle-b'))).status).toBe(201);
      expect((await publish(runs('cycle-a', 'cycle-b'))).status).toBe(201);
      const refused = await publish(runs('cycle-b', 'cycle-a'));
      expectProblem(refused, 422, 'nodes.sub.flowId');
      expect(refused.json.diagnostics).toContainEqual(expect.objectContaining({ code: 'subflow-cycle', nodeId: 'sub', field: 'flowId' }));
      // Validating the draft says so too, before anyone presses publish.
      const validated = await api.call('POST', '/api/flows/cycle-b/validate', { as: 'viewer' });
      expect(validated.json.diagnostics).toContainEqual(expect.objectContaining({ code: 'subflow-cycle' }));

      // a stops running b, so b may run a; but rolling a back to the version that ran b is refused.
      expect((await publish(goodbye('cycle-a'))).status).toBe(201);
      expect((await publish(runs('cycle-b', 'cycle-a'))).status).toBe(201);
      const rollback = await api.call('POST', '/api/flows/cycle-a/versions/1/rollback', { as: 'publisher' });
      expectProblem(rollback, 422, 'nodes.sub.flowId');
      expect(rollback.json.detail).toContain('"cycle-b", which runs "cycle-a"');
    });
  });
});
