import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineLogger } from './ports/logger.js';
import type { Wallboard } from './reporting/wallboard.js';

/**
 * The engine's Prometheus registry, served at GET /metrics. Other parts of the engine register
 * their metrics here (`new Counter({ …, registers: [metrics] })`) so one scrape sees everything.
 * Labels never carry caller numbers, digits or anything else personal.
 */
export const metrics = new Registry();
metrics.setDefaultLabels({ service: 'frontdoor' });
collectDefaultMetrics({ register: metrics, prefix: 'frontdoor_' });

export const httpRequests = new Counter({
  name: 'frontdoor_http_requests_total',
  help: 'HTTP API requests, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metrics],
});

export const httpRequestSeconds = new Histogram({
  name: 'frontdoor_http_request_duration_seconds',
  help: 'HTTP API request duration, by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metrics],
});

export const activeTestCalls = new Gauge({
  name: 'frontdoor_test_calls_active',
  help: 'Test calls placed from the designer that are in progress',
  registers: [metrics],
});

export const flowPublishes = new Counter({
  name: 'frontdoor_flow_publishes_total',
  help: 'Flow versions published (including rollbacks)',
  registers: [metrics],
});

export const loginAttempts = new Counter({
  name: 'frontdoor_login_attempts_total',
  help: 'Sign-in attempts, by result (ok, failed, limited)',
  labelNames: ['result'] as const,
  registers: [metrics],
});

export const flowTestCalls = new Counter({
  name: 'frontdoor_flow_test_calls_total',
  help: 'Scripted test calls run for POST /api/flows/:id/tests/run (stopped when the client goes away)',
  registers: [metrics],
});

/** Phone calls' records and events are written behind the calls (calls/call-recorder.ts). */
export const callRecordsWritten = new Counter({
  name: 'frontdoor_call_records_written_total',
  help: 'Call records written behind the calls (a start, an event or an end each)',
  registers: [metrics],
});

export const callRecordsPending = new Gauge({
  name: 'frontdoor_call_records_pending',
  help: 'Call records waiting to be written (grows while the database is away)',
  registers: [metrics],
});

/** The process-wide last resort (main.ts): errors no code handled, which the engine survived. */
export const unhandledErrors = new Counter({
  name: 'frontdoor_unhandled_errors_total',
  help: 'Rejections and exceptions nothing handled (logged; the engine kept serving), by kind (rejection, exception)',
  labelNames: ['kind'] as const,
  registers: [metrics],
});

export const callsStarted = new Counter({
  name: 'frontdoor_calls_started_total',
  help: 'Phone calls this engine answered and routed to a flow',
  registers: [metrics],
});

export const callsEnded = new Counter({
  name: 'frontdoor_calls_ended_total',
  help: 'Phone calls this engine finished, by how the flow ended (the hang-up step’s reason, callerHungUp, transferred, failed …)',
  labelNames: ['outcome'] as const,
  registers: [metrics],
});

export const callsRefused = new Counter({
  name: 'frontdoor_calls_refused_total',
  help: 'Phone calls refused before a flow ran, by why (no-route, lookup-failed)',
  labelNames: ['reason'] as const,
  registers: [metrics],
});

export const callSeconds = new Histogram({
  name: 'frontdoor_call_duration_seconds',
  help: 'How long phone calls lasted, from answer to hang-up',
  buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
  registers: [metrics],
});

export const loggedErrors = new Counter({
  name: 'frontdoor_errors_total',
  help: 'Errors the engine logged (each also in the JSON log with its call id when it concerns a call)',
  registers: [metrics],
});


