/**
 * The reports API over real HTTP: history as JSON and CSV with the queue's own thresholds, staffing beside
 * it, flow analytics, the wallboard and its websocket; bad input answered 400 naming the field, unknown
 * queues and versions 404, nobody signed in 401. The figures themselves are checked against hand-worked
 * values in engine/src/reporting/*.test.ts; here the wiring and the contract.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { seedBasics, seedCalls, seedVisits } from '../testing/report-seed.js';
import { startTestApi, type RunningApi } from './testing/api-harness.js';

const T = (s: string) => `2026-03-${s}Z`;

describe.each(testDatabases())('reports API ($name)', (backend) => {
  const store = withTestStore(backend);
  let api: RunningApi;
  beforeAll(async () => {
    api = await startTestApi(store());
    const sql = store().reportSql;
    await seedBasics(sql, [{ id: 'highways', name: 'Highways', serviceLine: 'Highways', settings: { serviceLevel: { answeredWithinSeconds: [30], shortAbandonSeconds: 5 } } }], ['alice']);
    await seedCalls(sql, [
      { id: 'a1', from: '+447700900001', startedAt: T('10T09:00:00'), endedAt: T('10T09:05:00'), queueId: 'highways' },
      { id: 'a2', from: '+447700900002', startedAt: T('10T09:10:00'), endedAt: T('10T09:12:00'), outcome: 'callerHungUp', queueId: 'highways' },
      { id: 'a3', from: '+447700900003', startedAt: T('10T09:40:00'), endedAt: T('10T09:45:00'), queueId: 'highways' },
    ]);
    await seedVisits(sql, [
      { id: 'e1', callId: 'a1', queueId: 'highways', enteredAt: T('10T09:00:10'), answeredAt: T('10T09:00:30'), endedAt: T('10T09:05:00'), outcome: 'answered', agentId: 'alice' },
      { id: 'e2', callId: 'a2', queueId: 'highways', enteredAt: T('10T09:10:10'), endedAt: T('10T09:12:00'), outcome: 'abandoned' },
      { id: 'e3', callId: 'a3', queueId: 'highways', enteredAt: T('10T09:40:10'), answeredAt: T('10T09:41:10'), endedAt: T('10T09:45:00'), outcome: 'answered', agentId: 'alice' },
    ]);
  });
  afterAll(async () => api?.close());

  it('history uses the queue’s own thresholds; service line and all queues too', async () => {
    const reply = await api.call('GET', '/api/reports/history?queueId=highways&granularity=day&from=2026-03-10&to=2026-03-11', { as: 'viewer' });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ scope: { kind: 'queue', queueId: 'highways' }, timeZone: 'Europe/London', thresholds: [30], shortAbandonSeconds: 5, repeatDays: 7 });
    expect(reply.json.periods).toHaveLength(1);
    expect(reply.json.periods[0]).toMatchObject({ start: T('10T00:00:00.000'), offered: 3, answered: 2, abandoned: 1, asa: 40 });
    expect(reply.json.periods[0].answeredWithin).toEqual([{ seconds: 30, count: 1, percent: 33.3 }]);
    const line = await api.call('GET', '/api/reports/history?serviceLine=Highways&from=2026-03-10&to=2026-03-11&thresholds=20,60', { as: 'viewer', via: 'token' });
    expect(line.json.periods[0].answeredWithin.map((w: { count: number }) => w.count)).toEqual([1, 2]);
    const all = await api.call('GET', '/api/reports/history?granularity=halfHour&from=2026-03-10T09:00:00Z&to=2026-03-10T10:00:00Z', { as: 'viewer' });
    expect(all.json.periods.map((p: { offered: number }) => p.offered)).toEqual([2, 1]);
    expect(all.json.periods[0].ivr).toMatchObject({ calls: 2, queued: 2 });
  });

  it('CSV: one row per period with a header, local and UTC times', async () => {
    const reply = await api.call('GET', '/api/reports/history.csv?queueId=highways&granularity=halfHour&from=2026-03-10T09:00:00Z&to=2026-03-10T10:00:00Z', { as: 'viewer' });
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^text\/csv/);
    expect(reply.headers.get('content-disposition')).toBe('attachment; filename="highways-halfHour-2026-03-10T09_00_00Z.csv"');
    const lines = reply.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^period_start,period_start_utc,offered,answered,answered_within_30s,service_level_30s_percent,abandoned,/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      '2026-03-10 09:00 GMT,2026-03-10T09:00:00.000Z,2,1',
      '2026-03-10 09:30 GMT,2026-03-10T09:30:00.000Z,1,1',
    ]);
  });

  it('staffing per half-hour beside the history', async () => {
    const reply = await api.call('GET', '/api/reports/staffing?queueId=highways&day=2026-03-10&targetPercent=80', { as: 'viewer' });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ day: '2026-03-10', withinSeconds: 30, targetPercent: 80 });
    expect(reply.json.rows).toHaveLength(48);
    const nine = reply.json.rows.find((r: { start: string }) => r.start === T('10T09:00:00.000'));
    // 2 callers in the half-hour, handle time 270 s (the one call's talk): 0.3 Erlangs. One agent would answer
    // 1 − 0.3·e^(−0.7·30/270) = 72 % within 30 s, short of 80 %: Erlang C says 2. Patience: 130 s waited, 1 gave up.
    expect(nine).toMatchObject({ offered: 2, handleSeconds: 270, erlangs: 0.3, patienceSeconds: 130 });
    expect(nine.erlangC).toMatchObject({ agents: 2 });
    expect(nine.erlangC.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(nine.erlangA.agents).toBeLessThanOrEqual(2);
    const quiet = reply.json.rows.find((r: { start: string }) => r.start === T('10T03:00:00.000'));
    expect(quiet).toMatchObject({ offered: 0, erlangs: 0, erlangC: null, erlangA: null });
  });

  it('refuses what it cannot answer, naming the field; unknown queues and versions are 404; nobody signed in is 401', async () => {
    const bad = await api.call('GET', '/api/reports/history?queueId=highways&from=2026-03-10&to=yesterday', { as: 'viewer' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('query.to');
    const thresholds = await api.call('GET', '/api/reports/history?from=2026-03-10&to=2026-03-11&thresholds=20,99999', { as: 'viewer' });
    expect(thresholds.status).toBe(400);
    expect(thresholds.json.errors[0].path).toBe('query.thresholds');
    const both = await api.call('GET', '/api/reports/history?queueId=highways&serviceLine=Highways&from=2026-03-10&to=2026-03-11', { as: 'viewer' });
    expect(both.status).toBe(400);
    const tooMany = await api.call('GET', '/api/reports/history?granularity=halfHour&from=2020-01-01&to=2026-01-01', { as: 'viewer' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.detail).toMatch(/at most/);
    expect((await api.call('GET', '/api/reports/history?queueId=nope&from=2026-03-10&to=2026-03-11', { as: 'viewer' })).status).toBe(404);
    expect((await api.call('GET', '/api/reports/flows/nope/versions/1/analytics?from=2026-03-10&to=2026-03-11', { as: 'viewer' })).status).toBe(404);
    expect((await api.call('GET', '/api/reports/history?from=2026-03-10&to=2026-03-11')).status).toBe(401);
  });

  it('a council sets its service-level targets on the queue, and the wallboard judges today by them', async () => {
    const refused = await api.call('PUT', '/api/queues/highways', { as: 'admin', body: { settings: { serviceLevel: { answeredWithinSeconds: [30, 180], targetPercents: [90] } } } });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.json.errors.map((e: { path: string }) => e.path)).toContain('body.settings.serviceLevel.targetPercents');
    const set = await api.call('PUT', '/api/queues/highways', {
      as: 'admin',
      body: { settings: { serviceLevel: { answeredWithinSeconds: [30, 180], shortAbandonSeconds: 5, targetPercents: [90, 99], abandonedTargetPercent: 3 } } },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.json.settings.serviceLevel).toEqual({ answeredWithinSeconds: [30, 180], shortAbandonSeconds: 5, targetPercents: [90, 99], abandonedTargetPercent: 3 });
    const board = await api.call('GET', '/api/reports/wallboard', { as: 'viewer' });
    const highways = board.json.queues.find((q: { id: string }) => q.id === 'highways');
    expect(highways.today.answeredWithin.map((w: { seconds: number; target: number }) => [w.seconds, w.target])).toEqual([
      [30, 90],
      [180, 99],
    ]);
    expect(highways.today.abandonedTarget).toBe(3);
    // The history follows the queue's thresholds as they are now.
    const history = await api.call('GET', '/api/reports/history?queueId=highways&granularity=day&from=2026-03-10&to=2026-03-11', { as: 'viewer' });
    expect(history.json.thresholds).toEqual([30, 180]);
    expect(history.json.periods[0].answeredWithin).toEqual([
      { seconds: 30, count: 1, percent: 33.3 },
      { seconds: 180, count: 2, percent: 66.7 },
    ]);
  });

  it('the wallboard now, and over its websocket', async () => {
    const now = await api.call('GET', '/api/reports/wallboard', { as: 'viewer' });
    expect(now.status).toBe(200);
    expect(now.json.queues.map((q: { id: string }) => q.id)).toEqual(['highways']);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${api.base.replace('http', 'ws')}/api/wallboard`, { headers: { origin: api.base } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
    const ws = new WebSocket(`${api.base.replace('http', 'ws')}/api/wallboard`, { headers: { origin: api.base, cookie: api.users.viewer.cookie } });
    const boards: Array<{ queues: Array<{ id: string; waiting: number }> }> = [];
    let waitFor: (n: number) => void = () => undefined;
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; board: (typeof boards)[number] };
      expect(message.type).toBe('board');
      boards.push(message.board);
      waitFor(boards.length);
    });
    const arrived = (count: number) => new Promise<void>((resolve) => (boards.length >= count ? resolve() : (waitFor = (n) => n >= count && resolve())));
    try {
      await arrived(1);
      expect(boards[0]!.queues[0]).toMatchObject({ id: 'highways', waiting: 0 });
      await seedVisits(store().reportSql, [{ id: 'live1', callId: 'a1', queueId: 'highways', enteredAt: new Date().toISOString() }]);
      await arrived(2);
      expect(boards[1]!.queues[0]).toMatchObject({ id: 'highways', waiting: 1 });
    } finally {
      ws.close();
    }
  });
});
