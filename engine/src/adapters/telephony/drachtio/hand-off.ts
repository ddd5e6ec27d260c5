/**
 * The payment hand-off over real SIP, built so that card digits never cross our media server:
 *
 *   1. consult-call the payment line from a FreeSWITCH channel and key the one-time token on it (the
 *      token is not card data);
 *   2. refer mode: REFER the caller to the payment line with Replaces (attended transfer) — the caller's
 *      phone replaces our consult leg and we leave the call altogether;
 *   3. otherwise (bridge mode, or REFER refused) connect the caller and the payment line to each other
 *      directly by re-INVITE (RFC 3725: an offerless re-INVITE to the caller, its offer to the payment
 *      line, the payment line's answer in the caller's ACK) and release both FreeSWITCH channels. From
 *      then on the caller's RTP — and every digit in it — flows straight to the payment line; drachtio
 *      only signals. FreeSWITCH, at any log level, never sees a card digit.
 *   4. bridge mode: when the payment line hangs up, the caller is put back on a new FreeSWITCH channel
 *      (another offerless re-INVITE) and the flow goes on — a receipt, a menu.
 *
 * There is no fallback through FreeSWITCH: if the media cannot be handed over, the hand-off fails and
 * the payment node takes its error exit.
 */
import type { Destination, HandOffOptions, HandOffResult } from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import type { AnsweredLeg, DialOutcome } from './dialler.js';
import { MediaLeg, TelephonyError } from './media-leg.js';
import type { TelephonyLogger } from './media-pool.js';
import type { SipDialog } from './sip.js';

/** What the hand-off needs from the call it hands off (DrachtioCall). */
export interface HandOffHost {
  readonly callId: string;
  readonly clock: Clock;
  readonly logger: TelephonyLogger;
  /** The caller's answered dialog. */
  readonly callerDialog: SipDialog;
  /** The caller's FreeSWITCH channel now. */
  readonly media: MediaLeg;
  /** Ring a destination from a new FreeSWITCH channel (3PCC). */
  dial(destination: Destination, ringTimeoutMs: number, signal: AbortSignal): Promise<DialOutcome>;
  hangUpLeg(leg: AnsweredLeg): Promise<void>;
  /** A new FreeSWITCH channel facing `remoteSdp` (its answer is the channel's local SDP). */
  createLeg(remoteSdp: string): Promise<MediaLeg>;
  /** The caller is on FreeSWITCH again, on this channel. */
  adopt(leg: MediaLeg): Promise<void>;
  /** REFER the caller: the final NOTIFY status, undefined when none came in time, 'refused' when REFER was. */
  refer(referTo: string, waitMs: number, signal: AbortSignal): Promise<number | 'refused' | undefined>;
  /** The caller has left this system for good: release what is left, hang nothing up on them. */
  leave(): Promise<void>;
  /** The caller is connected straight to `farEnd` for good: end the call when either side hangs up. */
  leaveConnected(farEnd: SipDialog): void;
}

/** RFC 4733 digits go out at 100 ms each plus FreeSWITCH's gap: wait this long per digit before moving the media. */
const MS_PER_SENT_DIGIT = 250;
/** How long an attended transfer (REFER with Replaces) may take to report success. */
const REFER_WAIT_MS = 10_000;

/** `<uri?Replaces=…>` naming our consult dialog with the payment line, for an attended transfer. */
export function replacingReferTo(uri: string, consult: SipDialog): string | undefined {
  if (!consult.sip) return undefined;
  const { callId, localTag, remoteTag } = consult.sip;
  const replaces = encodeURIComponent(`${callId};to-tag=${remoteTag};from-tag=${localTag}`);
  return `<${uri.replace(/^<|>$/g, '')}?Replaces=${replaces}>`;
}

/**
 * Connects the caller straight to the far end (RFC 3725): the caller offers, the far end answers,
 * the answer goes back in the caller's ACK. If the far end will not take the caller's media, the
 * caller is ACKed back onto `fallbackSdp` (its FreeSWITCH channel) and this throws.
 */