/** `logger`, counting every error it logs in frontdoor_errors_total. */
export function countingErrors(logger: EngineLogger): EngineLogger {
  return {
    info: (message, fields) => logger.info(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
    error: (message, error, fields) => {
      loggedErrors.inc();
      logger.error(message, error, fields);
    },
  };
}

export interface LiveMetricSources {
  /** The wallboard's latest board (queues, agents, today's service level). */
  wallboard(): Promise<Wallboard>;
  database(): Promise<{ ok: boolean }>;
  /** Telephony status for media servers and the SIP edge; absent when telephony is not configured. */
  telephony?: () => { drachtio?: string; mediaServers?: Array<{ name: string; state: string }>; activeCalls?: number };
}

/**
 * Gauges read when Prometheus scrapes: each queue's callers waiting, longest wait, callbacks pending,
 * agents by state and today's service level and abandoned share (the wallboard's figures, so both agree);
 * the database's health and how long it took to answer; media servers and the SIP edge. Labels are queue
 * ids, agent states, thresholds and media-server names — nothing personal.
 */
export function registerLiveMetrics(sources: LiveMetricSources): void {
  // One read of the sources per scrape, shared by every gauge's collect() (prom-client collects gauges concurrently).
  let reading: { at: number; done: Promise<LiveReading> } | undefined;
  const read = (): Promise<LiveReading> => {
    if (!reading || performance.now() - reading.at > 250) reading = { at: performance.now(), done: readLive(sources) };
    return reading.done;
  };
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, r: LiveReading) => void) => {
    metrics.removeSingleMetric(name);
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [metrics],
      async collect() {
        const r = await read();
        this.reset();
        fill(this, r);
      },
    });
  };
  const queues = (r: LiveReading) => r.board?.queues ?? [];
  gauge('frontdoor_queue_waiting', 'Callers waiting in the queue now', ['queue'], (g, r) => queues(r).forEach((q) => g.set({ queue: q.id }, q.waiting)));
  gauge('frontdoor_queue_longest_wait_seconds', 'How long the caller waiting longest has waited', ['queue'], (g, r) =>
    queues(r).forEach((q) => g.set({ queue: q.id }, q.oldestWaitingSince ? Math.max(0, (Date.now() - new Date(q.oldestWaitingSince).getTime()) / 1000) : 0)),
  );
  gauge('frontdoor_queue_callbacks_pending', 'Callbacks not yet made', ['queue'], (g, r) => queues(r).forEach((q) => g.set({ queue: q.id }, q.callbacksPending)));
  gauge('frontdoor_queue_agents', 'Agents serving the queue, by state', ['queue', 'state'], (g, r) =>
    queues(r).forEach((q) => Object.entries(q.agents).forEach(([state, count]) => g.set({ queue: q.id, state }, count))),
  );
  gauge('frontdoor_queue_service_level_today_ratio', 'Share of today’s callers answered within the threshold (Europe/London day; docs/reporting.md)', ['queue', 'within_seconds'], (g, r) =>
    queues(r).forEach((q) => q.today.answeredWithin.forEach((w) => w.percent !== null && g.set({ queue: q.id, within_seconds: String(w.seconds) }, w.percent / 100))),
  );
  gauge('frontdoor_queue_abandoned_today_ratio', 'Share of today’s callers who gave up (short abandons left out)', ['queue'], (g, r) =>
    queues(r).forEach((q) => q.today.abandonedPercent !== null && g.set({ queue: q.id }, q.today.abandonedPercent / 100)),
  );
  gauge('frontdoor_queue_offered_today', 'Callers who joined the queue today', ['queue'], (g, r) => queues(r).forEach((q) => g.set({ queue: q.id }, q.today.offered)));
  gauge('frontdoor_database_up', '1 when the database answered the scrape’s check', [], (g, r) => g.set(r.databaseUp ? 1 : 0));
  gauge('frontdoor_database_ping_seconds', 'How long the database took to answer the scrape’s check', [], (g, r) => g.set(r.databaseSeconds));
  gauge('frontdoor_media_server_up', '1 for a media server (FreeSWITCH) the engine is connected to', ['media_server'], (g, r) =>
    (r.telephony?.mediaServers ?? []).forEach((m) => g.set({ media_server: m.name }, m.state === 'connected' ? 1 : 0)),
  );
  gauge('frontdoor_sip_edge_connected', '1 while the engine is connected to drachtio-server', [], (g, r) => r.telephony && g.set(r.telephony.drachtio === 'connected' ? 1 : 0));
  gauge('frontdoor_calls_active', 'Phone calls in progress on this engine', [], (g, r) => r.telephony && g.set(r.telephony.activeCalls ?? 0));
}

interface LiveReading {
  databaseUp: boolean;
  databaseSeconds: number;
  board: Wallboard | undefined;
  telephony: ReturnType<NonNullable<LiveMetricSources['telephony']>> | undefined;
}

async function readLive(sources: LiveMetricSources): Promise<LiveReading> {
  const started = performance.now();
  const db = await sources.database().catch(() => ({ ok: false }));
  const databaseSeconds = (performance.now() - started) / 1000;
  // The queue gauges come from the database: not asked while it is down (the scrape must still answer).
  const board = db.ok ? await sources.wallboard().catch(() => undefined) : undefined;
  let telephony: LiveReading['telephony'];
  try {
    telephony = sources.telephony?.();
  } catch {
    telephony = undefined;
  }
  return { databaseUp: db.ok, databaseSeconds, board, telephony };
}
