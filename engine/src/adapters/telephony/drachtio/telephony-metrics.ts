import { Counter, Gauge, Histogram } from 'prom-client';
import { metrics } from '../../../metrics.js';

/** Telephony metrics on the engine's registry (GET /metrics). Labels never carry numbers or digits. */

export const callsActive = new Gauge({
  name: 'frontdoor_sip_calls_active',
  help: 'SIP calls in progress on this engine',
  registers: [metrics],
});

/** calls/s is rate(frontdoor_sip_calls_total[1m]). */
export const callsTotal = new Counter({
  name: 'frontdoor_sip_calls_total',
  help: 'Inbound SIP calls, by result (admitted, overloaded, no_media_server, forbidden, challenged, cancelled, failed)',
  labelNames: ['result'] as const,
  registers: [metrics],
});

export const answerSeconds = new Histogram({
  name: 'frontdoor_sip_answer_latency_seconds',
  help: 'Time from INVITE received to 200 OK sent',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  registers: [metrics],
});

export const telephonyErrors = new Counter({
  name: 'frontdoor_telephony_errors_total',
  help: 'Telephony infrastructure errors, by kind',
  labelNames: ['kind'] as const,
  registers: [metrics],
});

export const mediaServersUp = new Gauge({
  name: 'frontdoor_media_servers_connected',
  help: 'FreeSWITCH media servers connected',
  registers: [metrics],
});

export const outboundCallsTotal = new Counter({
  name: 'frontdoor_sip_outbound_calls_total',
  help: 'Calls the engine placed itself (callbacks), by result (answered, busy, noAnswer, failed)',
  labelNames: ['result'] as const,
  registers: [metrics],
});
