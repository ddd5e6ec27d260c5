import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { roleAtLeast, roles } from '../auth/roles.js';
import type { Access } from './route.js';
import { startTestApi, type RunningApi } from './testing/api-harness.js';

/**
 * Who may call each route: THE table the matrix below is generated from. A route added to the API
 * but not here fails the first test, so no route goes unchecked.
 */
const minimumRole: Record<string, Access> = {
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'signedIn',
  'GET /api/auth/me': 'signedIn',
  'GET /api/flows': 'viewer',
  'POST /api/flows': 'designer',
  'POST /api/flows/import': 'designer',
  'GET /api/flows/:id': 'viewer',
  'PUT /api/flows/:id/draft': 'designer',
  'DELETE /api/flows/:id': 'publisher',
  'POST /api/flows/:id/validate': 'viewer',
  'POST /api/flows/:id/publish': 'publisher',
  'GET /api/flows/:id/versions': 'viewer',
  'GET /api/flows/:id/versions/:version': 'viewer',
  'POST /api/flows/:id/versions/:version/rollback': 'publisher',
  'GET /api/flows/:id/diff': 'viewer',
  'GET /api/flows/:id/export': 'viewer',
  'GET /api/flows/:id/tests': 'viewer',
  'PUT /api/flows/:id/tests': 'designer',
  'POST /api/flows/:id/tests/run': 'designer',
  'GET /api/numbers': 'viewer',
  'POST /api/numbers': 'publisher',
  'GET /api/numbers/:did': 'viewer',
  'PUT /api/numbers/:did': 'publisher',
  'DELETE /api/numbers/:did': 'publisher',
  'GET /api/prompts': 'viewer',
  'POST /api/prompts': 'designer',
  'GET /api/prompts/:id': 'viewer',
  'PUT /api/prompts/:id': 'designer',
  'DELETE /api/prompts/:id': 'designer',
  'PUT /api/prompts/:id/audio/:language': 'designer',
  'GET /api/prompts/:id/audio/:language': 'viewer',
  'DELETE /api/prompts/:id/audio/:language': 'designer',
  'GET /api/tts': 'viewer',
  'GET /api/schedules': 'viewer',
  'POST /api/schedules': 'publisher',
  'GET /api/schedules/:id': 'viewer',
  'PUT /api/schedules/:id': 'publisher',
  'DELETE /api/schedules/:id': 'publisher',
  'GET /api/holiday-calendars': 'viewer',
  'POST /api/holiday-calendars': 'publisher',
  'GET /api/holiday-calendars/:id': 'viewer',
  'PUT /api/holiday-calendars/:id': 'publisher',
  'DELETE /api/holiday-calendars/:id': 'publisher',
  'GET /api/break-reasons': 'viewer',
  'POST /api/break-reasons': 'supervisor',
  'GET /api/break-reasons/:id': 'viewer',
  'PUT /api/break-reasons/:id': 'supervisor',
  'DELETE /api/break-reasons/:id': 'supervisor',
  'GET /api/disposition-codes': 'viewer',
  'POST /api/disposition-codes': 'supervisor',
  'GET /api/disposition-codes/:id': 'viewer',
  'PUT /api/disposition-codes/:id': 'supervisor',
  'DELETE /api/disposition-codes/:id': 'supervisor',
  'GET /api/queues': 'viewer',
  'POST /api/queues': 'admin',
  'GET /api/queues/:id': 'viewer',
  'PUT /api/queues/:id': 'admin',
  'DELETE /api/queues/:id': 'admin',
  'GET /api/agents': 'viewer',
  'POST /api/agents': 'admin',
  'GET /api/agents/:id': 'viewer',
  'PUT /api/agents/:id': 'admin',
  'DELETE /api/agents/:id': 'admin',
  'GET /api/queue-settings-schema': 'viewer',
  'PUT /api/agents/:id/state': 'supervisor',
  'GET /api/agents/:id/states': 'viewer',
  'GET /api/calls': 'viewer',
  'GET /api/calls/:id': 'viewer',
  'GET /api/calls/:id/events': 'viewer',
  'GET /api/reports/history': 'viewer',
  'GET /api/reports/history.csv': 'viewer',
  'GET /api/reports/staffing': 'viewer',
  'GET /api/reports/flows/:id/versions/:version/analytics': 'viewer',
  'GET /api/reports/wallboard': 'viewer',
  'GET /api/desk': 'agent',
  'PUT /api/desk/state': 'agent',
  'PUT /api/desk/endpoint': 'agent',
  'GET /api/desk/phone': 'agent',
  'PUT /api/desk/calls/:id/note': 'agent',
  'POST /api/desk/calls/:id/wrap-up': 'agent',
  'POST /api/desk/calls/:id/answer': 'agent',
  'POST /api/desk/calls/:id/decline': 'agent',
  'POST /api/desk/calls/:id/hold': 'agent',
  'POST /api/desk/calls/:id/payment': 'agent',
  'POST /api/desk/calls/:id/hangup': 'agent',
  'POST /api/desk/calls/:id/transfer': 'agent',
  'GET /api/desk/directory': 'agent',
  'GET /api/supervisor/team': 'supervisor',
  'POST /api/supervisor/calls/:id/listen': 'supervisor',
  'GET /api/payments': 'payments',
  'GET /api/payments/export': 'payments',
  'POST /api/payments/pay360/notifications': 'public',
  'GET /api/users': 'admin',
  'POST /api/users': 'admin',
  'PUT /api/users/:id': 'admin',
  'DELETE /api/users/:id': 'admin',
  'GET /api/tokens': 'admin',
  'POST /api/tokens': 'admin',
  'DELETE /api/tokens/:id': 'admin',
  'GET /api/audit': 'admin',
  'GET /api/secrets': 'designer',
  'PUT /api/secrets/:name': 'admin',
  'DELETE /api/secrets/:name': 'admin',
  'GET /api/health': 'public',
  'GET /metrics': 'public',
  'GET /api/openapi.json': 'public',
};

