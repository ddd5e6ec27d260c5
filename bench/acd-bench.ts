/**
 * The ACD as a discrete-event simulation on simulated time, through the real dispatcher and a real
 * PostgreSQL with TWO engine instances (each its own pool, LISTEN connection and engine id, callers
 * alternating between them — offers for the other engine's callers cross by NOTIFY):
 *
 *   node --import tsx bench/acd-bench.ts latency [--agents 50] [--backlog 200] [--minutes 30] [--seed 1]
 *   node --import tsx bench/acd-bench.ts service-level [--agents 50] [--erlangs 42.5] [--hours 24] [--seed 1]
 *
 * Callers arrive as a Poisson process and talk for exponential handle times; simulated agents answer at
 * once and have no wrap-up (the Erlang C model). Simulated time jumps whenever nothing is in flight
 * (database work holds it still), so hours of contact centre run in minutes, and an offer that crosses
 * from one engine to the other holds it still until it arrives. Prints one line of JSON.
 *
 * - latency: a backlog of callers waits throughout (a new caller joins as each is put through); dispatch latency is the
 *   real time from the moment a caller and an agent are both ready (the later of the caller joining
 *   and the agent freeing up) to the caller's engine holding the offer.
 * - service-level: the share of callers answered within 20 s and 180 s, measured, beside Erlang C's
 *   prediction for the same agents, traffic and handle time.
 */
import { parseArgs } from 'node:util';
import { startPrivatePostgres, canRunPrivatePostgres } from '../scripts/test-postgres.js';
import { openDatabase } from '../engine/src/adapters/storage/postgres/database.js';
import { migrate } from '../engine/src/adapters/storage/postgres/migrate.js';
import { createPostgresStore } from '../engine/src/adapters/storage/postgres/postgres-store.js';
import { SimulatedClock } from '../engine/src/adapters/telephony/simulator/simulated-clock.js';
import type { AcdOffer, Store } from '../engine/src/ports/index.js';
import { AcdRealm } from '../engine/src/queue/acd.js';
import { averageSpeedOfAnswer, erlangC, serviceLevel } from '../engine/src/queue/erlang-c.js';
import { random } from '../engine/src/queue/testing/acd-stress.js';

const REALM = 'bench';
const QUEUE = 'bench-queue';
const START = Date.parse('2026-01-07T08:00:00Z');
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, e?: unknown) => console.error(m, e instanceof Error ? e.message : '') };

export interface LatencyResult {
  mode: 'latency';
  agents: number;
  offers: number;
  /** Callers waiting when each measured offer was made: median and smallest. */
  waitingMedian: number;
  waitingMin: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  crossEngineOffers: number;
  /** Crossings that never arrived within 5 s (should be none). */
  crossingsLost: number;
  wallMs: number;
}

export interface ServiceLevelResult {
  mode: 'service-level';
  agents: number;
  erlangs: number;
  meanHandleSeconds: number;
  hours: number;
  callers: number;
  measured: { within20: number; within180: number; waited: number; asaSeconds: number };
  erlangC: { within20: number; within180: number; waited: number; asaSeconds: number };
  dispatchP99Ms: number;
  crossEngineOffers: number;
  crossingsLost: number;
  wallMs: number;
}

