import type { Destination } from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import { hangUpLeg, type AnsweredLeg, type DialOutcome, type DialRequest } from './dialler.js';
import type { MediaLeg } from './media-leg.js';
import { userOfUri, type SipDialog, type SipRequest, type SipResponse } from './sip.js';

/**
 * A caller bridged to another party (an agent, a colleague, a payment service), until one of them
 * leaves — and what happens when that party's phone sends REFER (a blind transfer from the handset):
 * - `return`: the REFER is accepted (202, then NOTIFY 200 so the phone hangs up), the party's leg is
 *   released and the caller goes back to the flow with the Refer-To URI (an agent transferring the
 *   caller into another queue or to a number: the flow decides where they go);
 * - `follow`: the engine rings the Refer-To target itself and, once it answers, bridges the caller to
 *   it in the old party's place (a Teams user passing on a caller the flow has finished with).
 */

/** How long a target named in a far end's REFER may ring (when the engine follows it). */
const REFERRAL_RING_MS = 30_000;

export type Referrals = 'return' | 'follow';

export type BridgeEnd =
  /** The party hung up; the caller is still there. */
  | { kind: 'ended'; talkMs: number }
  /** The party blind-transferred the caller (REFER) and has left. */
  | { kind: 'referred'; target: string; talkMs: number };

export interface BridgedPartyDeps {
  clock: Clock;
  /** Rings a destination (a REFER's target, in `follow` mode). */
  dial(destination: Destination, request: DialRequest, signal: AbortSignal): Promise<DialOutcome>;
  /** Presented to a REFER's target. */
  callerId: string;
}

/** The bare SIP URI a REFER's Refer-To names (no brackets, no embedded headers such as Replaces). */
export function referUri(referTo: string | undefined): string | undefined {
  if (!referTo) return undefined;
  const uri = (/<([^>]+)>/.exec(referTo)?.[1] ?? referTo).split('?')[0]!.trim();
  return /^sips?:[^\s<>]+$/i.test(uri) ? uri : undefined;
}

/** The destination a REFER's Refer-To names: a Teams number when it points at Microsoft's proxies. */
export function referTarget(referTo: string | undefined): Destination | undefined {
  const uri = referUri(referTo);
  if (!uri) return undefined;
  const user = userOfUri(uri);
  if (user && /^\+[1-9]\d{6,14}$/.test(user) && /@[^;>]*pstnhub\.microsoft\.com/i.test(uri)) return { kind: 'teams', e164: user };
  return { kind: 'sip', uri };
}

/** NOTIFY carrying a sipfrag: how the transfer the far end asked for went (RFC 3515). Never throws. */
function notifyReferOutcome(dialog: SipDialog, status: number, reason: string): Promise<unknown> {
  return dialog
    .request({
      method: 'NOTIFY',
      headers: { Event: 'refer', 'Subscription-State': 'terminated;reason=noresource', 'Content-Type': 'message/sipfrag;version=2.0' },
      body: `SIP/2.0 ${status} ${reason}`,
    })
    .catch(() => undefined);
}

/**
 * Keeps the caller (`media`) bridged to `first` until the party hangs up, transfers the caller away
 * (`return` mode) or `signal` aborts (the caller hung up: rejects with its reason). The last party's
 * leg is always hung up before this returns.
 */
export async function stayBridged(deps: BridgedPartyDeps, first: AnsweredLeg, media: MediaLeg, signal: AbortSignal, referrals: Referrals): Promise<BridgeEnd> {
  let party = first;
  const bridgedAt = deps.clock.now();
  try {
    const referred = await new Promise<string | undefined>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const finish = (target: string | undefined) => {
        signal.removeEventListener('abort', onAbort);
        resolve(target);
      };
      // A phone may hang up as soon as its REFER is accepted, before our NOTIFY: still a transfer.
      let transferTo: string | undefined;
      const watch = (p: AnsweredLeg) => {
        const ended = () => {
          if (p === party) finish(transferTo);
        };
        p.dialog.once('destroy', ended);
        p.leg.onGone(ended);
        p.dialog.on('refer', (req: SipRequest, res: SipResponse) => {
          if (p !== party) return void res.send(481);
          if (referrals === 'follow') {
            void followReferral(deps, p, req, res, media, signal, (next) => {
              party = next;
              watch(next);
            });
            return;
          }
          const target = referUri(req.get('Refer-To'));
          if (!target || transferTo) return void res.send(target ? 491 : 400);
          transferTo = target;
          res.send(202);
          // The transfer is ours to carry out now: tell the phone it is done, so it hangs up.
          void notifyReferOutcome(p.dialog, 200, 'OK').then(() => finish(target));
        });
      };
      watch(party);
    });
    const talkMs = deps.clock.now() - bridgedAt;
    return referred === undefined ? { kind: 'ended', talkMs } : { kind: 'referred', target: referred, talkMs };
  } finally {
    await hangUpLeg(party);
  }
}

/** The far end asked (REFER) for the caller to be put through to someone else: ring them, then swap. */
async function followReferral(
  deps: BridgedPartyDeps,
  from: AnsweredLeg,
  req: SipRequest,
  res: SipResponse,
  media: MediaLeg,
  signal: AbortSignal,
  switchTo: (next: AnsweredLeg) => void,
): Promise<void> {
  const target = referTarget(req.get('Refer-To'));
  if (!target) {
    res.send(400);
    return;
  }
  res.send(202);
  const outcome = await deps.dial(target, { ringTimeoutMs: REFERRAL_RING_MS, callerId: deps.callerId }, signal).catch(() => undefined);
  if (!outcome || outcome.kind !== 'answered') {
    const busy = outcome?.kind === 'busy';
    await notifyReferOutcome(from.dialog, busy ? 486 : 480, busy ? 'Busy Here' : 'Temporarily Unavailable');
    return;
  }
  try {
    await media.bridgeTo(outcome.leg);
  } catch {
    await hangUpLeg(outcome);
    await notifyReferOutcome(from.dialog, 500, 'Server Internal Error');
    return;
  }
  switchTo(outcome);
  await notifyReferOutcome(from.dialog, 200, 'OK');
  await hangUpLeg(from);
}