/** Path parameters that name nothing that exists, so calls that are let through change nothing. */
const sample: Record<string, string> = { id: 'no-such-thing', version: '1', did: '%2B441234500999', language: 'en-GB', name: 'NO_SUCH_SECRET' };
const concrete = (path: string) => path.replace(/:([A-Za-z]+)/g, (_, name: string) => sample[name] ?? 'x');
const query = (path: string) => (path === '/api/tts' ? '?text=hello' : path.endsWith('/diff') ? '?from=1' : '');

describe.each(testDatabases())('who may call what ($name)', (backend) => {
  let api: RunningApi;
  const store = withTestStore(backend);
  beforeAll(async () => {
    api = await startTestApi(store());
  });
  afterAll(() => api?.close());

  it('has a minimum role in the table for every route, and every route in the table exists', () => {
    const registered = Object.fromEntries(api.routes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r.access]));
    expect(registered).toEqual(minimumRole);
  });

  const entries = Object.entries(minimumRole);

  it.each(entries.filter(([, access]) => access !== 'public'))('%s: 401 without signing in', async (key) => {
    const [method, path] = key.split(' ') as [string, string];
    const reply = await api.call(method, concrete(path) + query(path));
    expect(reply.status).toBe(401);
    expect(reply.contentType).toMatch(/^application\/problem\+json/);
  });

  it.each(entries)('%s: allowed from %s up, refused below', async (key, access) => {
    const [method, path] = key.split(' ') as [string, string];
    for (const role of roles) {
      const reply = await api.call(method, concrete(path) + query(path), { as: role, via: 'token' });
      if (access === 'public' || access === 'signedIn' || roleAtLeast(role, access)) {
        expect([401, 403], `${role} should pass ${key}; got ${reply.status} ${reply.text}`).not.toContain(reply.status);
        expect(reply.status, `${role} on ${key}: ${reply.text}`).toBeLessThan(500);
      } else {
        expect(reply.status, `${role} must be refused ${key}`).toBe(403);
        expect(reply.json.detail).toContain(`needs the ${access} role`);
      }
    }
  });
});
