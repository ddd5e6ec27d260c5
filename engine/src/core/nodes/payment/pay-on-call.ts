/**
 * One card payment on a call, however it was asked for — a flow's payment node (take-payment.ts) or
 * an adviser's "take payment" on the agent desk: pause the recording, ask the gateway for a session (it
 * may find the reference already paid), hand the caller to the payment line with the session's token,
 * and read the outcome back. Only the outcome, the reference, the transaction id and the last four
 * digits are ever held here. A caller who hangs up mid-payment is still accounted for: the outcome is
 * read once the line lets go, and logged after the call's end.
 */
import type { CallChannel, PaymentGateway, PaymentResult, PaymentSession, VarValue } from '../../../ports/index.js';
import { isAbort } from '../../engine-error.js';

/** What is paid, checked by whoever asks (amount in pence, a reference a payment can carry). */
export interface PaymentOrder {
  reference: string;
  /** The idempotency key sent to the payment service: a retry with it never charges twice. */
  merchantReference: string;
  /** Undefined: the payment line asks the caller how much. */
  amountMinor?: number;
  description?: string;
  mode: 'bridge' | 'refer';
  ringTimeoutMs: number;
  /** Added to the payment.started note (who asked: an adviser's id). Never card data. */
  startedBy?: Record<string, VarValue>;
}

/** How far a payment has gone, for whoever watches it (the adviser's desk). */
export type PaymentStage =
  /** Asking the payment service for a session. */
  | 'starting'
  /** The caller is being put through to the payment line, or is keying their card there. */
  | 'with-payment-line'
  /** The caller is back; the outcome is being read from the payment service. */
  | 'checking';

export interface PayOnCallDeps {
  call: CallChannel;
  payments: PaymentGateway;
  signal: AbortSignal;
  /** The call's event log (redacted on the way in). */
  log(type: 'payment.started' | 'payment.ended', data: Record<string, VarValue>): void;
  /** Told as the payment moves on. */
  progress?(stage: PaymentStage): void;
}

/** The payment.ended note: what the payments screen shows, and nothing more. */
const endedNote = (result: PaymentResult, sessionId: string | undefined): Record<string, VarValue> => ({
  status: result.status,
  reference: result.reference,
  merchantReference: result.merchantReference,
  amountPence: result.amountMinor ?? null,
  transactionId: result.transactionId ?? null,
  maskedCard: result.maskedCard ?? null,
  reason: result.reason ?? null,
  previouslyPaid: result.previouslyPaid === true,
  sessionId: sessionId ?? null,
});

/**
 * Takes the payment and returns its result (also logged as payment.ended). Rejects only with the
 * signal's abort (the caller hung up: the payment is accounted for in the background) or an
 * infrastructure fault (logged as an `error` payment first).
 */
export async function payOnCall(deps: PayOnCallDeps, order: PaymentOrder): Promise<PaymentResult> {
  const { call, payments, signal, log } = deps;
  const { reference, merchantReference, amountMinor } = order;
  const progress = (stage: PaymentStage) => {
    try {
      deps.progress?.(stage);
    } catch {
      // A watcher's fault never breaks the payment.
    }
  };
  await call.setRecordingPaused(true);
  log('payment.started', { ...order.startedBy, reference, merchantReference, amountPence: amountMinor ?? null, mode: order.mode });
  progress('starting');
  let session: PaymentSession | undefined;
  let result: PaymentResult;
  try {
    const start = await payments.start({
      callId: call.callId,
      currency: 'GBP',
      reference,
      merchantReference,
      ...(amountMinor !== undefined ? { amountMinor } : {}),
      ...(order.description ? { description: order.description } : {}),
      signal,
    });
    if (start.kind === 'finished') result = start.result;
    else {
      session = start.session;
      progress('with-payment-line');
      const handOff = await call.handOff(session.destination, {
        digitsToSend: session.dtmfToken,
        mode: order.mode,
        ringTimeoutMs: order.ringTimeoutMs,
        signal,
      });
      if (handOff.kind === 'failed') result = { status: 'error', reason: 'hand-off-failed', currency: 'GBP', reference, merchantReference };
      else {
        progress('checking');
        result = await payments.awaitResult(session, { handedBack: handOff.kind === 'returned', signal });
      }
    }
  } catch (error) {
    if (isAbort(error)) accountForHangUp(deps, session, order);
    else {
      const failed: PaymentResult = { status: 'error', reason: 'service-error', currency: 'GBP', reference, merchantReference, ...(amountMinor !== undefined ? { amountMinor } : {}) };
      log('payment.ended', endedNote(failed, session?.sessionId));
    }
    throw error;
  } finally {
    if (!call.hungUp) await call.setRecordingPaused(false);
  }
  result = { ...result, reference, ...(result.amountMinor === undefined && amountMinor !== undefined ? { amountMinor } : {}) };
  log('payment.ended', endedNote(result, session?.sessionId));
  return result;
}

/**
 * The caller hung up mid-payment. Before the hand-off nothing was charged: abandoned. After it, the
 * payment line may still have taken the card: read the outcome once it lets go (in the background; the
 * call is over) and log that.
 */
function accountForHangUp(deps: PayOnCallDeps, session: PaymentSession | undefined, order: PaymentOrder): void {
  const base = { currency: 'GBP' as const, reference: order.reference, merchantReference: order.merchantReference, ...(order.amountMinor !== undefined ? { amountMinor: order.amountMinor } : {}) };
  if (!session) {
    deps.log('payment.ended', endedNote({ ...base, status: 'abandoned' }, undefined));
    return;
  }
  const settled = session;
  void deps.payments.awaitResult(settled, { handedBack: true, signal: new AbortController().signal }).then(
    (result) => deps.log('payment.ended', endedNote({ ...base, ...result, reference: order.reference }, settled.sessionId)),
    () => deps.log('payment.ended', endedNote({ ...base, status: 'error', reason: 'outcome-unknown' }, settled.sessionId)),
  );
}
