/**
 * One card payment on the call, as the payment node (every version) takes it: check the amount and
 * reference from the flow's variables, say the node's prompt, then pay on the call (pay-on-call.ts,
 * the one payment an adviser's "take payment" runs too) and set the result variables.
 */
import type { PaymentResult, PaymentStatus, VarValue } from '../../../ports/index.js';
import { renderTemplate } from '../../template.js';
import type { NodeContext } from '../define-node.js';
import { say, type PromptParam } from '../prompt.js';
import { payOnCall } from './pay-on-call.js';

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

export async function takePayment(context: NodeContext<unknown>, settings: PaymentSettings): Promise<PaymentOutcome> {
  const { vars } = context;
  const reference = referenceOf(vars[settings.referenceVariable]);
  const amountMinor = settings.amountFromCaller
    ? undefined
    : ((settings.amountVariable ? pence(vars[settings.amountVariable]) : undefined) ?? settings.amountPence);
  const amountOk = settings.amountFromCaller || (amountMinor !== undefined && amountMinor <= settings.maxAmountPence);
  if (!reference || !amountOk) {
    // Nothing was sent anywhere: a flow (or data dip) problem, not a payment.
    return { status: 'error', set: { ...resultVars({ status: 'error', ...(reference ? { reference } : {}) }) } };
  }
  await say(context, settings.prompt);
  const result = await payOnCall(context, {
    reference,
    merchantReference: reference,
    ...(amountMinor !== undefined ? { amountMinor } : {}),
    ...(settings.description ? { description: renderTemplate(settings.description, vars) } : {}),
    mode: settings.mode,
    ringTimeoutMs: settings.ringTimeoutMs,
  });
  return { status: result.status, set: resultVars(result) };
}
