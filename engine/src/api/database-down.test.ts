import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabases } from '../adapters/storage/postgres/test-databases.js';
import { migrate } from '../adapters/storage/postgres/migrate.js';
import { createPostgresStore } from '../adapters/storage/postgres/postgres-store.js';
import { startTestApi, type RunningApi } from './testing/api-harness.js';

describe.each(testDatabases())('when the database goes away ($name)', (backend) => {
  let api: RunningApi;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openTestDatabase(backend);
    dispose = opened.dispose;
    await migrate(opened.database.pool);
    const store = await createPostgresStore(opened.database, { logger: { info: () => undefined, warn: () => undefined } });
    api = await startTestApi(store);
    await store.close();
    await dispose();
  }, 60_000);
  afterAll(() => api?.close());

  it('health says so with a 503', async () => {
    const health = await api.call('GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.json).toMatchObject({ status: 'degraded', database: { kind: backend.name, ok: false } });
  });

  // Issue 9: they answered 500, as if something were broken for good.
  it('other routes answer 503 problem+json with Retry-After and no internals', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/flows', undefined],
      ['POST', '/api/flows', { schemaVersion: 1, id: 'x', name: 'X', entry: 'a', nodes: [], edges: [] }],
    ] as const) {
      const reply = await api.call(method, path, { as: 'viewer', via: 'token', ...(body ? { body } : {}) });
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('5');
      expect(reply.contentType).toMatch(/^application\/problem\+json/);
      expect(reply.json).toEqual({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'The database is not reachable just now, so nothing was changed: try again in a few seconds',
      });
    }
    // Signing in needs the database too.
    expect((await api.login('viewer', 'any password at all')).status).toBe(503);
  });
});
