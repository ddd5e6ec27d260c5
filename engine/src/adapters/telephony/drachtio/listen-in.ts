import type { Destination } from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import type { ListenInEvent, ListenIn, ListenInRequest, ListenInResult } from '../../../ports/desk.js';
import { hangUpLeg, type AnsweredLeg, type DialOutcome, type DialRequest } from './dialler.js';
import type { MediaLeg } from './media-leg.js';
import type { TelephonyLogger } from './media-pool.js';
import type { RouteResult } from './outbound-routing.js';

/**
 * Supervisors listening in on the advisers' calls this engine holds. Each call bridged to an adviser
 * (DrachtioCall.connect) is known here while the bridge lasts. To listen, the supervisor's phone is rung
 * from a new FreeSWITCH channel on the adviser's channel's media server, and once it answers that channel
 * eavesdrops on the adviser's channel: it hears the adviser and what the adviser hears (the caller),
 * mixed; nothing the supervisor says reaches either (eavesdrop's talk-back keys are switched off).
 *
 * - The supervisor hanging up ends only their leg.
 * - The adviser's part ending (either side hangs up, a transfer) ends the eavesdrop, and the supervisor's
 *   leg is hung up.
 * - A payment starting on the call (the payment node or a hand-off pauses the recordings first) ends
 *   every listen at once and refuses new ones until it is over: nobody hears a caller key a card.
 */

/** How long a supervisor's phone rings for a listen-in. */
export const LISTEN_RING_MS = 30_000;

/** What a DrachtioCall tells the listen-ins about itself. */
export interface CallListening {
  /** The caller is connected to `party` (an adviser when `agentId` is set). Returns: call when that ends. */
  bridged(bridge: { callId: string; callerNumber: string; agentId: string | undefined; party: MediaLeg }): () => void;
  /** A payment started (true) or ended (false) on the call; nested (the payment node pauses recordings, then hands off). */
  payment(callId: string, underWay: boolean): void;
}

export interface ListenInDeps {
  /** Rings a destination from a new channel on media server `mediaServer` (eavesdrop needs both channels on one). */
  dial(destination: Destination, request: DialRequest, signal: AbortSignal, mediaServer: string): Promise<DialOutcome>;
  route(destination: Destination, callerId: string): Promise<RouteResult>;
  clock: Clock;
  logger: TelephonyLogger;
  /** Each listen's story: connected, ended (and by what), or never connected. */
  report(event: ListenInEvent): void;
  ringTimeoutMs?: number;
}

type StopReason = 'call' | 'payment' | 'engine';

interface Listen {
  readonly request: ListenInRequest;
  readonly stop: AbortController;
}

interface LiveBridge {
  callId: string;
  callerNumber: string;
  agentId: string | undefined;
  party: MediaLeg;
  listens: Set<Listen>;
}

const PAYMENT = 'the caller is making a payment: nobody may listen in until it is over';

export class DrachtioListenIn implements ListenIn, CallListening {
  private readonly bridges = new Map<string, LiveBridge>();
  /** Payments under way, by call (nested starts counted). */
  private readonly payments = new Map<string, number>();
  private closed = false;

  constructor(private readonly deps: ListenInDeps) {}

  bridged(bridge: { callId: string; callerNumber: string; agentId: string | undefined; party: MediaLeg }): () => void {
    const live: LiveBridge = { ...bridge, listens: new Set() };
    this.bridges.set(bridge.callId, live);
    return () => {
      if (this.bridges.get(bridge.callId) === live) this.bridges.delete(bridge.callId);
      this.stopAll(live, 'call');
    };
  }

  payment(callId: string, underWay: boolean): void {
    const now = (this.payments.get(callId) ?? 0) + (underWay ? 1 : -1);
    if (now > 0) this.payments.set(callId, now);
    else this.payments.delete(callId);
    if (!underWay) return;
    const bridge = this.bridges.get(callId);
    if (bridge) this.stopAll(bridge, 'payment');
  }

  /** Calls with listeners now (for the status page and tests). */
  get listening(): number {
    let n = 0;
    for (const bridge of this.bridges.values()) n += bridge.listens.size;
    return n;
  }

