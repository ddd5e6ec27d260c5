import type Mrf from 'drachtio-fsmrf';
import type { Clock } from '../../../ports/clock.js';
import type { MediaServerLoad } from './admission.js';
import type { MediaServerConfig } from './config.js';
import { needsDtlsHandshake } from './browser-phone.js';
import { MediaLeg, TelephonyError, type FsEndpoint } from './media-leg.js';

export interface TelephonyLogger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

/** The slice of an fsmrf MediaServer the pool uses. */
export interface FsMediaServer {
  createEndpoint(opts?: Mrf.EndpointOptions): Promise<FsEndpoint>;
  /** A channel answering a WebRTC (DTLS) offer: its answer is handed to `sendAnswer` before the channel is ready (browser-phone.ts). */
  answerDtlsOffer?(offer: string, sendAnswer: (answerSdp: string) => Promise<void>): Promise<FsEndpoint>;
  on(event: 'end' | 'error', listener: (error?: Error) => void): unknown;
  disconnect(): void;
  /** An API command on the inbound event socket; resolves with its output (fsmrf MediaServer#api). */
  api?(command: string): Promise<string>;
}

/** What FreeSWITCH's `status` says about its sessions (see parseStatus). */
export interface FreeSwitchStatus {
  sessions: number;
  /** Sessions created in the last whole second. */
  sessionsLastSecond: number;
  maxSessions: number;
  maxSessionsPerSecond: number;
}

/**
 * Reads FreeSWITCH's `status` output:
 *   0 session(s) - peak 50, last 5min 0
 *   0 session(s) per Sec out of max 50, peak 10, last 5min 0
 *   400 session(s) max
 */
export function parseStatus(text: string): FreeSwitchStatus | undefined {
  const sessions = /^(\d+) session\(s\) - peak/m.exec(text);
  const rate = /^(\d+) session\(s\) per Sec out of max (\d+)/m.exec(text);
  const max = /^(\d+) session\(s\) max/m.exec(text);
  if (!sessions || !rate || !max) return undefined;
  return { sessions: Number(sessions[1]), sessionsLastSecond: Number(rate[1]), maxSessionsPerSecond: Number(rate[2]), maxSessions: Number(max[1]) };
}

/** How often each media server's `status` is read (its sessions and limits, for admission control). */
const STATUS_INTERVAL_MS = 1_000;

export type MediaServerState = 'connecting' | 'connected' | 'disconnected';

interface Member {
  config: MediaServerConfig;
  state: MediaServerState;
  server?: FsMediaServer;
  activeLegs: number;
  failures: number;
  /** FreeSWITCH's own figures, read every second (undefined until the first answer). */
  status?: FreeSwitchStatus;
  /** When this engine created each of its legs on this server in the last second. */
  recentLegs: number[];
}

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/** Below the engine's own cap for the server, if it has one (`maxCalls`). */
const hasRoom = (m: Member): boolean => m.config.maxCalls === undefined || m.activeLegs < m.config.maxCalls;

/**
 * The FreeSWITCH pool: keeps an fsmrf connection to each media server (reconnecting with
 * back-off when one drops), and hands out channels on the least-loaded connected server.
 */
export class MediaServerPool {
  private readonly members: Member[];
  private readonly closing = new AbortController();

  constructor(
    configs: readonly MediaServerConfig[],
    private readonly connect: (config: MediaServerConfig) => Promise<FsMediaServer>,
    private readonly clock: Clock,
    private readonly logger: TelephonyLogger,
  ) {
    this.members = configs.map((config) => ({ config, state: 'disconnected', activeLegs: 0, failures: 0, recentLegs: [] }));
  }

  /** Start connecting to every media server; resolves once each has had its first attempt. */
  async start(): Promise<void> {
    await Promise.all(this.members.map((member) => this.connectMember(member)));
  }

  status(): { name: string; state: MediaServerState; activeCalls: number }[] {
    return this.members.map((m) => ({ name: m.config.name, state: m.state, activeCalls: m.activeLegs }));
  }

  /**
   * The connected media servers' sessions and limits, for admission control: FreeSWITCH's own figures
   * (every engine's calls, and its max-sessions / sessions-per-second), or this engine's count of its
   * legs where FreeSWITCH has not said yet (or says less).
   */
  load(): MediaServerLoad | undefined {
    const connected = this.members.filter((m) => m.state === 'connected');
    if (!connected.length) return undefined;
    const now = this.clock.now();
    const load: MediaServerLoad = { sessions: 0, maxSessions: 0, sessionsLastSecond: 0, maxSessionsPerSecond: 0 };
    for (const m of connected) {
      while (m.recentLegs.length && m.recentLegs[0]! <= now - 1000) m.recentLegs.shift();
      load.sessions += Math.max(m.activeLegs, m.status?.sessions ?? 0);
      load.sessionsLastSecond += Math.max(m.recentLegs.length, m.status?.sessionsLastSecond ?? 0);
      load.maxSessions += m.status?.maxSessions ?? 0;
      load.maxSessionsPerSecond += m.status?.maxSessionsPerSecond ?? 0;
    }
    return load;
  }

