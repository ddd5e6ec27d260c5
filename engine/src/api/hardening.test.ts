/**
 * Issue 9 (hardening), through real HTTP on both databases: what an outsider found, each as a regression test.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretVault } from '../auth/secret-vault.js';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { passwordOf, startTestApi, type Reply, type RunningApi } from './testing/api-harness.js';

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
  const secretsKey = randomBytes(32);
  beforeAll(async () => {
    api = await startTestApi(store(), { secretsKey });
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

  // Issue 9: the "loopback" exception let a page on another local port roll back a flow as the signed-in admin.
  describe('cross-site requests (item 7)', () => {
    it('refuses a change from a page on another port of the same machine, and allows a configured origin', async () => {
      expect((await publish(goodbye('csrf-target'))).status).toBe(201);
      const otherPort = `http://127.0.0.1:${Number(new URL(api.base).port) + 1}`;
      for (const origin of [otherPort, 'http://localhost:5173', `http://localhost:${new URL(api.base).port}`, 'null']) {
        const reply = await api.call('POST', '/api/flows/csrf-target/versions/1/rollback', { as: 'admin', headers: { origin } });
        expectProblem(reply, 403);
      }
      expect((await api.call('POST', '/api/flows/csrf-target/versions/1/rollback', { as: 'admin' })).status).toBe(201);
      const proxied = await startTestApi(store(), { allowedOrigins: ['https://frontdoor.westshire.gov.uk'] });
      try {
        const reply = await proxied.call('POST', '/api/flows/csrf-target/versions/1/rollback', { as: 'admin', headers: { origin: 'https://frontdoor.westshire.gov.uk' } });
        expect(reply.status).toBe(201);
      } finally {
        await proxied.close();
      }
    });
  });

  describe('smaller points (item 10)', () => {
    it('sends security headers and no X-Powered-By', async () => {
      for (const path of ['/api/health', '/api/flows', '/api/no-such-route']) {
        const reply = await api.call('GET', path, { as: 'viewer' });
        expect(reply.headers.get('x-powered-by')).toBeNull();
        expect(reply.headers.get('x-frame-options')).toBe('DENY');
        expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
        expect(reply.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(reply.headers.get('strict-transport-security')).toBeNull();
      }
    });

    it('marks the session cookie Secure, and sends HSTS, with http.secureCookies', async () => {
      const secure = await startTestApi(store(), { secureCookies: true });
      try {
        const login = await secure.login('viewer', passwordOf('viewer'));
        expect(login.headers.get('set-cookie')).toMatch(/; Secure/);
        expect(login.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      } finally {
        await secure.close();
      }
    });

    it('refuses an easy password for a new user or a password change, naming the field', async () => {
      const weak = await api.call('POST', '/api/users', { as: 'admin', body: { username: 'clerk', password: 'aaaaaaaaaa', role: 'viewer' } });
      expectProblem(weak, 422, 'body.password');
      expect(weak.json.detail).toMatch(/too easy to guess/);
      const own = await api.call('POST', '/api/users', { as: 'admin', body: { username: 'clerk', password: 'clerk-2026-pass', role: 'viewer' } });
      expectProblem(own, 422, 'body.password');
      const created = await api.call('POST', '/api/users', { as: 'admin', body: { username: 'clerk', password: 'kettle violin marsh lantern', role: 'viewer' } });
      expect(created.status).toBe(201);
      expectProblem(await api.call('PUT', `/api/users/${created.json.id}`, { as: 'admin', body: { password: 'password123' } }), 422, 'body.password');
    });

    it('revokes the user’s API tokens with a password change when asked', async () => {
      const created = await api.call('POST', '/api/users', { as: 'admin', body: { username: 'robot', password: 'kettle violin marsh harbour', role: 'publisher' } });
      const token = await api.call('POST', '/api/tokens', { as: 'admin', body: { name: 'deploy', userId: created.json.id } });
      const asRobot = () => api.call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${token.json.token}` } });
      expect((await asRobot()).status).toBe(200);
      await api.call('PUT', `/api/users/${created.json.id}`, { as: 'admin', body: { password: 'another kettle violin marsh' } });
      expect((await asRobot()).status).toBe(200);
      await api.call('PUT', `/api/users/${created.json.id}`, { as: 'admin', body: { password: 'third kettle violin marsh', revokeTokens: true } });
      expect((await asRobot()).status).toBe(401);
    });
  });

  // Issue 9: an http node's Authorization header was stored, exported, shown to viewers and audited in clear text.
  describe('secrets (item 5)', () => {
    const VALUE = 'sk_live_Westshire_9f8e7d6c5b4a';
    const lookup = (id: string, authorization: string) => ({
      schemaVersion: 1,
      id,
      name: 'Fine lookup',
      entry: 'lookup',
      nodes: [
        { id: 'lookup', kind: 'http', version: 1, params: { url: 'https://api.westshire.gov.uk/fines', headers: { Authorization: authorization } } },
        { id: 'bye', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Goodbye.' } } } },
      ],
      edges: ['ok', 'error', 'timeout'].map((outcome, i) => ({ id: `e${i}`, from: 'lookup', outcome, to: 'bye' })),
    });

    it('keeps a secret sealed, shows only its name, and never returns or audits the value', async () => {
      expectProblem(await api.call('PUT', '/api/secrets/COUNCIL_KEY', { as: 'publisher', body: { value: VALUE } }), 403);
      expectProblem(await api.call('PUT', '/api/secrets/not-a-name', { as: 'admin', body: { value: VALUE } }), 400, 'params.name');
      const put = await api.call('PUT', '/api/secrets/COUNCIL_KEY', { as: 'admin', body: { value: VALUE, description: 'Back-office API key' } });
      expect(put.status).toBe(200);
      expect(put.json).toMatchObject({ name: 'COUNCIL_KEY', description: 'Back-office API key', created: true, updatedBy: 'admin' });
      expect((await api.call('PUT', '/api/secrets/COUNCIL_KEY', { as: 'admin', body: { value: VALUE } })).json.created).toBe(false);
      const list = await api.call('GET', '/api/secrets', { as: 'designer' });
      expect(list.json.map((s: { name: string }) => s.name)).toContain('COUNCIL_KEY');
      expectProblem(await api.call('GET', '/api/secrets', { as: 'viewer' }), 403);
      const audit = await api.call('GET', '/api/audit?entityType=secret', { as: 'admin' });
      expect(audit.json.items.map((e: { action: string }) => e.action)).toEqual(['secret.replace', 'secret.create']);
      for (const reply of [put, list, audit]) expect(reply.text).not.toContain(VALUE);
      // Sealed in the database; the engine's vault opens it at run time.
      const sealed = await store().secrets.sealed('COUNCIL_KEY');
      expect(Buffer.from(sealed!).toString('latin1')).not.toContain(VALUE);
      expect(await new SecretVault(store().secrets, secretsKey).reveal('COUNCIL_KEY')).toBe(VALUE);
      expect(await new SecretVault(store().secrets, randomBytes(32)).reveal('COUNCIL_KEY')).toBeUndefined();
    });

    it('lets a flow use a secret by name, checks the name at publish, and refuses deleting a secret in use', async () => {
      const good = lookup('uses-secret', 'Bearer {{secret:COUNCIL_KEY}}');
      expect((await publish(good)).status).toBe(201);
      const unknown = await publish(lookup('unknown-secret', 'Bearer {{secret:NO_SUCH_KEY}}'));
      expectProblem(unknown, 422, 'nodes.lookup.headers.Authorization');
      expect(unknown.json.diagnostics).toContainEqual(expect.objectContaining({ code: 'secret-unknown' }));
      const inUse = await api.call('DELETE', '/api/secrets/COUNCIL_KEY', { as: 'admin' });
      expectProblem(inUse, 409);
      expect(inUse.json.usedBy).toEqual(['uses-secret (draft)', 'uses-secret (published)']);
      await api.call('PUT', '/api/secrets/SPARE', { as: 'admin', body: { value: 'spare value 123' } });
      expect((await api.call('DELETE', '/api/secrets/SPARE', { as: 'admin' })).status).toBe(204);
      expectProblem(await api.call('DELETE', '/api/secrets/SPARE', { as: 'admin' }), 404);
    });

    it('warns about a credential typed into a flow, hides it from viewers and keeps it out of the audit log', async () => {
      const literal = lookup('literal-key', `Bearer ${VALUE}`);
      expect((await publish(literal)).status).toBe(201);
      const validated = await api.call('POST', '/api/flows/literal-key/validate', { as: 'viewer' });
      expect(validated.json.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'credential-in-flow', field: 'headers.Authorization' }));
      for (const path of ['/api/flows/literal-key', '/api/flows/literal-key/versions/1', '/api/flows/literal-key/export']) {
        const asViewer = await api.call('GET', path, { as: 'viewer' });
        expect(asViewer.status).toBe(200);
        expect(asViewer.text).not.toContain(VALUE);
        expect(asViewer.text).toContain('[redacted]');
      }
      expect((await api.call('GET', '/api/flows/literal-key', { as: 'designer' })).text).toContain(VALUE);
      const audit = await api.call('GET', '/api/audit?entityType=flow&entityId=literal-key', { as: 'admin' });
      expect(audit.json.items.length).toBeGreaterThan(0);
      expect(audit.text).not.toContain(VALUE);
    });
  });

  // Issue 9: each of these gave a 500.
  describe('bad input (item 8)', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 3000; i++) deep = [deep];
    it.each([
      ['NUL in a body', 'POST', '/api/prompts', { id: 'nul', name: 'a\u0000b' }, 400, 'body.name'],
      ['NUL in a query', 'GET', '/api/calls?flowId=a%00b', undefined, 400, 'query.flowId'],
      ['NUL in a path', 'GET', '/api/flows/a%00b', undefined, 400, 'params.id'],
      ['NUL in a key', 'POST', '/api/prompts', { id: 'nul-key', name: 'Key', text: { 'en-GB\u0000': 'x' } }, 400, undefined],
      ['a lone surrogate', 'POST', '/api/prompts', { id: 'surrogate', name: 'half \ud800 pair' }, 400, 'body.name'],
      ['JSON 3,000 levels deep', 'POST', '/api/flows', deep, 400, undefined],
      ['a version past 2^31', 'GET', '/api/flows/main-line/versions/9999999999', undefined, 400, 'params.version'],
      ['a diff side past 2^31', 'GET', '/api/flows/main-line/diff?from=9999999999', undefined, 400, 'query.from'],
      ['a revision past 2^31', 'POST', '/api/flows/main-line/publish', { revision: 2 ** 40 }, 400, 'body.revision'],
      ['an agent endpoint that is not how its kind is reached', 'POST', '/api/agents', { id: 'a1', name: 'Agent', endpoints: [{ kind: 'sip-uri', value: 'http://x' }] }, 400, 'body.endpoints.0.value'],
      ['an over-long username', 'POST', '/api/users', { username: 'u'.repeat(80), password: 'kettle violin marsh lantern', role: 'viewer' }, 400, 'body.username'],
      ['an over-long sign-in name', 'POST', '/api/auth/login', { username: 'u'.repeat(5000), password: 'x' }, 400, 'body.username'],
      ['an unknown TTS language', 'GET', '/api/tts?text=hello&language=xx-YY', undefined, 422, 'query.language'],
    ] as const)('%s', async (_what, method, path, body, status, field) => {
      const reply = await api.call(method, path, { as: 'admin', ...(body !== undefined ? { body } : {}) });
      expectProblem(reply, status, field);
    });

    it('still speaks a language that has a voice', async () => {
      const reply = await api.call('GET', '/api/tts?text=Hello&language=cy-GB', { as: 'viewer' });
      expect(reply.status).toBe(200);
      expect(reply.contentType).toBe('audio/wav');
    });
  });

  // Issue 9: tests/run accepted ~20,000 calls and kept a core busy after the client went; /api/tts rendered without a limit.
  describe('unbounded work (item 9)', () => {
    const testCallsCount = async () => {
      const text = (await api.call('GET', '/metrics')).text;
      return Number(/^frontdoor_flow_test_calls_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    };

    it('refuses more test calls than a flow needs', async () => {
      await publish(goodbye('many-tests'));
      const calls = Array.from({ length: 501 }, (_, i) => ({ name: `call ${i}` }));
      expectProblem(await api.call('PUT', '/api/flows/many-tests/tests', { as: 'designer', body: { calls } }), 400, 'body.calls');
    });

    it('stops running test calls once the client goes away', async () => {
      await publish(goodbye('long-tests'));
      const calls = Array.from({ length: 500 }, (_, i) => ({ name: `call ${i}`, caller: [{ wait: 1 }], expect: { outcome: 'done' } }));
      expect((await api.call('PUT', '/api/flows/long-tests/tests', { as: 'designer', body: { calls } })).status).toBe(200);
      const before = await testCallsCount();
      const client = new AbortController();
      const running = fetch(`${api.base}/api/flows/long-tests/tests/run`, {
        method: 'POST',
        headers: { cookie: api.users.designer.cookie, origin: api.base },
        signal: client.signal,
      }).catch((error: unknown) => error);
      await expect.poll(testCallsCount, { timeout: 20_000, interval: 20 }).toBeGreaterThan(before);
      client.abort();
      expect(await running).toBeInstanceOf(Error);
      // The run stops: the count settles well short of all 500 calls.
      let last = -1;
      await expect
        .poll(
          async () => {
            const now = await testCallsCount();
            const settled = now === last;
            last = now;
            return settled;
          },
          { timeout: 20_000, interval: 250 },
        )
        .toBe(true);
      expect(last - before).toBeLessThan(500);
      expect(api.logged).toEqual([]);
    });

    it('renders text to speech a few at a time, refusing the excess with 503 + Retry-After', async () => {
      let running = 0;
      let most = 0;
      const release: Array<() => void> = [];
      const tts = {
        render: async () => {
          running++;
          most = Math.max(most, running);
          await new Promise<void>((resolve) => release.push(resolve));
          running--;
          return Buffer.from('RIFF....WAVE');
        },
      };
      const limited = await startTestApi(store(), { tts });
      try {
        const answered: number[] = [];
        const replies = Array.from({ length: 30 }, (_, i) =>
          limited.call('GET', `/api/tts?text=t${i}`, { as: 'viewer' }).then((reply) => (answered.push(reply.status), reply)),
        );
        // Two render, sixteen wait their turn, and the other twelve are refused at once.
        await expect.poll(() => answered.length, { timeout: 20_000 }).toBe(12);
        expect(answered.every((status) => status === 503)).toBe(true);
        expect(release).toHaveLength(2);
        while (release.length > 0 || running > 0) {
          release.shift()?.();
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const statuses = (await Promise.all(replies)).map((r) => r.status);
        expect(statuses.filter((s) => s === 200)).toHaveLength(18);
        expect(statuses.filter((s) => s === 503)).toHaveLength(12);
        expect(most).toBe(2);
        const busy = (await Promise.all(replies)).find((r) => r.status === 503)!;
        expect(busy.headers.get('retry-after')).toBe('1');
      } finally {
        await limited.close();
      }
    });
  });
});
