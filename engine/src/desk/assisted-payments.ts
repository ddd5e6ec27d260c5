/**
 * An adviser's "take payment" on the call in front of them: the same payment a flow's payment node takes
 * (core/nodes/payment/pay-on-call.ts — Pay360 session, the telephony hand-off, the outcome read back),
 * run on the caller's channel while the caller is set aside from the adviser's bridge
 * (CallChannel.setAside): the adviser hears hold music and none of the caller's keys; the caller keys
 * their card into the payment line; then the two are put back together. The desk follows the payment's
 * stage and sees its outcome — the masked card and the transaction id, never a digit the caller keyed.
 *
 * One payment at a time per call (a second click finds the first). The engine running the call takes
 * it; a call another engine runs is refused as not here.
 */
import { payOnCall, type PaymentStage } from '../core/nodes/payment/pay-on-call.js';
import { isAbort } from '../core/engine-error.js';
import type { PaymentResult, PaymentStatus } from '../ports/payment-gateway.js';
import type { PromptSegment } from '../ports/call-channel.js';
import type { EngineLogger } from '../ports/logger.js';
import type { RunningCall } from '../core/runtime/run-call.js';

/** What the adviser's desk shows of a payment they take. Never card data. */
export interface AssistedPaymentView {
  callId: string;
  agentId: string;
  reference: string;
  amountPence: number;
  /** starting → with-payment-line (the caller keys their card there) → checking → ended. */
  stage: PaymentStage | 'ended';
  status?: PaymentStatus;
  /** As the payment service masks it: `**** 1111`. */
  maskedCard?: string;
  transactionId?: string;
  /** Why a payment ended in error (timeout, unreachable, hand-off-failed …). */
  reason?: string;
  previouslyPaid?: boolean;
  /** The caller hung up during the payment: its outcome is read from the payment service afterwards (payments screen). */
  callerHungUp?: boolean;
  /** The adviser hung up during the payment: the caller finished it and heard the outcome alone. */
  adviserLeft?: boolean;
  startedAt: string;
  endedAt?: string;
}

export interface TakePaymentRequest {
  callId: string;
  agentId: string;
  /** Pence, already checked (the API's schema). */
  amountPence: number;
  /** A council reference, already checked (referenceOf). */
  reference: string;
  description?: string;
}

export type TakePaymentAnswer =
  | { kind: 'started'; payment: AssistedPaymentView }
  /** A payment on this call is under way already (a second click): that one. */
  | { kind: 'inProgress'; payment: AssistedPaymentView }
  /** This engine does not run the call. */
  | { kind: 'notHere' }
  /** The caller is not connected to an adviser now (ringing, on hold in a queue, or the talk has ended). */
  | { kind: 'notConnected' };

export interface AssistedPaymentsOptions {
  /** The calls this engine runs (engine/src/calls/running-calls.ts). */
  running: { get(callId: string): RunningCall | undefined };
  now: () => number;
  logger: EngineLogger;
  /** How long the payment line may ring (default 30 s, as the payment node). */
  ringTimeoutMs?: number;
  /** Told whenever an adviser's payment moves on (their desk is brought up to date). */
  onChange?(agentId: string): void;
}

const say = (text: string): PromptSegment[] => [{ language: 'en-GB', text }];

/** Said to the caller before they are put through (the adviser hears hold music from here on). */
const PUTTING_THROUGH = say('Putting you through to our secure payment line. Your adviser will not hear your card details.');
/** …and after it, when the adviser has gone: the caller is never left in silence. */
const ADVISER_LEFT: Record<PaymentStatus, PromptSegment[]> = {
  paid: say('Your adviser has had to leave the call. Your payment has been taken. Thank you.'),
  declined: say('Your adviser has had to leave the call. Your payment was declined, and no money has been taken.'),
  abandoned: say('Your adviser has had to leave the call. No payment has been taken.'),
  error: say('Your adviser has had to leave the call. We could not take your payment, and no money has been taken.'),
};

/** How long an ended payment stays on this engine's desk view (then the payments record tells). */
const KEEP_ENDED_MS = 60 * 60 * 1000;

export class AssistedPayments {
  private readonly payments = new Map<string, AssistedPaymentView>();

  constructor(private readonly options: AssistedPaymentsOptions) {}