  /** True when at least one media server can take another call. */
  hasCapacity(): boolean {
    return this.members.some((m) => m.state === 'connected' && hasRoom(m));
  }

  /**
   * A new FreeSWITCH channel: facing `remoteSdp` (a caller or far end), or with no SDP yet (3PCC,
   * for an outbound leg). Tries each connected server, least loaded first; `on`: only that server (a leg
   * that must meet another channel there, e.g. to eavesdrop on it). A WebRTC offer (DTLS) needs
   * `answerFirst`: FreeSWITCH's answer is handed to it (the far end) before the channel is ready.
   */
  async createLeg(options: { remoteSdp?: string; srtp?: boolean; avoid?: string; on?: string; answerFirst?: (answerSdp: string) => Promise<void> } = {}): Promise<MediaLeg> {
    const dtls = options.remoteSdp !== undefined && needsDtlsHandshake(options.remoteSdp);
    if (dtls && !options.answerFirst) throw new TelephonyError('signallingFailed', 'a WebRTC (DTLS-SRTP) offer can only be answered where the far end is sent the answer first');
    const candidates = this.members
      .filter((m) => m.state === 'connected' && m.server && hasRoom(m) && (options.on === undefined || m.config.name === options.on))
      .sort((a, b) => Number(a.config.name === options.avoid) - Number(b.config.name === options.avoid) || a.activeLegs - b.activeLegs);
    const problems: string[] = [];
    for (const member of candidates) {
      member.activeLegs += 1;
      member.recentLegs.push(this.clock.now());
      try {
        const endpointOptions: Mrf.EndpointOptions = {};
        if (options.remoteSdp) endpointOptions.remoteSdp = options.remoteSdp;
        if (options.srtp) endpointOptions.srtp = true;
        let endpoint: FsEndpoint;
        if (dtls) {
          if (!member.server!.answerDtlsOffer) throw new Error('this media server cannot answer WebRTC offers');
          // Once the far end has FreeSWITCH's answer, another server cannot be tried for this offer.
          endpoint = await member.server!.answerDtlsOffer(options.remoteSdp!, options.answerFirst!);
        } else endpoint = await member.server!.createEndpoint(endpointOptions);
        const leg = new MediaLeg(endpoint, member.config.name);
        leg.onGone(() => {
          member.activeLegs -= 1;
        });
        if (leg.isGone) throw new Error('the channel closed as it was created');
        return leg;
      } catch (error) {
        member.activeLegs -= 1;
        problems.push(`${member.config.name}: ${(error as Error).message}`);
        // The far end may already have this server's answer: another server cannot answer the same offer.
        if (dtls) break;
      }
    }
    throw new TelephonyError(
      'noMediaServer',
      problems.length ? `no media server could take the call (${problems.join('; ')})` : 'no media server is connected',
    );
  }

  async close(): Promise<void> {
    this.closing.abort();
    for (const member of this.members) {
      try {
        member.server?.disconnect();
      } catch {
        // Already disconnected.
      }
      member.state = 'disconnected';
    }
  }

  private async connectMember(member: Member): Promise<void> {
    if (this.closing.signal.aborted) return;
    const { name, host, eventSocketPort } = member.config;
    member.state = 'connecting';
    try {
      const server = await this.connect(member.config);
      if (this.closing.signal.aborted) {
        server.disconnect();
        return;
      }
      member.server = server;
      member.state = 'connected';
      member.failures = 0;
      this.logger.info(`media server ${name} connected (${host}:${eventSocketPort})`);
      let lost = false;
      const onLost = (error?: Error) => {
        if (lost) return;
        lost = true;
        member.state = 'disconnected';
        member.server = undefined;
        this.logger.error(`media server ${name} lost${error ? `: ${error.message}` : ''}; reconnecting`);
        void this.retry(member);
      };
      server.on('end', () => onLost());
      server.on('error', (error) => onLost(error));
      void this.watchStatus(member, server);
    } catch (error) {
      member.state = 'disconnected';
      this.logger.error(
        `media server ${name} unreachable at ${host}:${eventSocketPort} (event socket): ${(error as Error).message}; retrying`,
      );
      void this.retry(member);
    }
  }

  /** Reads the server's `status` every second while it stays connected. */
  private async watchStatus(member: Member, server: FsMediaServer): Promise<void> {
    if (!server.api) return;
    while (member.server === server && !this.closing.signal.aborted) {
      try {
        member.status = parseStatus(await server.api('status')) ?? member.status;
      } catch {
        // The connection is going: onLost says so.
      }
      try {
        await this.clock.sleep(STATUS_INTERVAL_MS, this.closing.signal);
      } catch {
        return; // closing
      }
    }
    member.status = undefined;
  }

  private async retry(member: Member): Promise<void> {
    const wait = BACKOFF_MS[Math.min(member.failures, BACKOFF_MS.length - 1)]!;
    member.failures += 1;
    try {
      await this.clock.sleep(wait, this.closing.signal);
    } catch {
      return; // closing
    }
    await this.connectMember(member);
  }
}
