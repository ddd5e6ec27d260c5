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
