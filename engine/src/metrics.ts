import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
