/**
 * The roll-up stores only what has settled: a half-hour is rolled up once it ended an hour ago and nobody
 * who joined in it is still waiting or talking; what is not rolled up yet is read from the records, so the
 * history is the same either way; one engine at a time.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { seedBasics, seedCalls, seedVisits } from '../testing/report-seed.js';
import { history } from './history.js';
import { rollUp, ROLLUP_LOCK } from './rollup.js';

const T = (s: string) => new Date(`2026-03-10T${s}Z`);

describe.each(testDatabases())('roll-up ($name)', (backend) => {
  const store = withTestStore(backend);

  it('waits for a caller still in the queue, then rolls their half-hour up; history reads the same before and after', async () => {
    const sql = store().reportSql;
    await seedBasics(sql, [{ id: 'q', name: 'Q', serviceLine: 'Line' }], ['ann']);
    await seedCalls(sql, [
      { id: 'a', from: '+447700900001', startedAt: '2026-03-10T08:59:00Z', endedAt: '2026-03-10T09:05:00Z', queueId: 'q' },
      { id: 'b', from: '+447700900002', startedAt: '2026-03-10T09:40:00Z', queueId: 'q' },
    ]);
    await seedVisits(sql, [
      { id: 'a', callId: 'a', queueId: 'q', enteredAt: '2026-03-10T09:00:00Z', answeredAt: '2026-03-10T09:00:12Z', endedAt: '2026-03-10T09:05:00Z', outcome: 'answered', agentId: 'ann' },
      // Still talking at 11:00: the 09:30 half-hour cannot be rolled up yet.
      { id: 'b', callId: 'b', queueId: 'q', enteredAt: '2026-03-10T09:40:00Z', answeredAt: '2026-03-10T09:41:00Z', agentId: 'ann' },
    ]);
    const request = { scope: { kind: 'queue' as const, queueId: 'q' }, granularity: 'halfHour' as const, from: T('09:00:00'), to: T('10:00:00'), thresholds: [20], shortAbandonSeconds: 5, repeatDays: 7 };
    const before = await history(sql, request);

    const first = await rollUp(sql, T('11:00:00'));
    expect(first?.queues?.through).toEqual(T('09:30:00'));
    expect(await history(sql, request)).toEqual(before);

    // The talk ends; two hours later the half-hour has settled and is rolled up with its handle time.
    await sql.query(`UPDATE queue_entries SET state = 'ended', ended_at = $1, outcome = 'answered' WHERE id = 'b'`, [T('09:51:00')]);
    const second = await rollUp(sql, T('13:00:00'), { refreshMinutes: 24 * 60 });
    expect(second?.queues).toEqual({ from: T('09:30:00'), through: T('12:00:00') });
    const rows = await sql.query<{ bucket: Date; handled: number; talk_sum: number }>('SELECT bucket, handled, talk_sum FROM report_queue_half_hours ORDER BY bucket');
    expect(rows).toEqual([
      { bucket: T('09:00:00'), handled: 1, talk_sum: 288 },
      { bucket: T('09:30:00'), handled: 1, talk_sum: 600 },
    ]);
    const after = await history(sql, request);
    expect(after.map((p) => [p.offered, p.answered, p.aht])).toEqual([
      [1, 1, 288],
      [1, 1, 600],
    ]);
  });

  // The embedded database serves every connection from one session (one engine), so only a real server can show this.
  it.runIf(backend.name === 'postgres')('only one engine rolls up at a time', async () => {
    const sql = store().reportSql;
    const inner = await sql.exclusive(ROLLUP_LOCK, async () => rollUp(sql, T('14:00:00')));
    // The outer transaction holds the lock: the inner run (another connection) steps aside.
    expect(inner).toBeUndefined();
  });
});
