import { z } from 'zod';
import type { VarValue } from '../../../ports/index.js';
import { renderTemplate } from '../../template.js';
import { durationSeconds, ms, msToSeconds, variableName } from '../common-params.js';
import { defineNode, type NodeResult } from '../define-node.js';
import { promptParam, say } from '../prompt.js';

/** Whole pence from a variable or literal: 1250, "1250"; anything else is undefined. */
const pence = (value: VarValue | undefined): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

const amountPence = z.number().int().min(1).max(100_000_000);

/** Where the amount comes from: the flow (fixed, or a variable), or the payment service itself. */
const amountParam = z
  .discriminatedUnion('from', [
    z.strictObject({ from: z.literal('fixed'), pence: amountPence.meta({ title: 'Amount (pence)' }).describe('e.g. 2500 for £25.00') }).meta({ title: 'A fixed amount' }),
    z
      .strictObject({
        from: z.literal('variable'),
        variable: variableName.meta({ title: 'Variable' }).describe('Variable holding the amount in pence (e.g. from a data dip)'),
        otherwisePence: amountPence.optional().meta({ title: 'Otherwise (pence)' }).describe('Used when the variable holds no amount'),
      })
      .meta({ title: 'From a variable' }),
    z.strictObject({ from: z.literal('service') }).meta({ title: 'Left to the payment service' }),
  ])
  .default({ from: 'service' })
  .describe('The flow says how much (fixed, or from a variable), or the payment service asks the caller or knows it from the reference');

/** Version 1's amountPence / amountVariable (the variable won over the fixed amount) as version 2's amount. */
function upgradeAmount(params: Record<string, unknown>): Record<string, unknown> {
  const { amountPence, amountVariable, ringTimeoutMs, ...rest } = params;
  const seconds = msToSeconds({ ringTimeoutMs: 'ringTimeoutSeconds' })(ringTimeoutMs === undefined ? {} : { ringTimeoutMs });
  const amount =
    amountVariable !== undefined
      ? { from: 'variable', variable: amountVariable, ...(amountPence !== undefined ? { otherwisePence: amountPence } : {}) }
      : amountPence !== undefined
        ? { from: 'fixed', pence: amountPence }
        : undefined;
  return { ...rest, ...seconds, ...(amount ? { amount } : {}) };
}

export const paymentNode = defineNode({
  kind: 'payment',
  version: 2,
  earlier: [{ version: 1, upgrade: upgradeAmount }],
  params: z.strictObject({
    amount: amountParam,
    referenceVariable: variableName.describe('Variable holding the council’s reference for what is paid'),
    description: z.string().max(200).optional().describe('What the payment is for; {{variables}} are filled in'),
    prompt: promptParam.optional().describe('Said before the caller is handed to the secure payment line'),
    mode: z
      .enum(['bridge', 'refer'])
      .default('bridge')
      .describe('bridge: the caller comes back to hear the result; refer: the caller leaves to the payment line'),
    ringTimeoutSeconds: durationSeconds('Ring the payment line for (seconds)', 'How long the payment line rings before the payment fails', 30, 5, 120),
  }),
  outcomes: () => [
    { name: 'paid', label: 'Paid' },
    { name: 'declined', label: 'Declined' },
    { name: 'cancelled', label: 'Cancelled', description: 'The caller stopped the payment' },
    { name: 'failed', label: 'Failed', description: 'No amount or reference, the payment line unreachable, or the payment failed' },
  ],
  ui: {
    label: 'Card payment',
    category: 'Payments',
    icon: 'credit-card',
    help: 'Hand the caller to the secure payment service (Pay360): card digits never reach this system, an agent or a recording.',
    summary: ['amount', 'referenceVariable'],
  },
  traits: {
    waitsForCaller: () => true,
    sensitive: true,
    prompts: (p) => (p.prompt ? [{ field: 'prompt', prompt: p.prompt }] : []),
    sets: () => ['paymentStatus', 'paymentReference', 'paymentTransactionId', 'paymentAmountPence'],
  },
  async run(context): Promise<NodeResult> {
    const { params, vars, call, payments, signal } = context;
    const { amount } = params;
    const amountMinor = amount.from === 'fixed' ? amount.pence : amount.from === 'variable' ? (pence(vars[amount.variable]) ?? amount.otherwisePence) : undefined;
    const reference = String(vars[params.referenceVariable] ?? '').trim();
    const failed = { outcome: 'failed', set: { paymentStatus: 'failed', paymentReference: reference, paymentTransactionId: null } };
    if ((amount.from !== 'service' && amountMinor === undefined) || reference === '') return failed;
    await say(context, params.prompt);
    await call.setRecordingPaused(true);
    try {
      const session = await payments.createSession({
        callId: call.callId,
        ...(amountMinor !== undefined ? { amountMinor } : {}),
        currency: 'GBP',
        reference,
        ...(params.description ? { description: renderTemplate(params.description, vars) } : {}),
        signal,
      });
      const handOff = await call.handOff(session.destination, {
        digitsToSend: session.dtmfToken,
        mode: params.mode,
        ringTimeoutMs: ms(params.ringTimeoutSeconds),
        signal,
      });
      if (handOff.kind === 'failed') return failed;
      const result = await payments.awaitResult(session.sessionId, signal);
      return {
        outcome: result.status,
        set: {
          paymentStatus: result.status,
          paymentReference: result.reference,
          paymentTransactionId: result.transactionId ?? null,
          paymentAmountPence: result.amountMinor,
        },
      };
    } finally {
      if (!call.hungUp) await call.setRecordingPaused(false);
    }
  },
});
