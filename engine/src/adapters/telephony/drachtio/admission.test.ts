import { describe, expect, it } from 'vitest';
import { AdmissionControl, eventLoopLag, type MediaServerLoad } from './admission.js';
import { ADMISSION_DEFAULTS, type AdmissionConfig } from './config.js';

function control(overrides: Partial<AdmissionConfig> = {}) {
  let now = 1_000_000;
  const signals = { media: undefined as MediaServerLoad | undefined, lagMs: 0 };
  const admission = new AdmissionControl({ ...ADMISSION_DEFAULTS, ...overrides }, () => now, { mediaServers: () => signals.media, loopLagMs: () => signals.lagMs });
  return { admission, signals, advance: (ms: number) => (now += ms) };
}

describe('admission control', () => {
  it('refuses past the calls in progress, and admits again as soon as one ends', () => {
    const { admission } = control({ maxConcurrentCalls: 2 });
    const a = admission.tryAdmit();
    const b = admission.tryAdmit();
    expect([a.admitted, b.admitted]).toEqual([true, true]);
    expect(admission.tryAdmit()).toMatchObject({ admitted: false, reason: 'calls', detail: '2 calls in progress (limit 2)' });
    if (a.admitted) a.release();
    if (a.admitted) a.release(); // twice changes nothing
    expect(admission.activeCalls).toBe(1);
    expect(admission.tryAdmit().admitted).toBe(true);
  });

  it('refuses past the new calls per second, and admits again a second later', () => {
    const { admission, advance } = control({ maxCallsPerSecond: 3 });
    for (let i = 0; i < 3; i++) {
      const slot = admission.tryAdmit();
      if (slot.admitted) slot.setUpDone();
    }
    expect(admission.tryAdmit()).toMatchObject({ admitted: false, reason: 'calls-per-second' });
    advance(1_000);
    expect(admission.tryAdmit().admitted).toBe(true);
  });

  it('refuses while too many calls are being set up, or one has been setting up too long', () => {
    const { admission, advance } = control({ maxSetupsInFlight: 2, maxSetupMs: 500 });
    const first = admission.tryAdmit();
    admission.tryAdmit();
    expect(admission.setupsInFlight).toBe(2);
    expect(admission.tryAdmit()).toMatchObject({ admitted: false, reason: 'set-ups' });
    if (first.admitted) first.setUpDone();
    advance(600);
    expect(admission.tryAdmit()).toMatchObject({ admitted: false, reason: 'slow-set-up', detail: 'a call has been setting up for 600 ms (limit 500 ms)' });
  });

  it("keeps within FreeSWITCH's own sessions and sessions per second, with headroom", () => {
    const { admission, signals } = control({ mediaServerHeadroom: 0.9 });
    signals.media = { sessions: 90, maxSessions: 100, sessionsLastSecond: 0, maxSessionsPerSecond: 50 };
    expect(admission.tryAdmit()).toMatchObject({ admitted: false, reason: 'media-server-sessions', detail: 'FreeSWITCH has 90 sessions of its 100' });
    signals.media = { sessions: 10, maxSessions: 100, sessionsLastSecond: 45, maxSessionsPerSecond: 50 };
    expect(admission.tryAdmit()).toMatchObject({ admitted: false, reason: 'media-server-rate' });
    signals.media = { sessions: 10, maxSessions: 100, sessionsLastSecond: 10, maxSessionsPerSecond: 50 };
    expect(admission.tryAdmit().admitted).toBe(true);
  });

  it("refuses while the engine's event loop runs late, and admits once it catches up", () => {
    const { admission, signals } = control({ maxEventLoopLagMs: 100 });
    signals.lagMs = 250;
    expect(admission.tryAdmit()).toMatchObject({ admitted: false, reason: 'event-loop-lag', detail: "the engine's event loop is 250 ms late (limit 100 ms)" });
    signals.lagMs = 5;
    expect(admission.tryAdmit().admitted).toBe(true);
  });

  it("measures this process's event-loop lag over half-second windows", async () => {
    const lag = eventLoopLag();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the sampler is running
      // The loop stays late: blocked 60 ms at a time for most of a second.
      for (let i = 0; i < 12; i++) {
        const until = Date.now() + 60;
        while (Date.now() < until);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lag.lagMs()).toBeGreaterThan(15);
    } finally {
      lag.stop();
    }
  });
});
