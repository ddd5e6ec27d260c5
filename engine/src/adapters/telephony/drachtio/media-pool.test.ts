import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../simulator/simulated-clock.js';
import { parseTelephonyConfig } from './config.js';
import { MediaServerPool, parseStatus } from './media-pool.js';
import { captureLogger, FakeMediaServer } from './testing/fakes.js';

/** `status` as FreeSWITCH 1.10.12 answers it (fs_cli -x status). */
const STATUS = `UP 0 years, 0 days, 0 hours, 13 minutes, 20 seconds, 465 milliseconds, 306 microseconds
FreeSWITCH (Version 1.10.12-release  64bit) is ready
55 session(s) since startup
7 session(s) - peak 50, last 5min 12
3 session(s) per Sec out of max 50, peak 10, last 5min 4
400 session(s) max
min idle cpu 0.00/99.33
Current Stack Size/Max 240K/8192K
`;

describe('the media server pool', () => {
  it("reads FreeSWITCH's sessions and its limits from `status`", () => {
    expect(parseStatus(STATUS)).toEqual({ sessions: 7, sessionsLastSecond: 3, maxSessions: 400, maxSessionsPerSecond: 50 });
    expect(parseStatus('-ERR no reply')).toBeUndefined();
  });

  it("reports its servers' load for admission control: FreeSWITCH's figures, or its own count of legs where higher", async () => {
    const clock = new SimulatedClock(Date.UTC(2026, 0, 7, 10), { idleDriven: false });
    const config = parseTelephonyConfig({ drachtio: { secret: 's' }, mediaServers: [{ name: 'fs1', host: 'fs1' }] });
    const server = Object.assign(new FakeMediaServer('fs1', clock, new Map()), { api: async () => STATUS });
    const pool = new MediaServerPool(config.mediaServers, async () => server, clock, captureLogger());
    expect(pool.load()).toBeUndefined(); // nothing connected
    await pool.start();
    await clock.advance(0);
    expect(pool.load()).toEqual({ sessions: 7, maxSessions: 400, sessionsLastSecond: 3, maxSessionsPerSecond: 50 });
    for (let i = 0; i < 9; i++) await pool.createLeg({ remoteSdp: 'v=0\r\n' });
    expect(pool.load()).toMatchObject({ sessions: 9, sessionsLastSecond: 9 });
    await clock.advance(1_000);
    expect(pool.load()).toMatchObject({ sessions: 9, sessionsLastSecond: 3 });
    await pool.close();
  });
});
