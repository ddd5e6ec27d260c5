import { describe, expect, it } from 'vitest';
import { countingErrors, metrics, registerLiveMetrics } from './metrics.js';
import type { Wallboard } from './reporting/wallboard.js';

const board: Wallboard = {
  at: '2026-03-10T10:00:00.000Z',
  day: '2026-03-10',
  queues: [
    {
      id: 'highways',
      name: 'Highways',
      serviceLine: 'Highways',
      waiting: 2,
      oldestWaitingSince: new Date(Date.now() - 90_000).toISOString(),
      longestWaitSeconds: 90,
      callbacksPending: 1,
      agents: { available: 1, ringing: 0, on_call: 3, wrap_up: 0, break: 1, offline: 4 },
      today: {
        offered: 40,
        answered: 30,
        answeredWithin: [{ seconds: 20, percent: 75, target: 80, standing: 'close' }, { seconds: 180, percent: null, target: 95, standing: 'none' }],
        abandoned: 4,
        shortAbandoned: 1,
        abandonedPercent: 10.3,
        abandonedTarget: 5,
        abandonedStanding: 'missed',
      },
    },
  ],
};

describe('Prometheus metrics', () => {
  it('reads queues, the database and media servers when scraped; labels carry nothing personal', async () => {
    registerLiveMetrics({
      wallboard: async () => board,
      database: async () => ({ ok: true }),
      telephony: () => ({ drachtio: 'connected', mediaServers: [{ name: 'fs1', state: 'connected' }, { name: 'fs2', state: 'disconnected' }], activeCalls: 7 }),
    });
    const text = await metrics.metrics();
    expect(text).toMatch(/^frontdoor_queue_waiting\{queue="highways",service="frontdoor"\} 2$/m);
    expect(text).toMatch(/^frontdoor_queue_longest_wait_seconds\{queue="highways",service="frontdoor"\} 9\d(\.\d+)?$/m);
    expect(text).toMatch(/^frontdoor_queue_callbacks_pending\{queue="highways",service="frontdoor"\} 1$/m);
    expect(text).toMatch(/^frontdoor_queue_agents\{queue="highways",state="on_call",service="frontdoor"\} 3$/m);
    expect(text).toMatch(/^frontdoor_queue_service_level_today_ratio\{queue="highways",within_seconds="20",service="frontdoor"\} 0\.75$/m);
    expect(text).not.toMatch(/within_seconds="180"/);
    expect(text).toMatch(/^frontdoor_queue_abandoned_today_ratio\{queue="highways",service="frontdoor"\} 0\.103\d*$/m);
    expect(text).toMatch(/^frontdoor_database_up\{service="frontdoor"\} 1$/m);
    expect(text).toMatch(/^frontdoor_media_server_up\{media_server="fs2",service="frontdoor"\} 0$/m);
    expect(text).toMatch(/^frontdoor_sip_edge_connected\{service="frontdoor"\} 1$/m);
    expect(text).toMatch(/^frontdoor_calls_active\{service="frontdoor"\} 7$/m);
  });

  it('a database that does not answer reads as down, and the queue gauges are not read from it', async () => {
    registerLiveMetrics({ wallboard: async () => { throw new Error('should not be asked'); }, database: async () => ({ ok: false }) });
    const text = await metrics.metrics();
    expect(text).toMatch(/^frontdoor_database_up\{service="frontdoor"\} 0$/m);
  });

  it('counts every error logged', async () => {
    const before = (await metrics.getSingleMetric('frontdoor_errors_total')!.get()).values[0]?.value ?? 0;
    const seen: string[] = [];
    const logger = countingErrors({ info: () => undefined, warn: () => undefined, error: (m) => seen.push(m) });
    logger.error('database gone', new Error('x'), { callId: 'c1' });
    logger.info('fine');
    expect(seen).toEqual(['database gone']);
    expect((await metrics.getSingleMetric('frontdoor_errors_total')!.get()).values[0]?.value).toBe(before + 1);
  });
});
