/**
 * History figures against hand-worked values: known calls and queue visits are seeded, and every figure
 * is checked — live from the records, then again from the roll-up, on the embedded database and a real
 * PostgreSQL. The scenario (times in UTC; Europe/London is on GMT in early March):
 *
 * Highways queue (thresholds 20 s and 180 s, short abandon under 5 s), Tuesday 10 March 2026:
 *   v1 09:00:10 answered after 15 s, talk 300 s, wrap-up 30 s           caller …001
 *   v2 09:10:00 answered after 60 s, talk 180 s, wrap-up 20 s           caller …002
 *   v3 09:20:00 hung up after 3 s (a short abandon)
 *   v4 09:25:00 hung up after 120 s (abandoned)
 *   v5 09:29:50 answered after 15 s at 09:30:05 (crosses a half-hour), talk 100 s, caller …001 again
 *   v6 09:40:00 took a callback after 90 s; called back 10:25, talk 300 s
 *   v7 09:45:00 overflowed after 300 s to Housing → v8 09:50:00 answered after 10 s, talk 120 s, then transferred by the adviser
 *   v9 23:59:50 answered after 30 s at 00:00:20 on the 11th (crosses midnight), talk 60 s, number withheld
 * …001 rings again on 10 March at 09:29:40 (v5's call) and on 20 March; …002 on 15 March. Two IVR-only
 * calls on the 10th: one resolved by the flow, one hung up at the menu.
 *
 * Hand-worked for Highways on the 10th: offered 8; short abandons 1, so 7 judged; answered 4 (v1 v2 v5 v9);
 * within 20 s 2 (28.6 %), within 180 s 4 (57.1 %); abandoned 1 (14.3 %); overflowed 1; callbacks 1 requested,
 * 1 completed; ASA (15+60+15+30)/4 = 30 s; handled 5 (v1 v2 v5 v6 v9), talk 940 s + wrap 50 s → AHT 198 s;
 * longest wait 300 s (v7); identified answered callers 3 (v9 withheld), of whom 2 rang again within 7 days
 * (v1's caller the same morning, v2's five days later) and 1 within a day.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { seedBasics, seedCalls, seedVisits, type SeedCall, type SeedVisit } from '../testing/report-seed.js';
import { history, type HistoryRequest } from './history.js';
import { rollUp } from './rollup.js';
import { SHORT_ABANDON_LADDER, WAIT_LADDER } from './queue-figures.js';

const T = (s: string) => `2026-${s}Z`;
const calls: SeedCall[] = [
  { id: 'c1', from: '+447700900001', startedAt: T('03-10T09:00:00'), endedAt: T('03-10T09:05:25'), queueId: 'highways' },
  { id: 'c2', from: '+447700900002', startedAt: T('03-10T09:09:50'), endedAt: T('03-10T09:14:00'), queueId: 'highways' },
  { id: 'c3', from: '+447700900003', startedAt: T('03-10T09:19:50'), endedAt: T('03-10T09:20:03'), outcome: 'callerHungUp', queueId: 'highways' },
  { id: 'c4', from: '+447700900004', startedAt: T('03-10T09:24:50'), endedAt: T('03-10T09:27:00'), outcome: 'callerHungUp', queueId: 'highways' },
  { id: 'c5', from: '+447700900001', startedAt: T('03-10T09:29:40'), endedAt: T('03-10T09:31:45'), queueId: 'highways' },
  { id: 'c6', from: '+447700900006', startedAt: T('03-10T09:39:50'), endedAt: T('03-10T09:41:35'), queueId: 'highways' },
  { id: 'c7', from: '+447700900007', startedAt: T('03-10T09:44:50'), endedAt: T('03-10T09:52:10'), outcome: 'transferred', queueId: 'housing' },
  { id: 'c9', from: 'anonymous', startedAt: T('03-10T23:59:40'), endedAt: T('03-11T00:01:20'), queueId: 'highways' },
  { id: 'ivr1', from: '+447700900011', startedAt: T('03-10T12:00:00'), endedAt: T('03-10T12:01:00'), outcome: 'completed' },
  { id: 'ivr2', from: '+447700900012', startedAt: T('03-10T12:05:00'), endedAt: T('03-10T12:05:30'), outcome: 'callerHungUp', endedAtNode: 'menu' },
  { id: 'later2', from: '+447700900002', startedAt: T('03-15T10:00:00'), endedAt: T('03-15T10:01:00') },
  { id: 'later1', from: '+447700900001', startedAt: T('03-20T10:00:00'), endedAt: T('03-20T10:01:00') },
  // Clock changes: spring forward on 29 March (23 hours), fall back on 25 October (25 hours).
  { id: 'd1', from: '+447700900021', startedAt: T('03-29T00:30:00'), endedAt: T('03-29T00:31:00'), queueId: 'highways' },
  { id: 'd2', from: '+447700900022', startedAt: T('03-29T22:30:00'), endedAt: T('03-29T22:31:00'), queueId: 'highways' },
  { id: 'd3', from: '+447700900023', startedAt: T('03-29T23:10:00'), endedAt: T('03-29T23:11:00'), queueId: 'highways' },
  { id: 'o1', from: '+447700900031', startedAt: T('10-25T00:15:00'), endedAt: T('10-25T00:16:00'), queueId: 'highways' },
  { id: 'o2', from: '+447700900032', startedAt: T('10-25T01:15:00'), endedAt: T('10-25T01:16:00'), queueId: 'highways' },
  // A designer's test call that reached the real queue: never in the figures.
  { id: 'test1', kind: 'test', from: '+447700900041', startedAt: T('03-10T09:00:00'), endedAt: T('03-10T09:01:00'), queueId: 'highways' },
];
const visits: SeedVisit[] = [
  { id: 'v1', callId: 'c1', queueId: 'highways', enteredAt: T('03-10T09:00:10'), answeredAt: T('03-10T09:00:25'), endedAt: T('03-10T09:05:25'), outcome: 'answered', agentId: 'alice', wrapUp: { from: T('03-10T09:05:25'), to: T('03-10T09:05:55') } },
  { id: 'v2', callId: 'c2', queueId: 'highways', enteredAt: T('03-10T09:10:00'), answeredAt: T('03-10T09:11:00'), endedAt: T('03-10T09:14:00'), outcome: 'answered', agentId: 'bob', wrapUp: { from: T('03-10T09:14:00'), to: T('03-10T09:14:20') } },
  { id: 'v3', callId: 'c3', queueId: 'highways', enteredAt: T('03-10T09:20:00'), endedAt: T('03-10T09:20:03'), outcome: 'abandoned' },
  { id: 'v4', callId: 'c4', queueId: 'highways', enteredAt: T('03-10T09:25:00'), endedAt: T('03-10T09:27:00'), outcome: 'abandoned' },
  { id: 'v5', callId: 'c5', queueId: 'highways', enteredAt: T('03-10T09:29:50'), answeredAt: T('03-10T09:30:05'), endedAt: T('03-10T09:31:45'), outcome: 'answered', agentId: 'alice' },
  { id: 'v6', callId: 'c6', queueId: 'highways', kind: 'callback', enteredAt: T('03-10T09:40:00'), callbackAcceptedAt: T('03-10T09:41:30'), answeredAt: T('03-10T10:25:00'), endedAt: T('03-10T10:30:00'), outcome: 'callback_completed', agentId: 'bob' },
  { id: 'v7', callId: 'c7', queueId: 'highways', enteredAt: T('03-10T09:45:00'), endedAt: T('03-10T09:50:00'), outcome: 'overflowed' },
  { id: 'v8', callId: 'c7', queueId: 'housing', enteredAt: T('03-10T09:50:00'), answeredAt: T('03-10T09:50:10'), endedAt: T('03-10T09:52:10'), outcome: 'transferred', agentId: 'carol' },
  { id: 'v9', callId: 'c9', queueId: 'highways', enteredAt: T('03-10T23:59:50'), answeredAt: T('03-11T00:00:20'), endedAt: T('03-11T00:01:20'), outcome: 'answered', agentId: 'alice' },
  { id: 'vd1', callId: 'd1', queueId: 'highways', enteredAt: T('03-29T00:30:10'), endedAt: T('03-29T00:30:40'), outcome: 'abandoned' },
  { id: 'vd2', callId: 'd2', queueId: 'highways', enteredAt: T('03-29T22:30:10'), endedAt: T('03-29T22:30:40'), outcome: 'abandoned' },
  { id: 'vd3', callId: 'd3', queueId: 'highways', enteredAt: T('03-29T23:10:10'), endedAt: T('03-29T23:10:40'), outcome: 'abandoned' },
  { id: 'vo1', callId: 'o1', queueId: 'highways', enteredAt: T('10-25T00:15:10'), answeredAt: T('10-25T00:15:20'), endedAt: T('10-25T00:16:00'), outcome: 'answered', agentId: 'alice' },
  { id: 'vo2', callId: 'o2', queueId: 'highways', enteredAt: T('10-25T01:15:10'), answeredAt: T('10-25T01:15:20'), endedAt: T('10-25T01:16:00'), outcome: 'answered', agentId: 'alice' },
  { id: 'vt', callId: 'test1', queueId: 'highways', enteredAt: T('03-10T09:00:05'), answeredAt: T('03-10T09:00:06'), endedAt: T('03-10T09:01:00'), outcome: 'answered', agentId: 'bob' },
];

const day = (scope: HistoryRequest['scope'], extra: Partial<HistoryRequest> = {}): HistoryRequest => ({
  scope,
  granularity: 'day',
  from: new Date(T('03-10T00:00:00')),
  to: new Date(T('03-11T00:00:00')),
  thresholds: [20, 180],
  shortAbandonSeconds: 5,
  repeatDays: 7,
  ...extra,
});

describe.each(testDatabases())('history ($name)', (backend) => {
  const store = withTestStore(backend);
  const seeded = async () => {
    const sql = store().reportSql;
    const n = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM calls'))[0]!.n;
    if (n > 0) return sql;
    await seedBasics(sql, [
      { id: 'highways', name: 'Highways', serviceLine: 'Highways' },
      { id: 'housing', name: 'Housing repairs', serviceLine: 'Housing' },
    ], ['alice', 'bob', 'carol']);
    await seedCalls(sql, calls);
    await seedVisits(sql, visits);
    return sql;
  };

  const expectHighwaysTenth = (f: Awaited<ReturnType<typeof history>>[number]) => {
    expect(f.start.toISOString()).toBe(T('03-10T00:00:00.000'));
    expect(f.offered).toBe(8);
    expect(f.answered).toBe(4);
    expect(f.answeredWithin).toEqual([
      { seconds: 20, count: 2, percent: 28.6 },
      { seconds: 180, count: 4, percent: 57.1 },
    ]);
    expect(f.shortAbandoned).toBe(1);
    expect(f.abandoned).toBe(1);
    expect(f.abandonedPercent).toBe(14.3);
    expect(f.overflowed).toBe(1);
    expect(f.callbacks).toEqual({ requested: 1, completed: 1, failed: 0 });
    expect(f.asa).toBe(30);
    expect(f.handled).toBe(5);
    expect(f.averageTalk).toBe(188);
    expect(f.averageWrapUp).toBe(10);
    expect(f.aht).toBe(198);
    expect(f.longestWait).toBe(300);
    expect(f.repeat).toEqual({ identified: 3, repeated: 2, percent: 66.7 });
  };

  for (const source of ['the records', 'the roll-up'] as const) {
    describe(`from ${source}`, () => {
      const ready = async () => {
        const sql = await seeded();
        if (source === 'the roll-up') {
          await rollUp(sql, new Date(T('11-30T00:00:00')));
        } else {
          await sql.query('DELETE FROM report_rollups');
          await sql.query('DELETE FROM report_queue_half_hours');
          await sql.query('DELETE FROM report_call_half_hours');
        }
        return sql;
      };

      it('a queue by day: every figure, hand-worked (midnight, a half-hour boundary, short abandons, a callback, an overflow)', async () => {
        const sql = await ready();
        if (source === 'the roll-up') {
          const n = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM report_queue_half_hours'))[0]!.n;
          expect(n).toBeGreaterThan(0);
        }
        const [tenth] = await history(sql, day({ kind: 'queue', queueId: 'highways' }));
        expectHighwaysTenth(tenth!);
        const [oneDay] = await history(sql, day({ kind: 'queue', queueId: 'highways' }, { repeatDays: 1 }));
        expect(oneDay!.repeat).toEqual({ identified: 3, repeated: 1, percent: 33.3 });
      });

      it('half-hours: a visit counts where it joined the queue, even when answered in the next half-hour', async () => {
        const sql = await ready();
        const rows = await history(sql, { ...day({ kind: 'queue', queueId: 'highways' }), granularity: 'halfHour', from: new Date(T('03-10T09:00:00')), to: new Date(T('03-10T10:00:00')) });
        expect(rows.map((r) => [r.start.toISOString(), r.offered, r.answered])).toEqual([
          [T('03-10T09:00:00.000'), 5, 3],
          [T('03-10T09:30:00.000'), 2, 0],
        ]);
      });

      it('a transfer between queues: the overflow counts in Highways, the answer in Housing; the service line and all queues add up', async () => {
        const sql = await ready();
        const [housing] = await history(sql, day({ kind: 'queue', queueId: 'housing' }));
        expect(housing).toMatchObject({ offered: 1, answered: 1, handled: 1, aht: 120, asa: 10, overflowed: 0 });
        expect(housing!.answeredWithin[0]).toEqual({ seconds: 20, count: 1, percent: 100 });
        const [line] = await history(sql, day({ kind: 'serviceLine', serviceLine: 'Highways' }));
        expectHighwaysTenth(line!);
        const [all] = await history(sql, day({ kind: 'all' }));
        expect(all).toMatchObject({ offered: 9, answered: 5, handled: 6, shortAbandoned: 1, abandoned: 1 });
        expect(all!.answeredWithin.map((w) => w.count)).toEqual([3, 5]);
        // The IVR's share: 10 real calls started on the 10th (the test call is not one); 8 reached a queue, 1 was resolved by the flow, 1 hung up in it.
        expect(all!.ivr).toEqual({ calls: 10, contained: 1, containmentPercent: 10, ivrHangups: 1, queued: 8, transferred: 0 });
      });

      it('thresholds off the roll-up ladder are counted from the records with the same result', async () => {
        const sql = await ready();
        expect(WAIT_LADDER).not.toContain(17);
        const [f] = await history(sql, day({ kind: 'queue', queueId: 'highways' }, { thresholds: [17, 61], shortAbandonSeconds: 2 }));
        expect(f!.answeredWithin).toEqual([
          { seconds: 17, count: 2, percent: 25 },
          { seconds: 61, count: 4, percent: 50 },
        ]);
        // Nobody hung up within 2 s: v3 (3 s) is now a real abandon.
        expect(f).toMatchObject({ shortAbandoned: 0, abandoned: 2, abandonedPercent: 25 });
      });

      it('Europe/London days on the clock-change days: 23 hours in March, 25 in October, each half-hour once', async () => {
        const sql = await ready();
        const march = await history(sql, { ...day({ kind: 'queue', queueId: 'highways' }), from: new Date(T('03-28T00:00:00')), to: new Date(T('03-30T23:00:00')) });
        expect(march.map((r) => [r.start.toISOString(), r.offered])).toEqual([
          [T('03-28T00:00:00.000'), 0],
          [T('03-29T00:00:00.000'), 2],
          [T('03-29T23:00:00.000'), 1],
        ]);
        const springHalfHours = await history(sql, { ...day({ kind: 'queue', queueId: 'highways' }), granularity: 'halfHour', from: new Date(T('03-29T00:00:00')), to: new Date(T('03-29T23:00:00')) });
        expect(springHalfHours).toHaveLength(46);
        const autumn = await history(sql, { ...day({ kind: 'queue', queueId: 'highways' }), granularity: 'halfHour', from: new Date(T('10-24T23:00:00')), to: new Date(T('10-26T00:00:00')) });
        expect(autumn).toHaveLength(50);
        expect(autumn.filter((r) => r.offered > 0).map((r) => r.start.toISOString())).toEqual([T('10-25T00:00:00.000'), T('10-25T01:00:00.000')]);
        const [october] = await history(sql, { ...day({ kind: 'queue', queueId: 'highways' }), from: new Date(T('10-24T23:00:00')), to: new Date(T('10-26T00:00:00')) });
        expect(october).toMatchObject({ offered: 2, answered: 2 });
      });

      it('weeks start on Monday and months on the 1st, in Europe/London', async () => {
        const sql = await ready();
        const weeks = await history(sql, { ...day({ kind: 'queue', queueId: 'highways' }), granularity: 'week', from: new Date(T('03-09T00:00:00')), to: new Date(T('03-23T00:00:00')) });
        expect(weeks.map((w) => [w.start.toISOString(), w.offered])).toEqual([
          [T('03-09T00:00:00.000'), 8],
          [T('03-16T00:00:00.000'), 0],
        ]);
        const months = await history(sql, { ...day({ kind: 'queue', queueId: 'highways' }), granularity: 'month', from: new Date(T('03-01T00:00:00')), to: new Date(T('04-30T23:00:00')) });
        // April starts at midnight BST, 23:00 UTC on 31 March.
        expect(months.map((m) => [m.start.toISOString(), m.offered])).toEqual([
          [T('03-01T00:00:00.000'), 11],
          [T('03-31T23:00:00.000'), 0],
        ]);
      });
    });
  }

  it('the ladders in code are the migration’s', async () => {
    const sql = await seeded();
    const [row] = await sql.query<{ waits: number[]; shorts: number[] }>('SELECT report_wait_ladder() AS waits, report_short_abandon_ladder() AS shorts');
    expect(row!.waits).toEqual([...WAIT_LADDER]);
    expect(row!.shorts).toEqual([...SHORT_ABANDON_LADDER]);
  });

  it('refuses a request it cannot answer, naming what', async () => {
    const sql = await seeded();
    await expect(history(sql, day({ kind: 'all' }, { thresholds: [] }))).rejects.toThrow(/1 to 4/);
    await expect(history(sql, day({ kind: 'all' }, { repeatDays: 40 }))).rejects.toThrow(/repeatDays/);
    await expect(history(sql, day({ kind: 'all' }, { from: new Date(T('03-12T00:00:00')) }))).rejects.toThrow(/from must be before to/);
  });
});