  async listen(request: ListenInRequest): Promise<ListenInResult> {
    const bridge = this.bridges.get(request.callId);
    if (!bridge) return { kind: 'notHere' };
    const refusal = this.refusal(bridge, request);
    if (refusal) return { kind: 'refused', reason: refusal };
    const route = await this.deps.route(request.supervisor.destination, bridge.callerNumber);
    if (route.kind === 'failed') return { kind: 'failed', reason: `the supervisor's phone cannot be rung: ${route.reason}` };
    // The call may have moved on while the route was looked up.
    if (this.bridges.get(request.callId) !== bridge) return { kind: 'refused', reason: `the adviser's part of call ${request.callId} has ended` };
    const again = this.refusal(bridge, request);
    if (again) return { kind: 'refused', reason: again };
    const listen: Listen = { request, stop: new AbortController() };
    bridge.listens.add(listen);
    void this.run(bridge, listen)
      .catch((error: unknown) => this.deps.logger.error(`call ${request.callId}: listening in failed`, error))
      .finally(() => bridge.listens.delete(listen));
    return { kind: 'ringing' };
  }

  /** Ends every listen (the engine is stopping). */
  close(): void {
    this.closed = true;
    for (const bridge of this.bridges.values()) this.stopAll(bridge, 'engine');
  }

  private refusal(bridge: LiveBridge, request: ListenInRequest): string | undefined {
    if (this.closed) return 'this engine is shutting down';
    if (this.payments.has(request.callId)) return PAYMENT;
    if (bridge.agentId !== request.agentId) return bridge.agentId ? `call ${request.callId} is connected to adviser ${bridge.agentId} now` : `call ${request.callId} is not connected to an adviser`;
    if ([...bridge.listens].some((l) => l.request.supervisor.agentId === request.supervisor.agentId)) return 'you are already listening in on this call (or your phone is ringing for it)';
    return undefined;
  }

  private stopAll(bridge: LiveBridge, why: StopReason): void {
    for (const listen of bridge.listens) listen.stop.abort(why);
  }

  private async run(bridge: LiveBridge, listen: Listen): Promise<void> {
    const { request, stop } = listen;
    const about = { callId: request.callId, agentId: request.agentId, supervisorAgentId: request.supervisor.agentId, actor: request.supervisor.actor };
    const stopped = () => stoppedBy(stop.signal);
    let outcome: DialOutcome;
    try {
      outcome = await this.deps.dial(
        request.supervisor.destination,
        { ringTimeoutMs: this.deps.ringTimeoutMs ?? LISTEN_RING_MS, callerId: bridge.callerNumber },
        stop.signal,
        bridge.party.mediaServerName,
      );
    } catch (error) {
      const why = stopped();
      this.deps.report({ ...about, kind: 'notConnected', reason: why ? notConnectedBecause(why) : (error as Error).message });
      return;
    }
    if (outcome.kind !== 'answered') {
      const reason = outcome.kind === 'failed' ? outcome.reason : outcome.kind === 'busy' ? "the supervisor's phone was busy" : "the supervisor's phone was not answered";
      this.deps.report({ ...about, kind: 'notConnected', reason });
      return;
    }
    const supervisor: AnsweredLeg = outcome;
    const early = stopped();
    if (early) {
      await hangUpLeg(supervisor);
      this.deps.report({ ...about, kind: 'notConnected', reason: notConnectedBecause(early) });
      return;
    }
    const startedAt = this.deps.clock.now();
    let supervisorLeft = false;
    const onStop = () => void hangUpLeg(supervisor);
    const onHangUp = () => {
      supervisorLeft = true;
      void supervisor.leg.release();
    };
    stop.signal.addEventListener('abort', onStop, { once: true });
    supervisor.dialog.once('destroy', onHangUp);
    this.deps.report({ ...about, kind: 'started' });
    this.deps.logger.info(`call ${request.callId}: supervisor ${request.supervisor.agentId} listening in on adviser ${request.agentId}`);
    try {
      await supervisor.leg.eavesdrop(bridge.party);
    } catch (error) {
      if (!supervisorLeft && !stopped() && !bridge.party.isGone) this.deps.logger.error(`call ${request.callId}: the eavesdrop for supervisor ${request.supervisor.agentId} failed`, error);
    } finally {
      stop.signal.removeEventListener('abort', onStop);
      supervisor.dialog.removeListener('destroy', onHangUp);
      await hangUpLeg(supervisor);
      const by = supervisorLeft ? 'supervisor' : (stopped() ?? 'call');
      this.deps.report({ ...about, kind: 'ended', by, listenedMs: this.deps.clock.now() - startedAt });
    }
  }
}

function stoppedBy(signal: AbortSignal): StopReason | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason === 'payment' || signal.reason === 'engine' ? signal.reason : 'call';
}

function notConnectedBecause(why: StopReason): string {
  return why === 'payment' ? 'a payment started on the call' : why === 'engine' ? 'the engine holding the call is shutting down' : "the adviser's part of the call ended first";
}
