import type { Clock } from '../../../ports/clock.js';
import type { TelephonyLogger } from './media-pool.js';

/**
 * Microsoft Teams Direct Routing keep-alives: an OPTIONS to each Microsoft SIP proxy
 * (sip, sip2, sip3.pstnhub.microsoft.com) every interval. A hub that answers 2xx is up; after
 * `failuresBeforeDown` answers of 503 (or any non-2xx) or timeouts in a row it is down and calls
 * fail over to the next hub; one good answer brings it back.
 */

export type HubState = 'unknown' | 'up' | 'down';

export interface HubHealth {
  state: HubState;
  failures: number;
}

export type ProbeResult = { kind: 'answered'; status: number } | { kind: 'timeout' } | { kind: 'error' };

/** The state machine for one hub: pure, so it is tested without time or SIP. */
export function nextHubHealth(health: HubHealth, probe: ProbeResult, failuresBeforeDown: number): HubHealth {
  if (probe.kind === 'answered' && probe.status >= 200 && probe.status < 300) return { state: 'up', failures: 0 };
  const failures = health.failures + 1;
  return { state: failures >= failuresBeforeDown ? 'down' : health.state, failures };
}

export interface TeamsHubMonitorOptions {
  hubs: readonly string[];
  intervalMs: number;
  failuresBeforeDown: number;
  /** How long an OPTIONS may go unanswered before it counts as a timeout. */
  timeoutMs?: number;
  /** Sends one OPTIONS to `hub` and resolves with the final status. */
  sendOptions(hub: string, signal: AbortSignal): Promise<number>;
  clock: Clock;
  logger: TelephonyLogger;
}

export class TeamsHubMonitor {
  private readonly health = new Map<string, HubHealth>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: TeamsHubMonitorOptions) {
    for (const hub of options.hubs) this.health.set(hub, { state: 'unknown', failures: 0 });
  }

  /** Starts one keep-alive loop per hub (first OPTIONS at once). */
  start(): void {
    for (const hub of this.options.hubs) void this.loop(hub);
  }

  stop(): void {
    this.stopping.abort();
  }

  status(): { hub: string; state: HubState }[] {
    return this.options.hubs.map((hub) => ({ hub, state: this.health.get(hub)!.state }));
  }

  /** Hubs to try for a call, in order: those up first, then those not yet known; never those down. */
  usableHubs(): string[] {
    const byState = (state: HubState) => this.options.hubs.filter((hub) => this.health.get(hub)!.state === state);
    return [...byState('up'), ...byState('unknown')];
  }

  /** One OPTIONS round to one hub. */
  async probe(hub: string): Promise<HubState> {
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    const attempt = new AbortController();
    const signal = AbortSignal.any([attempt.signal, this.stopping.signal]);
    const result = await Promise.race<ProbeResult>([
      this.options.sendOptions(hub, signal).then(
        (status): ProbeResult => ({ kind: 'answered', status }),
        (): ProbeResult => ({ kind: 'error' }),
      ),
      this.options.clock.sleep(timeoutMs, signal).then(
        (): ProbeResult => ({ kind: 'timeout' }),
        (): ProbeResult => ({ kind: 'error' }),
      ),
    ]);
    attempt.abort();
    const before = this.health.get(hub)!;
    const after = nextHubHealth(before, result, this.options.failuresBeforeDown);
    this.health.set(hub, after);
    if (before.state !== after.state && !this.stopping.signal.aborted) {
      const why = result.kind === 'answered' ? `answered ${result.status}` : result.kind;
      this.options.logger.info(`Teams SIP proxy ${hub} is ${after.state} (OPTIONS ${why})`);
    }
    return after.state;
  }

  private async loop(hub: string): Promise<void> {
    while (!this.stopping.signal.aborted) {
      await this.probe(hub);
      try {
        await this.options.clock.sleep(this.options.intervalMs, this.stopping.signal);
      } catch {
        return;
      }
    }
  }
}
