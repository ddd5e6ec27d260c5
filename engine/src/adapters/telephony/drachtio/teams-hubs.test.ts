import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../simulator/simulated-clock.js';
import { nextHubHealth, TeamsHubMonitor } from './teams-hubs.js';
import { captureLogger } from './testing/fakes.js';

const HUBS = ['sip.pstnhub.microsoft.com', 'sip2.pstnhub.microsoft.com', 'sip3.pstnhub.microsoft.com'];
const settle = async () => {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('Teams hub health', () => {
  it('goes down after N failures in a row and comes back on one good answer', () => {
    let health = nextHubHealth({ state: 'unknown', failures: 0 }, { kind: 'answered', status: 200 }, 2);
    expect(health).toEqual({ state: 'up', failures: 0 });
    health = nextHubHealth(health, { kind: 'answered', status: 503 }, 2);
    expect(health).toEqual({ state: 'up', failures: 1 });
    health = nextHubHealth(health, { kind: 'timeout' }, 2);
    expect(health).toEqual({ state: 'down', failures: 2 });
    expect(nextHubHealth(health, { kind: 'answered', status: 200 }, 2)).toEqual({ state: 'up', failures: 0 });
  });
});

describe('TeamsHubMonitor on simulated time', () => {
  it('sends OPTIONS to each hub every interval and fails calls over from a hub answering 503 or timing out', async () => {
    const clock = new SimulatedClock(Date.UTC(2026, 0, 7, 10), { idleDriven: false });
    const logger = captureLogger();
    const answers: Record<string, 'ok' | '503' | 'silent'> = { [HUBS[0]!]: 'ok', [HUBS[1]!]: 'ok', [HUBS[2]!]: 'ok' };
    const sent: string[] = [];
    const monitor = new TeamsHubMonitor({
      hubs: HUBS,
      intervalMs: 60_000,
      failuresBeforeDown: 2,
      timeoutMs: 5_000,
      clock,
      logger,
      sendOptions: (hub, signal) => {
        sent.push(`${clock.now()} ${hub}`);
        const answer = answers[hub];
        if (answer === 'ok') return Promise.resolve(200);
        if (answer === '503') return Promise.resolve(503);
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      },
    });
    monitor.start();
    await settle();
    expect(monitor.usableHubs()).toEqual(HUBS);
    expect(monitor.status().map((s) => s.state)).toEqual(['up', 'up', 'up']);

    answers[HUBS[0]!] = '503';
    answers[HUBS[1]!] = 'silent';
    await clock.advance(60_000);
    await settle();
    expect(monitor.usableHubs()).toEqual(HUBS); // one failure is not enough
    await clock.advance(5_000); // sip2's OPTIONS times out
    await clock.advance(55_000); // t=120 s: sip answers 503 again; sip2's next OPTIONS goes at 125 s
    await settle();
    await clock.advance(5_000);
    await settle();
    await clock.advance(5_000); // and times out at 130 s
    await settle();
    expect(monitor.status().map((s) => s.state)).toEqual(['down', 'down', 'up']);
    expect(monitor.usableHubs()).toEqual([HUBS[2]]);
    expect(logger.lines).toContain('info Teams SIP proxy sip.pstnhub.microsoft.com is down (OPTIONS answered 503)');
    expect(logger.lines).toContain('info Teams SIP proxy sip2.pstnhub.microsoft.com is down (OPTIONS timeout)');

    answers[HUBS[0]!] = 'ok';
    await clock.advance(60_000);
    await settle();
    expect(monitor.usableHubs()).toEqual([HUBS[0], HUBS[2]]);
    expect(sent.filter((s) => s.endsWith(HUBS[2]!)).length).toBe(4);
    monitor.stop();
  });
});
