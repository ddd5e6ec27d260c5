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

  it('other routes answer 500 problem+json with no internals, and the error is logged', async () => {
    const reply = await api.call('GET', '/api/flows', { as: 'viewer', via: 'token' });
    expect(reply.status).toBe(500);
    expect(reply.contentType).toMatch(/^application\/problem\+json/);
    expect(reply.json).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on the server. It has been logged.',
    });
    expect(api.logged).toContainEqual(expect.objectContaining({ message: 'GET /api/flows failed', error: expect.any(Error) }));
  });
});
