/**
 * Reports at scale, on one database (argv[2]: embedded | postgres), in its own process:
 *   1. seeds `calls` real calls over the last 365 days (default 1,000,000) with their queue visits, queue events,
 *      advisers' wrap-up log and call events, by generate_series in the database, plus 50 queues and 500 agents;
 *   2. rolls everything up once (timed), as an engine's first roll-up after an upgrade would;
 *   3. times the history queries a manager runs (each 5 times; median and worst);
 *   4. times the wallboard: from a change committed (a caller joins a queue, an adviser takes a break) to the
 *      new board reaching a listener: on PostgreSQL through the ACD signal the change's NOTIFY brings (migration
 *      0008's trigger, as for another engine's change), on the embedded database through the hub's change check.
 * Prints one JSON line with the figures; bench/run.ts writes them into BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../engine/src/adapters/storage/postgres/database.js';
import { migrate } from '../engine/src/adapters/storage/postgres/migrate.js';
import { createPostgresStore } from '../engine/src/adapters/storage/postgres/postgres-store.js';
import { createScratchDatabase } from '../engine/src/adapters/storage/postgres/test-databases.js';
import type { Store } from '../engine/src/ports/store.js';
import { Reporting } from '../engine/src/reporting/reporting.js';
import type { Wallboard } from '../engine/src/reporting/wallboard.js';
import { startPrivatePostgres } from '../scripts/test-postgres.js';

const kind = process.argv[2] === 'postgres' ? 'postgres' : 'embedded';
const calls = Number(process.argv[3] ?? 1_000_000);
const log = (m: string) => process.stderr.write(`reports bench (${kind}): ${m}\n`);

async function open() {
  if (kind === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'frontdoor-reports-bench-'));
    const database = await openDatabase({ dataDir: dir, poolSize: 4 });
    return { database, dispose: async () => { await database.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const server = await startPrivatePostgres();
  const scratch = await createScratchDatabase(server.url);
  const database = await openDatabase({ url: scratch.url, dataDir: tmpdir(), poolSize: 4 });
  return { database, dispose: async () => { await database.close(); server.dispose(); } };
}

const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const DAY = 86_400_000;

async function seed(store: Store): Promise<number> {
  const sql = store.reportSql;
  const started = performance.now();
  await sql.query(`INSERT INTO engine_instances (id, name, host, pid) VALUES ('bench', 'bench', 'bench', 1)`);
  await sql.query(`INSERT INTO queues (id, name, service_line, settings)
    SELECT 'q' || lpad(i::text, 2, '0'), 'Queue ' || i, 'Line ' || (i % 10), '{"serviceLevel":{"answeredWithinSeconds":[20,180],"shortAbandonSeconds":5}}'
    FROM generate_series(0, 49) i`);
  await sql.query(`INSERT INTO agents (id, name) SELECT 'a' || lpad(i::text, 3, '0'), 'Agent ' || i FROM generate_series(0, 499) i`);
  await sql.query(`INSERT INTO agent_queues (agent_id, queue_id)
    SELECT DISTINCT 'a' || lpad(i::text, 3, '0'), 'q' || lpad(((i * k * 7) % 50)::text, 2, '0') FROM generate_series(0, 499) i, generate_series(1, 3) k`);
  await sql.query(`INSERT INTO agent_states (agent_id, state, since, idle_since, wrap_ends_at, entry_id, call_id, reason)
    SELECT 'a' || lpad(i::text, 3, '0'), s, $1::timestamptz, CASE WHEN s = 'available' THEN $1::timestamptz END,
      CASE WHEN s = 'wrap_up' THEN $1::timestamptz + interval '1 minute' END,
      CASE WHEN s IN ('on_call', 'ringing') THEN 'bench-entry-' || i END, CASE WHEN s IN ('on_call', 'ringing') THEN 'bench-call-' || i END,
      CASE WHEN s = 'break' THEN 'lunch' END
    FROM generate_series(0, 499) i, LATERAL (SELECT (ARRAY['available', 'on_call', 'on_call', 'wrap_up', 'break', 'ringing', 'offline'])[1 + i % 7] AS s) x`, [now]);
  const created = await store.flows.create({ draft: { schemaVersion: 1, id: 'main', name: 'Main', entry: 'menu', nodes: [], edges: [] } }, 'system:bench');
  if (created.kind !== 'created') throw new Error('bench flow');
  await store.flows.publish('main', 1, 'system:bench', 'bench');
  const span = 365 * DAY;
  const batch = 100_000;
  for (let from = 0; from < calls; from += batch) {
    const to = Math.min(calls, from + batch) - 1;
    const params = [from, to, new Date(now.getTime() - span), span / calls / 1000];
    // Calls: one every ~31 s over the year; numbers repeat (about one caller in four rings again within a month).
    await sql.query(`INSERT INTO calls (id, kind, from_number, to_number, flow_id, flow_version, started_at, ended_at, outcome, queue_id, engine_instance_id)
      SELECT 'c' || i, 'phone', '+4477' || lpad(((i::bigint * 7919) % 400000)::text, 8, '0'), '+441234500000', 'main', 1,
        $3::timestamptz + make_interval(secs => i * $4::float8), $3::timestamptz + make_interval(secs => i * $4::float8 + 400),
        CASE WHEN i % 20 < 17 THEN 'completed' WHEN i % 20 < 19 THEN 'callerHungUp' ELSE 'completed' END,
        CASE WHEN i % 20 < 17 THEN 'q' || lpad((i % 50)::text, 2, '0') END, 'bench'
      FROM generate_series($1::int, $2::int) i`, params);
    // Queue visits for 85 % of calls: 78 % answered (wait 0–120 s), 12 % abandoned (1–180 s), 4 % overflowed, 6 % callbacks.
    await sql.query(`INSERT INTO queue_entries (id, realm, kind, queue_id, call_id, entered_at, state, agent_id, answered_at, ended_at, outcome, callback_number)
      SELECT 'e' || i, '', CASE WHEN r >= 94 THEN 'callback' ELSE 'caller' END, 'q' || lpad((i % 50)::text, 2, '0'), 'c' || i, t, 'ended',
        CASE WHEN r < 78 OR r >= 94 THEN 'a' || lpad((i % 500)::text, 3, '0') END,
        CASE WHEN r < 78 THEN t + make_interval(secs => w) WHEN r >= 94 THEN t + interval '20 minutes' END,
        CASE WHEN r < 78 THEN t + make_interval(secs => w + 240) WHEN r < 90 THEN t + make_interval(secs => 1 + (i % 180)) WHEN r < 94 THEN t + interval '5 minutes' ELSE t + interval '25 minutes' END,
        CASE WHEN r < 78 THEN 'answered' WHEN r < 90 THEN 'abandoned' WHEN r < 94 THEN 'overflowed' ELSE 'callback_completed' END,
        CASE WHEN r >= 94 THEN '+447700900000' END
      FROM (SELECT i, (i * 37) % 100 AS r, (i * 13) % 121 AS w, $3::timestamptz + make_interval(secs => i * $4::float8 + 30) AS t
            FROM generate_series($1::int, $2::int) i WHERE i % 20 < 17) v`, params);
    await sql.query(`INSERT INTO queue_events (realm, at, type, queue_id, entry_id, call_id)
      SELECT '', e.entered_at, 'entered', e.queue_id, e.id, e.call_id FROM queue_entries e WHERE e.id = ANY (SELECT 'e' || i FROM generate_series($1::int, $2::int) i)
      UNION ALL
      SELECT '', COALESCE(e.answered_at, e.ended_at), CASE e.outcome WHEN 'answered' THEN 'answered' WHEN 'abandoned' THEN 'abandoned' WHEN 'overflowed' THEN 'overflowed' ELSE 'callback_accepted' END,
        e.queue_id, e.id, e.call_id FROM queue_entries e WHERE e.id = ANY (SELECT 'e' || i FROM generate_series($1::int, $2::int) i)`, [from, to]);
    await sql.query(`INSERT INTO agent_state_log (agent_id, realm, at, state, previous, call_id, queue_id, actor)
      SELECT e.agent_id, '', e.ended_at + make_interval(secs => x.k * (20 + (length(e.id) % 30))), x.s, x.p, CASE WHEN x.k = 0 THEN e.call_id END, CASE WHEN x.k = 0 THEN e.queue_id END, 'system:acd'
      FROM queue_entries e, (VALUES (0, 'wrap_up', 'on_call'), (1, 'available', 'wrap_up')) x (k, s, p)
      WHERE e.outcome = 'answered' AND e.id = ANY (SELECT 'e' || i FROM generate_series($1::int, $2::int) i)`, [from, to]);
    // Each call's event log: start, the menu (entered, a key or silence, its exit), the end.
    await sql.query(`INSERT INTO call_events (call_id, seq, at, type, node_id, data)
      SELECT c.id, x.seq, c.started_at + make_interval(secs => x.seq * 3), x.type, x.node,
        CASE x.type WHEN 'node.outcome' THEN jsonb_build_object('outcome', CASE WHEN length(c.id) % 3 = 0 THEN 'noInput' ELSE '1' END) ELSE '{}'::jsonb END
      FROM calls c, (VALUES (1, 'call.started', NULL), (2, 'node.entered', 'menu'), (3, 'input.digits', 'menu'), (4, 'node.outcome', 'menu'), (5, 'call.ended', NULL)) x (seq, type, node)
      WHERE c.id = ANY (SELECT 'c' || i FROM generate_series($1::int, $2::int) i)`, [from, to]);
    log(`seeded ${(to + 1).toLocaleString('en-GB')} calls`);
  }
  await sql.query('ANALYZE');
  return performance.now() - started;
}

async function timed<T>(work: () => Promise<T>, runs = 5): Promise<{ medianMs: number; maxMs: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = await work();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[times.length >> 1]!, maxMs: times.at(-1)!, result };
}

async function wallboardLatency(store: Store, reporting: Reporting): Promise<{ medianMs: number; p95Ms: number; maxMs: number; rounds: number; refreshMs: number }> {
  const sql = store.reportSql;
  let resolveBoard: ((board: Wallboard) => void) | undefined;
  const stop = reporting.wallboard.subscribe((board) => resolveBoard?.(board));
  const latencies: number[] = [];
  try {
    await reporting.wallboard.current();
    const refresh = await timed(async () => (await import('../engine/src/reporting/wallboard.js')).wallboardSnapshot(sql, await store.queues.list(), new Date()), 5);
    for (let round = 0; round < 20; round++) {
      const queue = `q${String(round % 50).padStart(2, '0')}`;
      const arrived = new Promise<Wallboard>((resolve) => (resolveBoard = resolve));
      let committed = 0;
      if (round % 2 === 0) {
        await sql.query(`INSERT INTO calls (id, kind, from_number, to_number, started_at, engine_instance_id) VALUES ($1, 'phone', '+447700900001', '+441234500000', $2, 'bench')`, [`live-${round}`, new Date()]);
        await sql.query(`INSERT INTO queue_entries (id, realm, kind, queue_id, call_id, entered_at, state, engine_instance_id) VALUES ($1, '', 'caller', $2, $1, $3, 'waiting', 'bench')`, [`live-${round}`, queue, new Date()]);
        await sql.query(`INSERT INTO queue_events (realm, at, type, queue_id, entry_id, call_id) VALUES ('', $1, 'entered', $2, $3, $3)`, [new Date(), queue, `live-${round}`]);
      } else {
        const agent = `a${String(round * 7).padStart(3, '0')}`;
        await sql.query(`UPDATE agent_states SET state = 'break', reason = 'bench', since = $2, idle_since = NULL, wrap_ends_at = NULL, entry_id = NULL, call_id = NULL WHERE agent_id = $1`, [agent, new Date()]);
        await sql.query(`INSERT INTO agent_state_log (agent_id, at, state, actor) VALUES ($1, $2, 'break', 'bench')`, [agent, new Date()]);
      }
      committed = performance.now();
      await arrived;
      latencies.push(performance.now() - committed);
    }
    latencies.sort((a, b) => a - b);
    return { medianMs: latencies[10]!, p95Ms: latencies[18]!, maxMs: latencies[19]!, rounds: latencies.length, refreshMs: refresh.medianMs };
  } finally {
    stop();
  }
}

const opened = await open();
try {
  await migrate(opened.database.pool);
  const store = await createPostgresStore(opened.database, { logger: { info: () => undefined, warn: () => undefined } });
  const seedMs = await seed(store);
  const reporting = new Reporting({ store, clock: { now: () => Date.now() }, rollupEveryMs: 0 });
  log('rolling up');
  const rollStart = performance.now();
  await reporting.rollUp();
  const rollupMs = performance.now() - rollStart;
  const day = (offset: number) => new Date(now.getTime() + offset * DAY).toISOString().slice(0, 10);
  log('timing history');
  const queries = {
    'every queue, 12 months by month': await timed(async () => (await reporting.history({ scope: { kind: 'all' }, granularity: 'month', from: day(-365), to: day(1) })).kind),
    'one queue, 31 days by day': await timed(async () => (await reporting.history({ scope: { kind: 'queue', queueId: 'q07' }, granularity: 'day', from: day(-31), to: day(1) })).kind),
    'one service line, 13 weeks by week': await timed(async () => (await reporting.history({ scope: { kind: 'serviceLine', serviceLine: 'Line 3' }, granularity: 'week', from: day(-91), to: day(1) })).kind),
    'every queue, today by half-hour (mostly not rolled up)': await timed(async () => (await reporting.history({ scope: { kind: 'all' }, granularity: 'halfHour', from: day(0), to: day(1) })).kind),
    'staffing, one queue, yesterday': await timed(async () => (await reporting.staffing({ scope: { kind: 'queue', queueId: 'q07' }, day: day(-1) })).kind),
    'flow analytics, 30 days': await timed(async () => (await reporting.flowAnalytics({ flowId: 'main', flowVersion: 1, fromDay: day(-30), toDay: day(1) })).kind),
  };
  for (const [name, q] of Object.entries(queries)) if (q.result !== 'ok') throw new Error(`${name}: ${q.result}`);
  log('timing the wallboard');
  const wallboard = await wallboardLatency(store, reporting);
  const [counts] = await store.reportSql.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM calls)::int AS calls, (SELECT count(*) FROM queue_entries)::int AS visits, (SELECT count(*) FROM queue_events)::int AS queue_events,
       (SELECT count(*) FROM call_events)::int AS call_events, (SELECT count(*) FROM agent_state_log)::int AS agent_state_log,
       (SELECT count(*) FROM report_queue_half_hours)::int AS rollup_rows, (SELECT count(*) FROM report_flow_days)::int AS flow_rollup_rows`,
  );
  reporting.close();
  await store.close();
  process.stdout.write(
    `${JSON.stringify({
      kind,
      counts,
      seedMs,
      rollupMs,
      queries: Object.fromEntries(Object.entries(queries).map(([k, v]) => [k, { medianMs: v.medianMs, maxMs: v.maxMs }])),
      wallboard,
      loadAverage: loadavg(),
    })}\n`,
  );
} finally {
  await opened.dispose();
}