  /** The latest payment an adviser took on a call this engine runs (or ran within the hour). */
  of(callId: string, agentId?: string): AssistedPaymentView | undefined {
    const payment = this.payments.get(callId);
    return payment && (agentId === undefined || payment.agentId === agentId) ? { ...payment } : undefined;
  }

  /** Starts the payment and answers once the caller has been set aside (or why not); the payment runs on. */
  async take(request: TakePaymentRequest): Promise<TakePaymentAnswer> {
    const running = this.options.running.get(request.callId);
    if (!running) return { kind: 'notHere' };
    const current = this.payments.get(request.callId);
    if (current && current.stage !== 'ended') return { kind: 'inProgress', payment: { ...current } };
    const payment: AssistedPaymentView = {
      callId: request.callId,
      agentId: request.agentId,
      reference: request.reference,
      amountPence: request.amountPence,
      stage: 'starting',
      startedAt: new Date(this.options.now()).toISOString(),
    };
    // Claimed before the first await: a second click meanwhile finds it.
    this.payments.set(request.callId, payment);
    let setAside!: (started: boolean) => void;
    const started = new Promise<boolean>((resolve) => (setAside = resolve));
    const done = this.run(running, request, payment, () => setAside(true));
    void done.then(
      (ran) => setAside(ran),
      () => setAside(false),
    );
    if (await started) return { kind: 'started', payment: { ...payment } };
    if (this.payments.get(request.callId) === payment) this.payments.delete(request.callId);
    return { kind: 'notConnected' };
  }

  /** The payment on the caller set aside; false when the caller was not bridged to anyone. */
  private async run(running: RunningCall, request: TakePaymentRequest, payment: AssistedPaymentView, begun: () => void): Promise<boolean> {
    const { call, ports } = running;
    const changed = (update: Partial<AssistedPaymentView>) => {
      Object.assign(payment, update);
      this.options.onChange?.(payment.agentId);
    };
    try {
      const aside = await call.setAside(async (work) => {
        const { signal } = work;
        begun();
        await call.play(PUTTING_THROUGH, { bargeIn: false, signal });
        const result = await payOnCall(
          { call, payments: ports.payments, signal, log: running.log, progress: (stage) => changed({ stage }) },
          {
            reference: request.reference,
            merchantReference: request.reference,
            amountMinor: request.amountPence,
            ...(request.description ? { description: request.description } : {}),
            mode: 'bridge',
            ringTimeoutMs: this.options.ringTimeoutMs ?? 30_000,
            startedBy: { agentId: request.agentId },
          },
        );
        // Nobody is waiting to have the caller back: they hear how it went before the flow goes on.
        if (work.partyLeft) await call.play(ADVISER_LEFT[result.status], { bargeIn: false, signal });
        return result;
      }, new AbortController().signal);
      if (aside.kind === 'noBridge') return false;
      changed({ ...ended(aside.value, this.options.now()), ...(aside.partyLeft ? { adviserLeft: true } : {}) });
      return true;
    } catch (error) {
      if (isAbort(error) || call.hungUp) {
        // payOnCall logs the outcome once the payment line lets go; the payments screen shows it.
        changed({ stage: 'ended', callerHungUp: true, endedAt: new Date(this.options.now()).toISOString() });
      } else {
        this.options.logger.error(`call ${request.callId}: the payment ${request.agentId} took failed`, error);
        changed({ stage: 'ended', status: 'error', reason: 'service-error', endedAt: new Date(this.options.now()).toISOString() });
      }
      return false;
    } finally {
      const timer = setTimeout(() => {
        if (this.payments.get(request.callId) === payment && payment.stage === 'ended') this.payments.delete(request.callId);
      }, KEEP_ENDED_MS);
      timer.unref();
    }
  }
}

function ended(result: PaymentResult, now: number): Partial<AssistedPaymentView> {
  return {
    stage: 'ended',
    status: result.status,
    ...(result.maskedCard ? { maskedCard: maskedCard(result.maskedCard) } : {}),
    ...(result.transactionId ? { transactionId: result.transactionId } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.previouslyPaid ? { previouslyPaid: true } : {}),
    endedAt: new Date(now).toISOString(),
  };
}

/** The card as the desk shows it: `**** 1111`, whatever the service's mask (never more than the last four digits). */
export function maskedCard(masked: string): string | undefined {
  const last4 = /(\d{4})$/.exec(masked.trim())?.[1];
  return last4 ? `**** ${last4}` : undefined;
}
