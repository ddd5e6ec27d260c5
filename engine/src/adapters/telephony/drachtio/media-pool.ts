import type Mrf from 'drachtio-fsmrf';
import type { Clock } from '../../../ports/clock.js';
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
}

export type MediaServerState = 'connecting' | 'connected' | 'disconnected';

interface Member {
  config: MediaServerConfig;
  state: MediaServerState;
  server?: FsMediaServer;
  activeLegs: number;
  failures: number;
}

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

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
    this.members = configs.map((config) => ({ config, state: 'disconnected', activeLegs: 0, failures: 0 }));
  }

  /** Start connecting to every media server; resolves once each has had its first attempt. */
  async start(): Promise<void> {
    await Promise.all(this.members.map((member) => this.connectMember(member)));
  }

  status(): { name: string; state: MediaServerState; activeCalls: number }[] {
    return this.members.map((m) => ({ name: m.config.name, state: m.state, activeCalls: m.activeLegs }));
  }

  /** True when at least one media server can take another call. */
  hasCapacity(): boolean {
    return this.members.some((m) => m.state === 'connected' && m.activeLegs < m.config.maxCalls);
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
      .filter((m) => m.state === 'connected' && m.server && m.activeLegs < m.config.maxCalls && (options.on === undefined || m.config.name === options.on))
      .sort((a, b) => Number(a.config.name === options.avoid) - Number(b.config.name === options.avoid) || a.activeLegs - b.activeLegs);
    const problems: string[] = [];
    for (const member of candidates) {
      member.activeLegs += 1;
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
    } catch (error) {
      member.state = 'disconnected';
      this.logger.error(
        `media server ${name} unreachable at ${host}:${eventSocketPort} (event socket): ${(error as Error).message}; retrying`,
      );
      void this.retry(member);
    }
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
