import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { AdmissionConfig } from './config.js';

/**
 * Admission control: a new call is refused with 503 + Retry-After — before FreeSWITCH and the engine
 * fall off their overload cliff, so the calls already admitted stay clean — when any of these says the
 * machine is full:
 * - calls in progress on this engine (`maxConcurrentCalls`);
 * - new calls in the last second (`maxCallsPerSecond`);
 * - calls still being set up (`maxSetupsInFlight`), or the oldest of them waiting longer than
 *   `maxSetupMs`: FreeSWITCH answering its INVITEs and opening its per-call connections slowly is
 *   the first sign of a media server at the end of its CPU (past it, fsmrf gives up after 4 s);
 * - FreeSWITCH's own limits, as it reports them: its sessions against max-sessions and its new sessions
 *   per second against sessions-per-second (`mediaServerHeadroom` of each);
 * - this process's event-loop lag (`maxEventLoopLagMs`, the mean over half a second): a loop that
 *   stays late answers everything late.
 * Nothing is remembered beyond the last second, so admission recovers as soon as the load drops.
 */

export type RefusalReason = 'calls' | 'calls-per-second' | 'set-ups' | 'slow-set-up' | 'media-server-sessions' | 'media-server-rate' | 'event-loop-lag';

export type Admission =
  | {
      admitted: true;
      /** The call is set up (answered, or ended before): it no longer counts as a set-up. Idempotent. */
      setUpDone(): void;
      /** The call has ended. Idempotent (also ends its set-up). */
      release(): void;
    }
  | { admitted: false; reason: RefusalReason; detail: string };

/** What FreeSWITCH says about itself (summed over the connected media servers). */
export interface MediaServerLoad {
  sessions: number;
  maxSessions: number;
  /** Sessions FreeSWITCH created in the last whole second. */
  sessionsLastSecond: number;
  maxSessionsPerSecond: number;
}

/** The event-loop delay of this process over the last window (reset each time it is read). */
export interface LoopLag {
  /** ms, the mean delay over the last window: lateness that lasts, not one pause. */
  lagMs(): number;
  stop(): void;
}

const LAG_WINDOW_MS = 500;

/** Event-loop lag from Node's own sampler (perf_hooks), read over windows of half a second. */
export function eventLoopLag(now: () => number = () => performance.now()): LoopLag {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let windowStart = now();
  let last = 0;
  return {
    lagMs() {
      if (now() - windowStart >= LAG_WINDOW_MS) {
        // The mean: one pause (a collection, a compile, the machine busy elsewhere for a moment) must not
        // turn callers away; a loop that stays late must. The sampler's own 10 ms is in every figure.
        last = histogram.count > 0 ? Math.max(0, histogram.mean / 1e6 - 10) : 0;
        histogram.reset();
        windowStart = now();
      }
      return last;
    },
    stop: () => histogram.disable(),
  };
}

export class AdmissionControl {
  private active = 0;
  /** When each call admitted in the last second was admitted. */
  private readonly recent: number[] = [];
  /** When each call still being set up was admitted (insertion order = oldest first). */
  private readonly settingUp = new Set<{ at: number }>();

  constructor(
    private readonly config: AdmissionConfig,
    private readonly now: () => number,
    private readonly signals: { mediaServers(): MediaServerLoad | undefined; loopLagMs(): number } = { mediaServers: () => undefined, loopLagMs: () => 0 },
  ) {}

  get activeCalls(): number {
    return this.active;
  }

  get setupsInFlight(): number {
    return this.settingUp.size;
  }

  /** A slot for one call, or why there is none. */
  tryAdmit(): Admission {
    const refusal = this.refusal();
    if (refusal) return { admitted: false, ...refusal };
    const now = this.now();
    this.recent.push(now);
    this.active += 1;
    const setup = { at: now };
    this.settingUp.add(setup);
    let released = false;
    const setUpDone = () => void this.settingUp.delete(setup);
    return {
      admitted: true,
      setUpDone,
      release: () => {
        setUpDone();
        if (released) return;
        released = true;
        this.active -= 1;
      },
    };
  }

  private refusal(): { reason: RefusalReason; detail: string } | undefined {
    const c = this.config;
    const now = this.now();
    while (this.recent.length && this.recent[0]! <= now - 1000) this.recent.shift();
    if (this.active >= c.maxConcurrentCalls) return { reason: 'calls', detail: `${this.active} calls in progress (limit ${c.maxConcurrentCalls})` };
    if (this.recent.length >= c.maxCallsPerSecond) return { reason: 'calls-per-second', detail: `${this.recent.length} new calls in the last second (limit ${c.maxCallsPerSecond})` };
    if (this.settingUp.size >= c.maxSetupsInFlight) return { reason: 'set-ups', detail: `${this.settingUp.size} calls still being set up (limit ${c.maxSetupsInFlight})` };
    const oldest = this.settingUp.values().next().value;
    if (oldest && now - oldest.at > c.maxSetupMs) {
      return { reason: 'slow-set-up', detail: `a call has been setting up for ${Math.round(now - oldest.at)} ms (limit ${c.maxSetupMs} ms)` };
    }
    const media = this.signals.mediaServers();
    if (media) {
      const headroom = c.mediaServerHeadroom;
      if (media.maxSessions > 0 && media.sessions >= media.maxSessions * headroom) {
        return { reason: 'media-server-sessions', detail: `FreeSWITCH has ${media.sessions} sessions of its ${media.maxSessions}` };
      }
      if (media.maxSessionsPerSecond > 0 && media.sessionsLastSecond >= media.maxSessionsPerSecond * headroom) {
        return { reason: 'media-server-rate', detail: `FreeSWITCH created ${media.sessionsLastSecond} sessions in the last second of its ${media.maxSessionsPerSecond}` };
      }
    }
    const lag = this.signals.loopLagMs();
    if (lag > c.maxEventLoopLagMs) return { reason: 'event-loop-lag', detail: `the engine's event loop is ${Math.round(lag)} ms late (limit ${c.maxEventLoopLagMs} ms)` };
    return undefined;
  }
}