interface Engine {
  id: string;
  store: Store;
  realm: AcdRealm;
  close(): Promise<void>;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** A fresh database on a private PostgreSQL server, two engines on it, the queue and its agents. */
async function setUp(agents: number, clock: SimulatedClock) {
  if (!canRunPrivatePostgres()) throw new Error('the ACD bench needs PostgreSQL 15 (Debian postgresql-15): two engines share one server');
  const server = await startPrivatePostgres();
  const engines: Engine[] = [];
  for (const id of ['bench-a', 'bench-b']) {
    const database = await openDatabase({ url: server.url, dataDir: '.', poolSize: 8 });
    await migrate(database.pool);
    const store = await createPostgresStore(database, { logger: quiet, notifyProbeMs: 5_000 });
    if (store.publicationDelivery !== 'notify') throw new Error(`engine ${id}: NOTIFY does not reach it; the bench needs two engines that hear each other`);
    await store.engineInstances.register({ id, name: id, host: 'bench', pid: process.pid });
    const realm = new AcdRealm({ store, clock, engineInstanceId: id, logger: quiet, realm: REALM });
    engines.push({ id, store, realm, close: async () => (await realm.close(), await store.close(), await database.close()) });
  }
  const { store } = engines[0]!;
  await store.queues.create({ id: QUEUE, name: 'Bench', settings: { wrapUpSeconds: 0, maxCallers: 10_000, maxWaitSeconds: 7200 } }, 'system:bench');
  await store.acd.addSimulatedAgents(
    REALM,
    Array.from({ length: agents }, (_, i) => ({ id: `bench-agent-${i + 1}`, name: `Agent ${i + 1}`, queueIds: [QUEUE], skills: {}, state: { state: 'available' as const } })),
    new Date(clock.now()),
  );
  return { engines, destroy: async () => (await Promise.all(engines.map((e) => e.close())), server.dispose()) };
}

/**
 * Holds simulated time still while an offer crosses from the engine that made it to the engine that
 * holds the caller (NOTIFY): time must not jump past a caller's answer while it is on the wire.
 */
function holdClockForCrossings(engines: Engine[], clock: SimulatedClock): { crossings: () => number; lost: () => number } {
  const key = (offer: AcdOffer) => `${offer.entryId}@${offer.offeredAt.getTime()}`;
  const waiting = new Map<string, () => void>();
  const arrived = new Set<string>();
  const crossed = new Set<string>();
  let crossings = 0;
  let lost = 0;
  for (const engine of engines) {
    engine.store.onAcdSignal((signal) => {
      if (signal.kind !== 'offer') return;
      const k = key(signal.offer);
      if (signal.offer.engineInstanceId === engine.id) {
        // Arrived at the caller's engine (by NOTIFY, or made here).
        const release = waiting.get(k);
        if (release) release();
        else arrived.add(k);
        return;
      }
      // The engine that made it hears its own NOTIFY too: one crossing per offer.
      if (crossed.has(k)) return;
      crossed.add(k);
      crossings++;
      if (arrived.delete(k)) return;
      void clock.track(
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            lost++;
            resolve();
          }, 5_000);
          waiting.set(k, () => {
            clearTimeout(timer);
            waiting.delete(k);
            resolve();
          });
        }),
      );
    });
  }
  return { crossings: () => crossings, lost: () => lost };
}

/** Runs a caller: join (alternating engines), wait for an agent, talk, hang up. */
function callers(engines: Engine[], clock: SimulatedClock, rand: () => number, meanHandleSeconds: number, onOffer?: () => void) {
  const agentFreeAt = new Map<string, number>();
  const latencies: { ms: number; waiting: number; at: number }[] = [];
  const waits: { arrivedAt: number; waitMs: number }[] = [];
  let waiting = 0;
  let n = 0;
  let over = false;
  const expo = (mean: number) => -Math.log(1 - rand()) * mean;
  const call = async () => {
    const number = ++n;
    const engine = engines[number % 2]!;
    const arrivedAt = clock.now();
    const readyAt = performance.now();
    const joined = await engine.realm.join({ callId: `bench-call-${number}`, queueId: QUEUE, priority: 0, skills: {}, vars: {}, signal: new AbortController().signal });
    if (joined.kind !== 'joined') throw new Error(`caller ${number} could not join: ${joined.kind}`);
    waiting++;
    const offer = await joined.ticket.nextOffer(new AbortController().signal);
    const latency = performance.now() - Math.max(readyAt, agentFreeAt.get(offer.agentId) ?? 0);
    latencies.push({ ms: latency, waiting, at: clock.now() });
    waiting--;
    onOffer?.();
    await joined.ticket.answered(offer);
    waits.push({ arrivedAt, waitMs: clock.now() - arrivedAt });
    const talkMs = Math.max(1000, Math.round(expo(meanHandleSeconds * 1000)));
    await clock.sleep(talkMs);
    agentFreeAt.set(offer.agentId, performance.now());
    await joined.ticket.talkEnded(offer, { talkMs });
  };
  /** Poisson arrivals at `perSecond` until `until` (simulated ms); each caller runs on its own. */
  const arrive = async (perSecond: number, until: number) => {
    for (;;) {
      await clock.sleep(Math.round(expo(1000 / perSecond)));
      if (clock.now() >= until) return;
      void call().catch(failed);
    }
  };
  const failed = (error: unknown) => {
    if (!over) console.error('bench caller failed', error);
  };
  /** The run is over: callers still going when the databases close are no failure. */
  const stop = () => (over = true);
  return { call, arrive, failed, stop, latencies, waits, waitingNow: () => waiting };
}