export async function connectDirectly(caller: SipDialog, farEnd: SipDialog, fallbackSdp: string): Promise<void> {
  const { sdp: offer, ack } = await caller.modify({ noAck: true });
  let answer: string;
  try {
    answer = String(await farEnd.modify(offer));
  } catch (error) {
    ack(fallbackSdp);
    caller.local.sdp = fallbackSdp;
    throw new TelephonyError('signallingFailed', `the payment line refused the caller's media: ${(error as Error).message}`);
  }
  ack(answer);
  // drachtio-srf answers the caller's own re-INVITEs (session refresh) with this: keep it the far end's.
  caller.local.sdp = answer;
}

/** Puts the caller back on a FreeSWITCH channel (offerless re-INVITE; FreeSWITCH answers their offer). */
export async function anchorToMediaServer(caller: SipDialog, createLeg: (remoteSdp: string) => Promise<MediaLeg>, lastSdp: string): Promise<MediaLeg> {
  const { sdp: offer, ack } = await caller.modify({ noAck: true });
  let leg: MediaLeg;
  try {
    leg = await createLeg(offer);
  } catch (error) {
    ack(lastSdp);
    throw error;
  }
  ack(leg.localSdp);
  caller.local.sdp = leg.localSdp;
  return leg;
}

export async function handOff(host: HandOffHost, destination: Destination, options: HandOffOptions, signal: AbortSignal): Promise<HandOffResult> {
  const dialled = await host.dial(destination, options.ringTimeoutMs, signal);
  if (dialled.kind !== 'answered') return { kind: 'failed', reason: dialled.kind === 'failed' ? dialled.reason : dialled.kind };
  try {
    // The token goes to the far end only, from our consult leg; it is never logged.
    if (options.digitsToSend) {
      await dialled.leg.sendDigits(options.digitsToSend);
      await host.clock.sleep(options.digitsToSend.length * MS_PER_SENT_DIGIT, signal);
    }
  } catch (error) {
    await host.hangUpLeg(dialled);
    if (signal.aborted) throw signal.reason;
    return { kind: 'failed', reason: `sending the token failed: ${(error as Error).message}` };
  }

  if (options.mode === 'refer') {
    const referTo = replacingReferTo(dialled.dialog.remote.uri ?? '', dialled.dialog);
    const final = referTo ? await host.refer(referTo, REFER_WAIT_MS, signal) : 'refused';
    if (typeof final === 'number' && final >= 200 && final < 300) {
      // The caller's phone replaced our consult leg: the payment line has them, and we have nothing left.
      await dialled.leg.release();
      await host.leave();
      return { kind: 'transferred' };
    }
    if (final !== 'refused') host.logger.info(`call ${host.callId}: attended transfer to the payment line did not complete (${final ?? 'no answer'}); connecting the media directly`);
  }

  const callerLeg = host.media;
  try {
    await connectDirectly(host.callerDialog, dialled.dialog, callerLeg.localSdp);
  } catch (error) {
    await host.hangUpLeg(dialled);
    if (signal.aborted) throw signal.reason;
    return { kind: 'failed', reason: (error as Error).message };
  }
  // Nothing of the payment passes our media server: both its channels go.
  await Promise.all([callerLeg.release(), dialled.leg.release()]);

  if (options.mode === 'refer') {
    host.leaveConnected(dialled.dialog);
    return { kind: 'transferred' };
  }
  await untilHungUp(dialled.dialog, signal).catch(async (error: unknown) => {
    // The caller hung up mid-payment: the payment line hears a BYE too.
    await Promise.resolve(dialled.dialog.destroy()).catch(() => undefined);
    throw error;
  });
  await host.adopt(await anchorToMediaServer(host.callerDialog, (sdp) => host.createLeg(sdp), dialled.dialog.local.sdp));
  return { kind: 'returned' };
}

/** Resolves when the far end hangs up; rejects with the signal's reason when it aborts first. */
function untilHungUp(dialog: SipDialog, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      dialog.removeListener('destroy', onDestroy);
      reject(signal.reason);
    };
    const onDestroy = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    dialog.once('destroy', onDestroy);
  });
}
