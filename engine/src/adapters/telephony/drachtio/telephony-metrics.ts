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
  help: 'Inbound SIP calls, by result (admitted, overloaded, no_media_server, forbidden, challenged, refused, cancelled, failed)',
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

/** Calls refused by admission control, by what said the machine was full (see admission.ts). */
export const admissionRefusals = new Counter({
  name: 'frontdoor_admission_refusals_total',
  help: 'New calls refused with 503 by admission control, by reason (calls, calls-per-second, set-ups, slow-set-up, media-server-sessions, media-server-rate, event-loop-lag)',
  labelNames: ['reason'] as const,
  registers: [metrics],
});

/** What admission control looks at, read when /metrics is scraped. */
export interface AdmissionGauges {
  setupsInFlight(): number;
  loopLagMs(): number;
  mediaServers(): { sessions: number; maxSessions: number; sessionsLastSecond: number; maxSessionsPerSecond: number } | undefined;
}

let admissionSource: AdmissionGauges | undefined;

/** The running telephony service's figures behind the gauges below (one service per process). */
export function reportAdmission(source: AdmissionGauges | undefined): void {
  admissionSource = source;
}

export const setupsInFlight = new Gauge({
  name: 'frontdoor_sip_setups_in_flight',
  help: 'Calls admitted and not yet answered (media being set up)',
  registers: [metrics],
  collect() {
    this.set(admissionSource?.setupsInFlight() ?? 0);
  },
});

export const eventLoopLag = new Gauge({
  name: 'frontdoor_event_loop_lag_seconds',
  help: "The engine's event-loop lag as admission control sees it (mean delay over the last half second)",
  registers: [metrics],
  collect() {
    this.set((admissionSource?.loopLagMs() ?? 0) / 1000);
  },
});

export const mediaServerSessions = new Gauge({
  name: 'frontdoor_media_server_sessions',
  help: 'FreeSWITCH sessions on the connected media servers (what=current|max|last_second|max_per_second)',
  labelNames: ['what'] as const,
  registers: [metrics],
  collect() {
    const load = admissionSource?.mediaServers();
    this.set({ what: 'current' }, load?.sessions ?? 0);
    this.set({ what: 'max' }, load?.maxSessions ?? 0);
    this.set({ what: 'last_second' }, load?.sessionsLastSecond ?? 0);
    this.set({ what: 'max_per_second' }, load?.maxSessionsPerSecond ?? 0);
  },
});

export const outboundCallsTotal = new Counter({
  name: 'frontdoor_sip_outbound_calls_total',
  help: 'Calls the engine placed itself (callbacks), by result (answered, busy, noAnswer, failed)',
  labelNames: ['result'] as const,
  registers: [metrics],
});