export async function latencyBench(options: { agents: number; backlog: number; minutes: number; meanHandleSeconds: number; seed: number }): Promise<LatencyResult> {
  const clock = new SimulatedClock(START);
  const { engines, destroy } = await setUp(options.agents, clock);
  const crossing = holdClockForCrossings(engines, clock);
  // Whenever a caller is put through, another joins the back of the line: `backlog` callers wait throughout.
  let filling = false;
  const people = callers(engines, clock, random(options.seed), options.meanHandleSeconds, () => {
    if (filling) void people.call().catch(people.failed);
  });
  const started = performance.now();
  try {
    // Every agent busy and the backlog waiting behind them.
    for (let i = 0; i < options.agents + options.backlog; i++) {
      void people.call().catch(people.failed);
      await clock.sleep(100);
    }
    filling = true;
    const warmedUp = clock.now() + 60_000;
    const end = clock.now() + options.minutes * 60_000;
    await clock.sleep(end - clock.now());
    const measured = people.latencies.filter((l) => l.at >= warmedUp && l.at <= end);
    const sorted = measured.map((l) => l.ms).sort((a, b) => a - b);
    const waiting = measured.map((l) => l.waiting).sort((a, b) => a - b);
    return {
      mode: 'latency',
      agents: options.agents,
      offers: sorted.length,
      waitingMedian: percentile(waiting, 50),
      waitingMin: waiting[0] ?? 0,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1) ?? 0,
      crossEngineOffers: crossing.crossings(),
      crossingsLost: crossing.lost(),
      wallMs: Math.round(performance.now() - started),
    };
  } finally {
    filling = false;
    people.stop();
    await destroy();
  }
}

export async function serviceLevelBench(options: { agents: number; erlangs: number; hours: number; meanHandleSeconds: number; seed: number }): Promise<ServiceLevelResult> {
  const clock = new SimulatedClock(START);
  const { engines, destroy } = await setUp(options.agents, clock);
  const crossing = holdClockForCrossings(engines, clock);
  const people = callers(engines, clock, random(options.seed), options.meanHandleSeconds);
  const started = performance.now();
  try {
    const warmUpMs = 60 * 60_000;
    const from = clock.now() + warmUpMs;
    const until = from + options.hours * 3_600_000;
    await people.arrive(options.erlangs / options.meanHandleSeconds, until);
    // Let the last callers be answered before counting.
    while (people.waitingNow() > 0) await clock.sleep(10_000);
    const counted = people.waits.filter((w) => w.arrivedAt >= from && w.arrivedAt < until);
    const share = (ok: (w: (typeof counted)[number]) => boolean) => counted.filter(ok).length / counted.length;
    const { agents, erlangs, meanHandleSeconds } = options;
    const latencies = people.latencies.map((l) => l.ms).sort((a, b) => a - b);
    return {
      mode: 'service-level',
      agents,
      erlangs,
      meanHandleSeconds,
      hours: options.hours,
      callers: counted.length,
      measured: {
        within20: share((w) => w.waitMs <= 20_000),
        within180: share((w) => w.waitMs <= 180_000),
        waited: share((w) => w.waitMs > 0),
        asaSeconds: counted.reduce((sum, w) => sum + w.waitMs, 0) / counted.length / 1000,
      },
      erlangC: {
        within20: serviceLevel(agents, erlangs, meanHandleSeconds, 20),
        within180: serviceLevel(agents, erlangs, meanHandleSeconds, 180),
        waited: erlangC(agents, erlangs),
        asaSeconds: averageSpeedOfAnswer(agents, erlangs, meanHandleSeconds),
      },
      dispatchP99Ms: percentile(latencies, 99),
      crossEngineOffers: crossing.crossings(),
      crossingsLost: crossing.lost(),
      wallMs: Math.round(performance.now() - started),
    };
  } finally {
    people.stop();
    await destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      agents: { type: 'string', default: '50' },
      backlog: { type: 'string', default: '200' },
      minutes: { type: 'string', default: '30' },
      erlangs: { type: 'string', default: '42.5' },
      hours: { type: 'string', default: '24' },
      handle: { type: 'string', default: '' },
      seed: { type: 'string', default: '1' },
    },
  });
  const number = (name: keyof typeof values, fallback?: number) => {
    const value = values[name] === '' && fallback !== undefined ? fallback : Number(values[name]);
    if (!(value > 0)) throw new Error(`--${name} must be a positive number, not "${values[name]}"`);
    return value;
  };
  const mode = positionals[0];
  const result =
    mode === 'latency'
      ? await latencyBench({ agents: number('agents'), backlog: number('backlog'), minutes: number('minutes'), meanHandleSeconds: number('handle', 180), seed: number('seed') })
      : mode === 'service-level'
        ? await serviceLevelBench({ agents: number('agents'), erlangs: number('erlangs'), hours: number('hours'), meanHandleSeconds: number('handle', 300), seed: number('seed') })
        : undefined;
  if (!result) {
    console.error('usage: node --import tsx bench/acd-bench.ts <latency|service-level> [options]');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
