import type { Destination } from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import type { MediaLeg } from './media-leg.js';
import type { OutboundTarget, RouteResult } from './outbound-routing.js';
import { sipStatusOf, type OutgoingInvite, type SipAgent, type SipDialog } from './sip.js';

/**
 * Placing a call leg: the destination is routed to SIP targets, each is rung from a new FreeSWITCH
 * channel (3PCC: the channel's SDP offer goes in our INVITE, the answer's SDP is handed back to it),
 * and SIP failures become the outcomes flows know (busy, no answer, failed). Used for every leg the
 * engine places — a bridge or transfer from a caller's call, a REFER's target, the payment line, and
 * calls the engine places itself (OutboundCalls).
 *
 * `offerless`: the INVITE carries no SDP, the far end offers and FreeSWITCH answers that offer
 * (RFC 3725) — the far end's media decides (the payment hand-off, which later hands the far end's media
 * to the caller directly).
 */

/** A far end that answered, on its own FreeSWITCH channel. */
export interface AnsweredLeg {
  kind: 'answered';
  leg: MediaLeg;
  dialog: SipDialog;
}

export type DialOutcome = AnsweredLeg | { kind: 'busy' } | { kind: 'noAnswer' } | { kind: 'failed'; reason: string };

export interface DiallerDeps {
  sip: SipAgent;
  /** A new FreeSWITCH channel: with no remote SDP yet (3PCC), or answering a far end's offer. */
  createLeg(options: { remoteSdp?: string; srtp?: boolean }): Promise<MediaLeg>;
  route(destination: Destination, callerId: string): Promise<RouteResult>;
  clock: Clock;
}

export interface DialRequest {
  ringTimeoutMs: number;
  /** Presented to the far end (numbers through a trunk); also its caller id on agents' phones. */
  callerId: string;
  /** Send an INVITE without SDP and answer the far end's offer (see above). */
  offerless?: boolean;
}

/** Final responses that mean the far end is busy or declined. */
export const BUSY = new Set([486, 600, 603]);
/** Final responses that mean nobody answered (or is there right now). */
export const NO_ANSWER = new Set([408, 480, 487]);

/** The outcome a final SIP status means, for a leg that did not answer. */
export function outcomeOfStatus(status: number): Exclude<DialOutcome, AnsweredLeg> {
  if (NO_ANSWER.has(status)) return { kind: 'noAnswer' };
  if (BUSY.has(status)) return { kind: 'busy' };
  return { kind: 'failed', reason: `SIP ${status}` };
}

/** Ring a destination, trying each route in turn (Teams hubs, an agent's several phones). */
export async function dialDestination(deps: DiallerDeps, destination: Destination, request: DialRequest, signal: AbortSignal): Promise<DialOutcome> {
  signal.throwIfAborted();
  const route = await deps.route(destination, request.callerId);
  if (route.kind === 'failed') return route;
  let last: DialOutcome = { kind: 'failed', reason: 'no route' };
  for (const target of route.targets) {
    const leg = request.offerless ? undefined : await deps.createLeg({ srtp: target.srtp }).catch((error: unknown) => error as Error);
    if (leg instanceof Error) return { kind: 'failed', reason: leg.message };
    const outcome = await ring(deps, target, leg, request.ringTimeoutMs, signal).catch(async (error: unknown) => {
      await leg?.release();
      throw error;
    });
    if (outcome.kind === 'answered') return outcome;
    await leg?.release();
    last = outcome;
    if (!(outcome.kind === 'failed' && target.failOver)) break;
  }
  return last;
}

/**
 * One INVITE — offering `offeringLeg`'s SDP, or none (then a channel answering the far end's offer is made
 * on answer) — cancelled at the ring timeout or when `signal` aborts (which rejects with its reason).
 */
async function ring(deps: DiallerDeps, target: OutboundTarget, offeringLeg: MediaLeg | undefined, ringTimeoutMs: number, signal: AbortSignal): Promise<DialOutcome> {
  let invite: OutgoingInvite | undefined;
  let timedOut = false;
  const stopTimer = new AbortController();
  const cancel = () => invite?.cancel(() => undefined);
  deps.clock.sleep(ringTimeoutMs, AbortSignal.any([stopTimer.signal, signal])).then(
    () => {
      timedOut = true;
      cancel();
    },
    () => undefined,
  );
  signal.addEventListener('abort', cancel, { once: true });
  const common = { headers: target.headers, ...(target.auth ? { auth: target.auth } : {}), ...(target.proxy ? { proxy: target.proxy } : {}) };
  const progress = {
    cbRequest: (req: OutgoingInvite) => {
      invite = req;
      if (timedOut || signal.aborted) cancel();
    },
  };
  try {
    let leg: MediaLeg;
    let dialog: SipDialog;
    if (offeringLeg) {
      leg = offeringLeg;
      dialog = await deps.sip.createUAC(target.uri, { ...common, localSdp: leg.localSdp }, progress);
    } else {
      const answered = await deps.sip.createUAC(target.uri, { ...common, noAck: true }, progress);
      try {
        leg = await deps.createLeg({ remoteSdp: answered.sdp, srtp: target.srtp });
      } catch (error) {
        await answered.destroy?.().catch(() => undefined);
        return { kind: 'failed', reason: (error as Error).message };
      }
      dialog = await answered.ack(leg.localSdp).catch(async (error: unknown) => {
        await leg.release();
        throw error;
      });
    }
    if (signal.aborted || timedOut) {
      await Promise.resolve(dialog.destroy()).catch(() => undefined);
      if (!offeringLeg) await leg.release();
      if (signal.aborted) throw signal.reason;
      return { kind: 'noAnswer' };
    }
    if (offeringLeg) {
      try {
        await leg.modify(dialog.remote.sdp);
      } catch (error) {
        await Promise.resolve(dialog.destroy()).catch(() => undefined);
        return { kind: 'failed', reason: `the media server refused the far end's SDP: ${(error as Error).message}` };
      }
    }
    return { kind: 'answered', leg, dialog };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const status = sipStatusOf(error);
    if (timedOut) return { kind: 'noAnswer' };
    return status !== undefined ? outcomeOfStatus(status) : { kind: 'failed', reason: (error as Error).message };
  } finally {
    stopTimer.abort();
    signal.removeEventListener('abort', cancel);
  }
}

/** BYE to the far end and release its FreeSWITCH channel. Never throws. */
export async function hangUpLeg(dialled: AnsweredLeg): Promise<void> {
  await Promise.resolve(dialled.dialog.destroy()).catch(() => undefined);
  await dialled.leg.release();
}
