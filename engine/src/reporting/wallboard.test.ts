/**
 * The wallboard against hand-worked values at 10:00 on Tuesday 10 March 2026 (GMT). Highways (20 s and
 * 180 s, targets 80 % and 90 %, short abandon under 5 s): today t1 answered after 10 s, t2 after 40 s, t3
 * hung up after 2 s (short), t4 after 60 s; w-talk answered after 5 s and still talking; w1 and w2
 * waiting since 09:58:00 and 09:59:30; cb1 a callback waiting; y1 yesterday (not today). Offered 8, judged
 * 7: within 20 s 2 (28.6 %, missed), within 180 s 3 (42.9 %), abandoned 1 (14.3 % against 5 %, missed).
 * Agents serving Highways: alice available, bob on a call, carol on a break, erin wrapping up, dave never
 * logged in (offline). Housing (30 s) is quiet; alice serves it too.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { seedBasics, seedCalls, seedVisits } from '../testing/report-seed.js';
import { WallboardHub, wallboardSnapshot, type Wallboard } from './wallboard.js';

const T = (s: string) => `2026-03-${s}Z`;
const NOW = new Date(T('10T10:00:00'));

describe.each(testDatabases())('wallboard ($name)', (backend) => {
  const store = withTestStore(backend);
  const seeded = async () => {
    const sql = store().reportSql;
    if ((await sql.query('SELECT 1 FROM calls LIMIT 1')).length > 0) return sql;
    await seedBasics(
      sql,
      [
        { id: 'highways', name: 'Highways', serviceLine: 'Highways', settings: { serviceLevel: { answeredWithinSeconds: [20, 180], shortAbandonSeconds: 5, targetPercents: [80, 90] } } },
        { id: 'housing', name: 'Housing', serviceLine: 'Housing', settings: { serviceLevel: { answeredWithinSeconds: [30], shortAbandonSeconds: 10 } } },
      ],
      ['alice', 'bob', 'carol', 'dave', 'erin'],
    );
    for (const agent of ['alice', 'bob', 'carol', 'dave', 'erin']) await sql.query(`INSERT INTO agent_queues (agent_id, queue_id) VALUES ($1, 'highways')`, [agent]);
    await sql.query(`INSERT INTO agent_queues (agent_id, queue_id) VALUES ('alice', 'housing')`);
    const ids = ['t1', 't2', 't3', 't4', 'w1', 'w2', 'wt', 'cb1', 'y1'];
    await seedCalls(sql, ids.map((id) => ({ id, from: `+4477009001${ids.indexOf(id)}`, startedAt: id === 'y1' ? T('09T23:29:00') : T('10T08:00:00') })));
    await seedVisits(sql, [
      { id: 't1', callId: 't1', queueId: 'highways', enteredAt: T('10T09:00:00'), answeredAt: T('10T09:00:10'), endedAt: T('10T09:03:00'), outcome: 'answered', agentId: 'alice' },
      { id: 't2', callId: 't2', queueId: 'highways', enteredAt: T('10T09:10:00'), answeredAt: T('10T09:10:40'), endedAt: T('10T09:13:00'), outcome: 'answered', agentId: 'alice' },
      { id: 't3', callId: 't3', queueId: 'highways', enteredAt: T('10T09:20:00'), endedAt: T('10T09:20:02'), outcome: 'abandoned' },
      { id: 't4', callId: 't4', queueId: 'highways', enteredAt: T('10T09:30:00'), endedAt: T('10T09:31:00'), outcome: 'abandoned' },
      { id: 'wt', callId: 'wt', queueId: 'highways', enteredAt: T('10T09:50:00'), answeredAt: T('10T09:50:05'), agentId: 'bob' },
      { id: 'w1', callId: 'w1', queueId: 'highways', enteredAt: T('10T09:58:00') },
      { id: 'w2', callId: 'w2', queueId: 'highways', enteredAt: T('10T09:59:30') },
      { id: 'cb1', callId: 'cb1', queueId: 'highways', kind: 'callback', enteredAt: T('10T09:40:00'), callbackAcceptedAt: T('10T09:41:00') },
      { id: 'y1', callId: 'y1', queueId: 'highways', enteredAt: T('09T23:30:00'), answeredAt: T('09T23:30:05'), endedAt: T('09T23:35:00'), outcome: 'answered', agentId: 'alice' },
    ]);
    const states: Array<[string, string, string | null]> = [['alice', 'available', null], ['bob', 'on_call', 'wt'], ['carol', 'break', null], ['erin', 'wrap_up', null]];
    for (const [agent, state, entry] of states) {
      await sql.query(
        `INSERT INTO agent_states (agent_id, state, since, idle_since, wrap_ends_at, entry_id, call_id, queue_id, reason)
         VALUES ($1, $2, $3, CASE WHEN $2 = 'available' THEN $3::timestamptz END, CASE WHEN $2 = 'wrap_up' THEN $3::timestamptz + interval '30 seconds' END,
                 $4::text, $4::text, CASE WHEN $4::text IS NULL THEN NULL ELSE 'highways' END, CASE WHEN $2 = 'break' THEN 'lunch' END)`,
        [agent, state, T('10T09:55:00'), entry],
      );
    }
    return sql;
  };

  it('every queue: waiting now, longest wait, callbacks pending, agents by state, today against targets', async () => {
    const sql = await seeded();
    const board = await wallboardSnapshot(sql, await store().queues.list(), NOW);
    expect(board.day).toBe('2026-03-10');
    const highways = board.queues.find((q) => q.id === 'highways')!;
    expect(highways).toMatchObject({
      name: 'Highways',
      serviceLine: 'Highways',
      waiting: 2,
      oldestWaitingSince: T('10T09:58:00.000'),
      longestWaitSeconds: 120,
      callbacksPending: 1,
      agents: { available: 1, ringing: 0, on_call: 1, wrap_up: 1, break: 1, offline: 1 },
    });
    expect(highways.today).toEqual({
      offered: 8,
      answered: 3,
      answeredWithin: [
        { seconds: 20, percent: 28.6, target: 80, standing: 'missed' },
        { seconds: 180, percent: 42.9, target: 90, standing: 'missed' },
      ],
      abandoned: 1,
      shortAbandoned: 1,
      abandonedPercent: 14.3,
      abandonedTarget: 5,
      abandonedStanding: 'missed',
    });
    const housing = board.queues.find((q) => q.id === 'housing')!;
    expect(housing).toMatchObject({ waiting: 0, oldestWaitingSince: null, longestWaitSeconds: 0, agents: { available: 1, offline: 0 } });
    expect(housing.today.answeredWithin).toEqual([{ seconds: 30, percent: null, target: 80, standing: 'none' }]);
  });

  it('the hub pushes a new board when a caller joins, and nothing when nothing changed', async () => {
    const sql = await seeded();
    let now = NOW.getTime();
    const hub = new WallboardHub({ sql, queues: () => store().queues.list(), clock: { now: () => now } }, { pollMs: 20, fullRefreshMs: 3_600_000 });
    const boards: Wallboard[] = [];
    let arrived: () => void = () => undefined;
    const stop = hub.subscribe((board) => {
      boards.push(board);
      arrived();
    });
    const next = () => new Promise<void>((resolve) => (arrived = resolve));
    try {
      if (boards.length === 0) await next();
      expect(boards.at(-1)!.queues.find((q) => q.id === 'highways')!.waiting).toBe(2);
      now += 1000;
      const pushed = next();
      await seedVisits(sql, [{ id: 'w3', callId: 't1', queueId: 'housing', enteredAt: T('10T10:00:01') }]);
      await pushed;
      expect(boards.at(-1)!.queues.find((q) => q.id === 'housing')).toMatchObject({ waiting: 1, today: { offered: 1 } });
      const count = boards.length;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(boards.length).toBe(count);
    } finally {
      stop();
      hub.close();
      await sql.query(`DELETE FROM queue_events WHERE entry_id = 'w3'`);
      await sql.query(`DELETE FROM queue_entries WHERE id = 'w3'`);
    }
  });
});
