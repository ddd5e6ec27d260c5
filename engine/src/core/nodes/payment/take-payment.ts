/**
 * One card payment on the call, as the payment node (every version) takes it: check the amount and
 * reference, pause the recording, ask the gateway for a session (it may find the reference already
 * paid), hand the caller to the payment line with the session's token, and read the outcome back.
 * Only the outcome, the reference, the transaction id and the last four digits are ever held here.
 * A caller who hangs up mid-payment is still accounted for: the outcome is read once the line lets go,
 * and logged after the call's end.
 */
import type { PaymentResult, PaymentSession, PaymentStatus, VarValue } from '../../../ports/index.js';
import { isAbort } from '../../engine-error.js';
import { renderTemplate } from '../../template.js';
import type { NodeContext } from '../define-node.js';
import { say, type PromptParam } from '../prompt.js';

export interface PaymentSettings {
  amountPence?: number;
  amountVariable?: string;
  /** The payment line asks the caller how much (no amount from the flow). */
  amountFromCaller: boolean;
  maxAmountPence: number;
  referenceVariable: string;
  description?: string;
  prompt?: PromptParam;
  mode: 'bridge' | 'refer';
  ringTimeoutMs: number;
}

export interface PaymentOutcome {
  status: PaymentStatus;
  set: Record<string, VarValue>;
}

/** A council reference: letters, digits and a little punctuation, and never a run of digits as long as a card's. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,49}$/;
const CARD_LENGTH_RUN = /\d{13,}/;

/** Whole pence from a variable or literal: 1250, "1250"; anything else is undefined. */
export const pence = (value: VarValue | undefined): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** The reference from the flow's variable, if it is one a payment can carry. */
export function referenceOf(value: VarValue | undefined): string | undefined {
  const reference = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  return REFERENCE.test(reference) && !CARD_LENGTH_RUN.test(reference) ? reference : undefined;
}

const resultVars = (result: Partial<PaymentResult> & { status: PaymentStatus }): Record<string, VarValue> => ({
  paymentStatus: result.status,
  paymentReference: result.reference ?? null,
  paymentTransactionId: result.transactionId ?? null,
  paymentAmountPence: result.amountMinor ?? null,
  paymentMaskedCard: result.maskedCard ?? null,
});

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

export async function takePayment(context: NodeContext<unknown>, settings: PaymentSettings): Promise<PaymentOutcome> {
  const { vars, call, payments, signal, log } = context;
  const reference = referenceOf(vars[settings.referenceVariable]);
  const amountMinor = settings.amountFromCaller
    ? undefined
    : ((settings.amountVariable ? pence(vars[settings.amountVariable]) : undefined) ?? settings.amountPence);
  const amountOk = settings.amountFromCaller || (amountMinor !== undefined && amountMinor <= settings.maxAmountPence);
  if (!reference || !amountOk) {
    // Nothing was sent anywhere: a flow (or data dip) problem, not a payment.
    return { status: 'error', set: { ...resultVars({ status: 'error', ...(reference ? { reference } : {}) }) } };
  }
  const merchantReference = reference;
  await say(context, settings.prompt);
  await call.setRecordingPaused(true);
  log('payment.started', { reference, merchantReference, amountPence: amountMinor ?? null, mode: settings.mode });
  let session: PaymentSession | undefined;
  let result: PaymentResult;
  try {
    const start = await payments.start({
      callId: call.callId,
      currency: 'GBP',
      reference,
      merchantReference,
      ...(amountMinor !== undefined ? { amountMinor } : {}),
      ...(settings.description ? { description: renderTemplate(settings.description, vars) } : {}),
      signal,
    });
    if (start.kind === 'finished') result = start.result;
    else {
      session = start.session;
      const handOff = await call.handOff(session.destination, {
        digitsToSend: session.dtmfToken,
        mode: settings.mode,
        ringTimeoutMs: settings.ringTimeoutMs,
        signal,
      });
      result =
        handOff.kind === 'failed'
          ? { status: 'error', reason: 'hand-off-failed', currency: 'GBP', reference, merchantReference }
          : await payments.awaitResult(session, { handedBack: handOff.kind === 'returned', signal });
    }
  } catch (error) {
    if (isAbort(error)) accountForHangUp(context, session, { reference, merchantReference, amountMinor });
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
  return { status: result.status, set: resultVars(result) };
}

/**
 * The caller hung up mid-payment. Before the hand-off nothing was charged: abandoned. After it, the
 * payment line may still have taken the card: read the outcome once it lets go (in the background; the
 * call is over) and log that.
 */
function accountForHangUp(
  context: NodeContext<unknown>,
  session: PaymentSession | undefined,
  request: { reference: string; merchantReference: string; amountMinor: number | undefined },
): void {
  const base = { currency: 'GBP' as const, reference: request.reference, merchantReference: request.merchantReference, ...(request.amountMinor !== undefined ? { amountMinor: request.amountMinor } : {}) };
  if (!session) {
    context.log('payment.ended', endedNote({ ...base, status: 'abandoned' }, undefined));
    return;
  }
  const settled = session;
  void context.payments.awaitResult(settled, { handedBack: true, signal: new AbortController().signal }).then(
    (result) => context.log('payment.ended', endedNote({ ...base, ...result, reference: request.reference }, settled.sessionId)),
    () => context.log('payment.ended', endedNote({ ...base, status: 'error', reason: 'outcome-unknown' }, settled.sessionId)),
  );
}
