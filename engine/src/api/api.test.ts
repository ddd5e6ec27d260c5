import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { startTestApi, sampleFlow, passwordOf, wav, type RunningApi } from './testing/api-harness.js';

const expectProblem = (reply: { status: number; contentType: string; json: any }, status: number, path?: string) => {
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  expect(reply.contentType).toMatch(/^application\/problem\+json/);
  expect(reply.json).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  if (path) expect(reply.json.errors.map((e: { path: string }) => e.path)).toContain(path);
};

describe.each(testDatabases())('HTTP API ($name)', (backend) => {
  let api: RunningApi;
  const store = withTestStore(backend);
  beforeAll(async () => {
    api = await startTestApi(store(), { loginLimits: { perAccount: 3 } });
  });
  afterAll(() => api?.close());

  describe('signing in', () => {
    it('sets an httpOnly SameSite=Lax session cookie, knows who you are, and signs out', async () => {
      const login = await api.login('designer', passwordOf('designer'));
      expect(login.status).toBe(200);
      expect(login.json).toEqual({ username: 'designer', role: 'designer' });
      const cookie = login.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^fd_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax/);
      const session = cookie.split(';')[0]!;
      const me = await api.call('GET', '/api/auth/me', { headers: { cookie: session } });
      expect(me.json).toEqual({ username: 'designer', role: 'designer' });
      const logout = await api.call('POST', '/api/auth/logout', { headers: { cookie: session } });
      expect(logout.status).toBe(204);
      expect(logout.headers.get('set-cookie')).toMatch(/^fd_session=; Max-Age=0/);
      expectProblem(await api.call('GET', '/api/auth/me', { headers: { cookie: session } }), 401);
    });

    it('refuses a wrong password, then limits guessing per username and address', async () => {
      expectProblem(await api.login('publisher', 'wrong password 1'), 401);
      expectProblem(await api.login('nobody-at-all', 'wrong password'), 401);
      expectProblem(await api.login('publisher', 'wrong password 2'), 401);
      expectProblem(await api.login('publisher', 'wrong password 3'), 401);
      const limited = await api.login('publisher', passwordOf('publisher'));
      expectProblem(limited, 429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      const audit = await api.call('GET', '/api/audit?action=auth.login-failed', { as: 'admin' });
      expect(audit.json.items.length).toBeGreaterThanOrEqual(4);
    });

    it('accepts API tokens and refuses unknown or malformed ones', async () => {
      expect((await api.call('GET', '/api/auth/me', { as: 'publisher', via: 'token' })).json).toEqual({ username: 'publisher', role: 'publisher' });
      expectProblem(await api.call('GET', '/api/flows', { headers: { authorization: 'Bearer fd_not-a-real-token' } }), 401);
      expectProblem(await api.call('GET', '/api/flows', { headers: { authorization: 'Basic abc' } }), 401, 'headers.authorization');
    });

    it('refuses cross-site changes made with a session cookie (CSRF), but not with a token', async () => {
      const flow = sampleFlow('csrf-check');
      expectProblem(await api.call('POST', '/api/flows', { as: 'designer', body: flow, headers: { origin: 'https://evil.example' } }), 403);
      const noOrigin = await fetch(`${api.base}/api/flows`, {
        method: 'POST',
        headers: { cookie: api.users.designer.cookie, 'content-type': 'application/json' },
        body: JSON.stringify(flow),
      });
      expect(noOrigin.status).toBe(403);
      const withToken = await fetch(`${api.base}/api/flows`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.users.designer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(flow),
      });
      expect(withToken.status).toBe(201);
      // Nor can a page on another port of this same machine (issue 9: the loopback exception let it act as the admin).
      expectProblem(await api.call('POST', '/api/flows', { as: 'designer', body: sampleFlow('from-vite'), headers: { origin: 'http://localhost:5173' } }), 403);
      // Nor can another site sign a browser in (login CSRF).
      expectProblem(await api.login('designer', passwordOf('designer'), { origin: 'https://evil.example' }), 403);
    });
  });

  describe('flows', () => {
    it('create, read, save, validate, publish, version, diff, export, import, roll back, delete', async () => {
      const flow = sampleFlow('main-line');
      const created = await api.call('POST', '/api/flows', { as: 'designer', body: flow });
      expect(created.status).toBe(201);
      expect(created.json).toEqual({ id: 'main-line', draftRevision: 1 });
      expectProblem(await api.call('POST', '/api/flows', { as: 'designer', body: flow }), 409, 'body.id');

      const list = await api.call('GET', '/api/flows', { as: 'viewer' });
      expect(list.json).toContainEqual(expect.objectContaining({ id: 'main-line', name: 'Flow main-line', draftRevision: 1 }));
      const got = await api.call('GET', '/api/flows/main-line', { as: 'viewer' });
      expect(got.json).toMatchObject({ id: 'main-line', draftRevision: 1, draft: flow });
      expect(got.json.publishedVersion).toBeUndefined();

      const validated = await api.call('POST', '/api/flows/main-line/validate', { as: 'viewer' });
      expect(validated.status).toBe(200);
      expect(validated.json.diagnostics.filter((d: { severity: string }) => d.severity === 'error')).toEqual([]);

      const published = await api.call('POST', '/api/flows/main-line/publish', { as: 'publisher', body: { revision: 1, note: 'first' } });
      expect(published.status).toBe(201);
      expect(published.json).toEqual({ version: 1 });

      const changed = sampleFlow('main-line', 'Welcome to the county council.');
      const saved = await api.call('PUT', '/api/flows/main-line/draft', { as: 'designer', body: { flow: changed, revision: 1 } });
      expect(saved.json).toEqual({ revision: 2 });
      const stale = await api.call('PUT', '/api/flows/main-line/draft', { as: 'designer', body: { flow: changed, revision: 1 } });
      expectProblem(stale, 409, 'body.revision');
      expect(stale.json.currentRevision).toBe(2);

      const diff = await api.call('GET', '/api/flows/main-line/diff?from=1&to=draft', { as: 'viewer' });
      expect(diff.json.nodes).toEqual({
        added: [],
        removed: [],
        changed: [{ nodeId: 'welcome', fields: ['params.prompt.text.en-GB'], changes: [{ field: 'params.prompt.text.en-GB', before: 'Welcome to the council.', after: expect.any(String) }] }],
      });
      expect(diff.json.edges).toEqual({ added: [], removed: [], changed: [] });

      expect((await api.call('POST', '/api/flows/main-line/publish', { as: 'publisher', body: { revision: 2, note: 'county' } })).json).toEqual({ version: 2 });
      const versions = await api.call('GET', '/api/flows/main-line/versions', { as: 'viewer' });
      expect(versions.json.map((v: { version: number; published: boolean; author: string }) => [v.version, v.published, v.author]).sort()).toEqual([
        [1, false, 'publisher'],
        [2, true, 'publisher'],
      ]);
      const v1 = await api.call('GET', '/api/flows/main-line/versions/1', { as: 'viewer' });
      expect(v1.json.flow.nodes[0].params.prompt.text['en-GB']).toBe('Welcome to the council.');
      const diff12 = await api.call('GET', '/api/flows/main-line/diff?from=1&to=2', { as: 'viewer' });
      expect(diff12.json.nodes.changed).toMatchObject([{ nodeId: 'welcome', fields: ['params.prompt.text.en-GB'] }]);

      const rollback = await api.call('POST', '/api/flows/main-line/versions/1/rollback', { as: 'publisher' });
      expect(rollback.status).toBe(201);
      expect(rollback.json).toEqual({ version: 3, draftRevision: 3 });
      const v3 = await api.call('GET', '/api/flows/main-line/versions/3', { as: 'viewer' });
      expect(v3.json.flow).toEqual(v1.json.flow);
      expect(v3.json.published).toBe(true);
      // The draft is version 1 again as well: publishing it next does not quietly bring version 2 back.
      const draft = await api.call('GET', '/api/flows/main-line', { as: 'viewer' });
      expect(draft.json).toMatchObject({ draftRevision: 3, draft: v1.json.flow });

      const exported = await api.call('GET', '/api/flows/main-line/export', { as: 'viewer' });
      expect(exported.text.startsWith('{\n  "schemaVersion": 1,\n  "id": "main-line",\n  "name"')).toBe(true);
      expect(JSON.parse(exported.text)).toEqual(v1.json.flow);
      const imported = await api.call('POST', '/api/flows/import', { as: 'designer', raw: exported.text.replace(/main-line/g, 'copy-line'), contentType: 'application/json' });
      expect(imported.status).toBe(201);

      const audit = await api.call('GET', '/api/audit?entityType=flow&entityId=main-line', { as: 'admin' });
      const publishEntry = audit.json.items.find((e: { action: string }) => e.action.includes('publish'));
      expect(publishEntry).toMatchObject({ actor: 'publisher', entityId: 'main-line' });
      expect(audit.json.items.some((e: { before?: unknown; after?: unknown }) => e.before !== undefined && e.after !== undefined)).toBe(true);

      expect((await api.call('DELETE', '/api/flows/copy-line', { as: 'publisher' })).status).toBe(204);
      expectProblem(await api.call('GET', '/api/flows/copy-line', { as: 'viewer' }), 404);
    });

    it('refuses to publish a stale revision (409) or a draft with errors (422 with diagnostics)', async () => {
      await api.call('POST', '/api/flows', { as: 'designer', body: sampleFlow('stale-one') });
      await api.call('PUT', '/api/flows/stale-one/draft', { as: 'designer', body: { flow: sampleFlow('stale-one', 'Changed'), revision: 1 } });
      expectProblem(await api.call('POST', '/api/flows/stale-one/publish', { as: 'publisher', body: { revision: 1 } }), 409, 'body.revision');

      const broken = sampleFlow('broken-one');
      broken.edges[0]!.to = 'nowhere';
      (broken.nodes[0]!.params as { bargeIn?: unknown }).bargeIn = 'sometimes';
      await api.call('POST', '/api/flows', { as: 'designer', body: broken });
      const refused = await api.call('POST', '/api/flows/broken-one/publish', { as: 'publisher', body: { revision: 1 } });
      expectProblem(refused, 422, 'nodes.welcome.params.bargeIn');
      expect(refused.json.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', nodeId: 'welcome', field: 'bargeIn' }));
      // Every problem in one pass: the bad params do not hide the dangling edge.
      expect(refused.json.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', code: 'edge-dangling', field: 'to' }));
      const validated = await api.call('POST', '/api/flows/broken-one/validate', { as: 'viewer', body: { flow: broken } });
      expect(validated.json.diagnostics).toEqual(refused.json.diagnostics);
    });

    it('keeps the flow\'s scripted test calls and runs them against the draft with edge coverage', async () => {
      await api.call('POST', '/api/flows', { as: 'designer', body: sampleFlow('tested-line') });
      expect((await api.call('GET', '/api/flows/tested-line/tests', { as: 'viewer' })).json).toEqual({ calls: [] });
      const tests = {
        calls: [
          { name: 'caller hears the welcome', expect: { path: ['welcome', 'bye'], hears: ['Welcome to the council'], outcome: 'completed' } },
          { name: 'a wrong expectation fails', expect: { endsAt: 'welcome' } },
        ],
      };
      const saved = await api.call('PUT', '/api/flows/tested-line/tests', { as: 'designer', body: tests });
      expect(saved.status).toBe(200);
      expect((await api.call('GET', '/api/flows/tested-line/tests', { as: 'viewer' })).json.calls).toHaveLength(2);
      expectProblem(await api.call('PUT', '/api/flows/tested-line/tests', { as: 'designer', body: { calls: [{ name: '' }] } }), 400, 'body.calls.0.name');

      const run = await api.call('POST', '/api/flows/tested-line/tests/run', { as: 'designer' });
      expect(run.status).toBe(200);
      expect(run.json.results.map((r: { name: string; passed: boolean }) => [r.name, r.passed])).toEqual([
        ['caller hears the welcome', true],
        ['a wrong expectation fails', false],
      ]);
      expect(run.json.results[0]).toMatchObject({ path: ['welcome', 'bye'], failures: [], outcome: 'completed' });
      expect(run.json.results[1].failures[0]).toContain('welcome');
      expect(run.json.coverage).toMatchObject({ traversed: ['e1'], total: 1 });

      // A draft in the body is tested instead of the saved one.
      const other = sampleFlow('tested-line', 'Hello there.');
      const againstDraft = await api.call('POST', '/api/flows/tested-line/tests/run', { as: 'designer', body: { flow: other } });
      expect(againstDraft.json.results[0].passed).toBe(false);
      expect(againstDraft.json.results[0].failures.join(' ')).toContain('Welcome to the council');
    });

    it('runs scripted test calls through stored opening hours (read before the simulated clock starts)', async () => {
      const weekday = [{ open: '09:00', close: '17:00' }];
      await api.call('POST', '/api/schedules', { as: 'publisher', body: { id: 'tests-hours', name: 'Hours for tests', definition: { weekly: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday } } } });
      const flow = {
        schemaVersion: 1,
        id: 'hours-tests',
        name: 'Hours tests',
        entry: 'hours',
        nodes: [
          { id: 'hours', kind: 'schedule', version: 2, params: { scheduleId: 'tests-hours' } },
          { id: 'open', kind: 'hangup', version: 1, params: { reason: 'open' } },
          { id: 'closed', kind: 'hangup', version: 1, params: { reason: 'closed' } },
        ],
        edges: [
          { id: 'e1', from: 'hours', outcome: 'open', to: 'open' },
          { id: 'e2', from: 'hours', outcome: 'closed', to: 'closed' },
          { id: 'e3', from: 'hours', outcome: 'holiday', to: 'closed' },
        ],
      };
      await api.call('POST', '/api/flows', { as: 'designer', body: flow });
      const calls = {
        calls: [
          { name: 'Wednesday morning', at: '2026-11-25T10:00:00Z', expect: { endsAt: 'open', outcome: 'open' } },
          { name: 'Saturday night', at: '2026-11-28T23:30:00Z', expect: { endsAt: 'closed' } },
          { name: 'Boxing Day substitute', at: '2026-12-28T10:00:00Z', expect: { endsAt: 'closed' } },
        ],
      };
      expect((await api.call('PUT', '/api/flows/hours-tests/tests', { as: 'designer', body: calls })).status).toBe(200);
      const run = await api.call('POST', '/api/flows/hours-tests/tests/run', { as: 'designer' });
      expect(run.json.results.map((r: { name: string; passed: boolean; failures: string[] }) => [r.name, r.passed, r.failures])).toEqual([
        ['Wednesday morning', true, []],
        ['Saturday night', true, []],
        ['Boxing Day substitute', true, []],
      ]);
    });

    it('gives two concurrent publishes of the same revision a version each', async () => {
      await api.call('POST', '/api/flows', { as: 'designer', body: sampleFlow('busy-line') });
      const [a, b] = await Promise.all([
        api.call('POST', '/api/flows/busy-line/publish', { as: 'publisher', body: { revision: 1, note: 'a' } }),
        api.call('POST', '/api/flows/busy-line/publish', { as: 'admin', body: { revision: 1, note: 'b' } }),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect([a.json.version, b.json.version].sort()).toEqual([1, 2]);
      const versions = await api.call('GET', '/api/flows/busy-line/versions', { as: 'viewer' });
      expect(versions.json.map((v: { note: string }) => v.note).sort()).toEqual(['a', 'b']);
    });
  });

  describe('numbers, prompts, schedules, queues, users, tokens', () => {
    it('routes numbers to flows', async () => {
      await api.call('POST', '/api/flows', { as: 'designer', body: sampleFlow('numbers-flow') });
      const created = await api.call('POST', '/api/numbers', { as: 'publisher', body: { did: '+441234500001', flowId: 'numbers-flow', label: 'Main' } });
      expect(created.status).toBe(201);
      expectProblem(await api.call('POST', '/api/numbers', { as: 'publisher', body: { did: '+441234500002', flowId: 'nope' } }), 422, 'body.flowId');
      expectProblem(await api.call('POST', '/api/numbers', { as: 'publisher', body: { did: '01234', flowId: 'numbers-flow' } }), 400, 'body.did');
      expect((await api.call('GET', '/api/numbers/%2B441234500001', { as: 'viewer' })).json).toMatchObject({ did: '+441234500001', label: 'Main' });
      const updated = await api.call('PUT', '/api/numbers/%2B441234500001', { as: 'publisher', body: { label: 'Switchboard' } });
      expect(updated.json).toMatchObject({ flowId: 'numbers-flow', label: 'Switchboard' });
      const withFallback = await api.call('PUT', '/api/numbers/%2B441234500001', { as: 'publisher', body: { fallbackFlowId: 'numbers-flow' } });
      expect(withFallback.json.fallbackFlowId).toBe('numbers-flow');
      const cleared = await api.call('PUT', '/api/numbers/%2B441234500001', { as: 'publisher', body: { fallbackFlowId: null } });
      expect(cleared.json).toEqual({ did: '+441234500001', flowId: 'numbers-flow', label: 'Switchboard' });
      expect((await api.call('GET', '/api/numbers', { as: 'viewer' })).json).toContainEqual(expect.objectContaining({ did: '+441234500001' }));
      expectProblem(await api.call('DELETE', '/api/flows/numbers-flow', { as: 'publisher' }), 409);
      expect((await api.call('DELETE', '/api/numbers/%2B441234500001', { as: 'publisher' })).status).toBe(204);
      expectProblem(await api.call('GET', '/api/numbers/%2B441234500001', { as: 'viewer' }), 404);
    });

    it('keeps prompts with text and recorded audio, and speaks text with TTS', async () => {
      const created = await api.call('POST', '/api/prompts', { as: 'designer', body: { id: 'welcome', name: 'Welcome', text: { 'en-GB': 'Welcome', 'cy-GB': 'Croeso' } } });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ id: 'welcome', audioLanguages: [] });
      const audio = wav();
      expect((await api.call('PUT', '/api/prompts/welcome/audio/en-GB', { as: 'designer', raw: audio, contentType: 'audio/wav' })).status).toBe(204);
      expectProblem(await api.call('PUT', '/api/prompts/welcome/audio/en-GB', { as: 'designer', raw: Buffer.from('not audio at all'), contentType: 'audio/wav' }), 422, 'body');
      expectProblem(await api.call('PUT', '/api/prompts/welcome/audio/en-GB', { as: 'designer', raw: audio, contentType: 'text/plain' }), 415, 'body');
      expectProblem(await api.call('PUT', '/api/prompts/welcome/audio/en-GB', { as: 'designer', raw: Buffer.alloc(11 * 1024 * 1024), contentType: 'audio/wav' }), 413, 'body');
      const back = await fetch(`${api.base}/api/prompts/welcome/audio/en-GB`, { headers: { cookie: api.users.viewer.cookie } });
      expect(back.headers.get('content-type')).toBe('audio/wav');
      expect(Buffer.from(await back.arrayBuffer()).equals(audio)).toBe(true);
      expect((await api.call('GET', '/api/prompts/welcome', { as: 'viewer' })).json.audioLanguages).toEqual(['en-GB']);
      const renamed = await api.call('PUT', '/api/prompts/welcome', { as: 'designer', body: { name: 'Greeting' } });
      expect(renamed.json).toMatchObject({ name: 'Greeting', text: { 'en-GB': 'Welcome', 'cy-GB': 'Croeso' } });
      expect((await api.call('GET', '/api/prompts', { as: 'viewer' })).json).toContainEqual(expect.objectContaining({ id: 'welcome' }));
      expect((await api.call('DELETE', '/api/prompts/welcome/audio/en-GB', { as: 'designer' })).status).toBe(204);
      expectProblem(await api.call('GET', '/api/prompts/welcome/audio/en-GB', { as: 'viewer' }), 404);
      expect((await api.call('DELETE', '/api/prompts/welcome', { as: 'designer' })).status).toBe(204);

      const tts = await fetch(`${api.base}/api/tts?text=${encodeURIComponent('Press one for bins')}&language=en-GB`, { headers: { cookie: api.users.viewer.cookie } });
      expect(tts.status).toBe(200);
      expect(tts.headers.get('content-type')).toBe('audio/wav');
      expect(Buffer.from(await tts.arrayBuffer()).toString('latin1', 0, 4)).toBe('RIFF');
      expectProblem(await api.call('GET', '/api/tts?text=hi&language=english', { as: 'viewer' }), 400, 'query.language');
      expectProblem(await api.call('GET', '/api/tts', { as: 'viewer' }), 400, 'query.text');
    });

    it('keeps schedules, holiday calendars, queues and agents', async () => {
      const calendar = await api.call('POST', '/api/holiday-calendars', { as: 'publisher', body: { id: 'england', name: 'England', dates: [{ date: '2026-12-25', name: 'Christmas Day' }] } });
      expect(calendar.status).toBe(201);
      const weekday = [{ open: '08:30', close: '17:00' }];
      const schedule = await api.call('POST', '/api/schedules', {
        as: 'publisher',
        body: { id: 'office', name: 'Office hours', holidayCalendarId: 'england', definition: { weekly: { monday: weekday, friday: weekday } } },
      });
      expect(schedule.status).toBe(201);
      expect(schedule.json).toMatchObject({ timezone: 'Europe/London', holidayCalendarId: 'england', definition: { weekly: { monday: weekday, sunday: [] }, bankHolidays: true } });
      // Hours are checked as the engine reads them: the bad field is named.
      expectProblem(
        await api.call('POST', '/api/schedules', { as: 'publisher', body: { id: 'bad', name: 'Bad', definition: { weekly: { monday: [{ open: '17:00', close: '09:00' }] } } } }),
        400,
        'body.definition.weekly.monday.0.close',
      );
      expectProblem(await api.call('POST', '/api/schedules', { as: 'publisher', body: { id: 'x', name: 'X', holidayCalendarId: 'nowhere' } }), 422, 'body.holidayCalendarId');
      expectProblem(await api.call('POST', '/api/schedules', { as: 'publisher', body: { id: 'y', name: 'Y', timezone: 'Mars/Olympus' } }), 400, 'body.timezone');
      const renamed = await api.call('PUT', '/api/schedules/office', { as: 'publisher', body: { name: 'Council office' } });
      expect(renamed.json).toMatchObject({ name: 'Council office', timezone: 'Europe/London', definition: { weekly: { monday: weekday } } });
      expect((await api.call('GET', '/api/schedules/office', { as: 'viewer' })).json.name).toBe('Council office');
      expect((await api.call('GET', '/api/schedules', { as: 'viewer' })).json.map((s: { id: string }) => s.id)).toContain('office');
      expect((await api.call('DELETE', '/api/schedules/office', { as: 'publisher' })).status).toBe(204);

      expect((await api.call('POST', '/api/queues', { as: 'admin', body: { id: 'highways', name: 'Highways' } })).status).toBe(201);
      const endpoints = [{ kind: 'sip-uri', value: 'sip:sam@example.org' }];
      const agent = await api.call('POST', '/api/agents', { as: 'admin', body: { id: 'sam', name: 'Sam', endpoints, queueIds: ['highways'] } });
      expect(agent.json).toMatchObject({ queueIds: ['highways'], skills: {}, activeEndpoint: 0 });
      expectProblem(await api.call('POST', '/api/agents', { as: 'admin', body: { id: 'kim', name: 'Kim', endpoints, queueIds: ['nope'] } }), 422, 'body.queueIds');
      expectProblem(await api.call('POST', '/api/agents', { as: 'admin', body: { id: 'kim', name: 'Kim', endpoints, activeEndpoint: 3 } }), 422, 'body.activeEndpoint');
      expectProblem(await api.call('POST', '/api/queues', { as: 'admin', body: { id: 'q2', name: 'Q2', scheduleId: 'nowhere' } }), 422, 'body.scheduleId');
      expect((await api.call('GET', '/api/agents/sam', { as: 'viewer' })).json.endpoints).toEqual(endpoints);
    });

    it('manages users and API tokens (admin), hashing passwords and showing a token once', async () => {
      const created = await api.call('POST', '/api/users', { as: 'admin', body: { username: 'alex', password: 'a long enough password', role: 'designer' } });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ username: 'alex', role: 'designer', disabled: false });
      expect(JSON.stringify(created.json)).not.toContain('password');
      expectProblem(await api.call('POST', '/api/users', { as: 'admin', body: { username: 'sho', password: 'short', role: 'viewer' } }), 400, 'body.password');
      expectProblem(await api.call('POST', '/api/users', { as: 'admin', body: { username: 'alex', password: 'a long enough password', role: 'viewer' } }), 409, 'body.username');
      expect((await api.login('alex', 'a long enough password')).status).toBe(200);

      const promoted = await api.call('PUT', `/api/users/${created.json.id}`, { as: 'admin', body: { role: 'publisher', password: 'another long password' } });
      expect(promoted.json.role).toBe('publisher');
      expect((await api.login('alex', 'another long password')).json).toEqual({ username: 'alex', role: 'publisher' });
      expectProblem(await api.call('PUT', `/api/users/${api.users.admin.id}`, { as: 'admin', body: { role: 'viewer' } }), 422, 'body.role');

      const token = await api.call('POST', '/api/tokens', { as: 'admin', body: { name: 'ci', userId: created.json.id } });
      expect(token.status).toBe(201);
      expect(token.json.token).toMatch(/^fd_[A-Za-z0-9_-]{43}$/);
      expect(token.json.prefix).toBe(token.json.token.slice(0, 7));
      const me = await api.call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${token.json.token}` } });
      expect(me.json).toEqual({ username: 'alex', role: 'publisher' });
      const limited = await api.call('POST', '/api/tokens', { as: 'admin', body: { name: 'viewer-only', userId: created.json.id, role: 'viewer' } });
      expect(limited.json.role).toBe('viewer');
      const asLimited = { authorization: `Bearer ${limited.json.token}` };
      expect((await api.call('GET', '/api/auth/me', { headers: asLimited })).json).toEqual({ username: 'alex', role: 'viewer' });
      expectProblem(await api.call('POST', '/api/flows', { headers: asLimited, body: sampleFlow('not-allowed') }), 403);
      expectProblem(await api.call('POST', '/api/tokens', { as: 'admin', body: { name: 'too-much', userId: created.json.id, role: 'admin' } }), 422, 'body.role');
      const listed = await api.call('GET', '/api/tokens', { as: 'admin' });
      expect(listed.text).not.toContain(token.json.token);
      expect((await api.call('DELETE', `/api/tokens/${token.json.id}`, { as: 'admin' })).status).toBe(204);
      expectProblem(await api.call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${token.json.token}` } }), 401);

      expect((await api.call('GET', '/api/users', { as: 'admin' })).json).toContainEqual(expect.objectContaining({ username: 'alex' }));
      expect((await api.call('DELETE', `/api/users/${created.json.id}`, { as: 'admin' })).status).toBe(204);
      expectProblem(await api.login('alex', 'another long password'), 401);
    });
  });

  describe('health, metrics, OpenAPI', () => {
    it('reports engine, database and telephony health', async () => {
      const health = await api.call('GET', '/api/health');
      expect(health.status).toBe(200);
      expect(health.json).toMatchObject({
        status: 'ok',
        engine: { version: expect.any(String), uptimeSeconds: expect.any(Number), activeCalls: 0 },
        database: { kind: backend.name, ok: true },
        telephony: { state: 'not-configured' },
      });
    });

    it('serves Prometheus metrics', async () => {
      const metrics = await api.call('GET', '/metrics');
      expect(metrics.contentType).toMatch(/^text\/plain/);
      expect(metrics.text).toMatch(/^frontdoor_http_requests_total\{.*route="\/api\/health".*\} \d+/m);
      expect(metrics.text).toContain('frontdoor_process_cpu_seconds_total');
    });

    it('documents every route in a valid OpenAPI 3.1 document', async () => {
      const doc = (await api.call('GET', '/api/openapi.json')).json;
      expect(doc.openapi).toBe('3.1.0');
      const validation = await new Validator().validate(structuredClone(doc));
      expect(validation.errors ?? []).toEqual([]);
      expect(validation.valid).toBe(true);
      expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
      for (const r of api.routes) {
        const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
        const operation = doc.paths[path]?.[r.method];
        expect(operation, `${r.method} ${path}`).toBeDefined();
        expect(operation['x-required-role']).toBe(r.access);
        const placeholders = [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]).sort();
        const pathParams = operation.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name).sort();
        expect(pathParams, `${r.method} ${path} path parameters`).toEqual(placeholders);
        for (const [status, response] of Object.entries(operation.responses as Record<string, { description: string }>)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(response.description).toEqual(expect.any(String));
        }
        expect(JSON.stringify(operation)).not.toContain('"$schema"');
      }
      const operationIds = Object.values(doc.paths).flatMap((item) => Object.values(item as object).map((o: { operationId: string }) => o.operationId));
      expect(new Set(operationIds).size).toBe(operationIds.length);
      expect(doc.paths['/api/flows/{id}/draft'].put.requestBody.content['application/json'].schema.properties.revision.type).toBe('integer');
    });
  });

  describe('bad input is a 4xx problem naming the problem, never a 500', () => {
    const sample: Record<string, string> = { id: 'no-such-thing', version: '1', did: '%2B441234500999', language: 'en-GB' };
    const concrete = (path: string) => path.replace(/:([A-Za-z]+)/g, (_, name: string) => sample[name] ?? 'x');

    it('malformed JSON, wrong types and oversized bodies on every JSON body route', async () => {
      const bodyRoutes = api.routes.filter((r) => r.body && r.body !== 'audio');
      expect(bodyRoutes.length).toBeGreaterThan(20);
      for (const r of bodyRoutes) {
        const path = concrete(r.path);
        const label = `${r.method} ${r.path}`;
        const malformed = await api.call(r.method.toUpperCase(), path, { as: 'admin', via: 'token', raw: '{"flow": ', contentType: 'application/json' });
        expect(malformed.status, label).toBe(400);
        expect(malformed.json.errors, label).toEqual([{ path: 'body', message: 'malformed JSON' }]);
        const wrongType = await api.call(r.method.toUpperCase(), path, { as: 'admin', via: 'token', body: ['not', 'an', 'object'] });
        expect([400, 404, 422], `${label}: ${wrongType.text}`).toContain(wrongType.status);
        expect(wrongType.contentType, label).toMatch(/^application\/problem\+json/);
        if (wrongType.status !== 404) expect(wrongType.json.errors[0].path, label).toMatch(/^body/);
        const huge = await api.call(r.method.toUpperCase(), path, { as: 'admin', via: 'token', raw: JSON.stringify({ pad: 'x'.repeat(1_100_000) }), contentType: 'application/json' });
        expect(huge.status, label).toBe(413);
        expect(huge.json.errors[0].path, label).toBe('body');
      }
      expect(api.logged).toEqual([]);
    });

    it('names the field with the wrong type', async () => {
      await api.call('POST', '/api/flows', { as: 'designer', body: sampleFlow('typed') });
      const reply = await api.call('PUT', '/api/flows/typed/draft', { as: 'designer', body: { flow: sampleFlow('typed'), revision: 'one' } });
      expectProblem(reply, 400, 'body.revision');
      const badFlow = await api.call('POST', '/api/flows', { as: 'designer', body: { ...sampleFlow('typed-2'), nodes: [{ id: 'x', kind: 'play' }] } });
      expectProblem(badFlow, 422, 'body.nodes.0.version');
      expectProblem(await api.call('POST', '/api/flows', { as: 'designer', raw: 'plain text', contentType: 'text/plain' }), 415, 'body');
      expectProblem(await api.call('GET', '/api/calls?pageSize=100000', { as: 'viewer' }), 400, 'query.pageSize');
      expectProblem(await api.call('GET', '/api/flows/typed/versions/first', { as: 'viewer' }), 400, 'params.version');
      expectProblem(await api.call('GET', '/api/flows/typed/diff?from=1&to=x', { as: 'viewer' }), 400, 'query.to');
      expectProblem(await api.call('GET', '/api/flows/%E0%A4%A', { as: 'viewer' }), 400);
      expectProblem(await api.call('GET', '/api/calls?page=1&page=2', { as: 'viewer' }), 400, 'query.page');
      expectProblem(await api.call('POST', '/api/flows', { as: 'designer', raw: '{}', contentType: 'application/json; charset=latin-9' }), 415);
      expect(api.logged).toEqual([]);
    });

    it('unknown ids on every read route are 404, unknown routes 404, wrong methods 405', async () => {
      const reads = api.routes.filter((r) => r.method === 'get' && r.path.includes(':'));
      for (const r of reads) {
        const query = r.path.endsWith('/diff') ? '?from=1' : r.path.endsWith('/analytics') ? '?from=2026-11-01&to=2026-11-02' : '';
        const reply = await api.call('GET', concrete(r.path) + query, { as: 'admin', via: 'token' });
        expect(reply.status, `${r.path}: ${reply.text}`).toBe(404);
        expect(reply.contentType).toMatch(/^application\/problem\+json/);
      }
      for (const [method, path, body] of [
        ['PUT', '/api/flows/no-such-thing/draft', { flow: sampleFlow('no-such-thing'), revision: 1 }],
        ['POST', '/api/flows/no-such-thing/publish', { revision: 1 }],
        ['POST', '/api/flows/no-such-thing/versions/9/rollback', undefined],
        ['DELETE', '/api/flows/no-such-thing', undefined],
        ['PUT', '/api/users/no-such-thing', { role: 'viewer' }],
        ['DELETE', '/api/users/00000000-0000-0000-0000-000000000000', undefined],
        ['DELETE', '/api/tokens/no-such-thing', undefined],
        ['PUT', '/api/schedules/no-such-thing', { name: 'x' }],
      ] as const) {
        expectProblem(await api.call(method, path, { as: 'admin', via: 'token', ...(body ? { body } : {}) }), 404);
      }
      expectProblem(await api.call('GET', '/api/no-such-route', { as: 'viewer' }), 404);
      expectProblem(await api.call('PATCH', '/api/flows', { as: 'admin', via: 'token' }), 405);
      expect(api.logged).toEqual([]);
    });
  });
});
