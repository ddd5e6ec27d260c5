import { z } from 'zod';
import type { VarValue } from '../../../ports/index.js';
import { renderTemplate } from '../../template.js';
import { durationMs, variableName } from '../common-params.js';
import { defineNode, type NodeResult } from '../define-node.js';
import { promptParam, say } from '../prompt.js';

/** Whole pence from a variable or literal: 1250, "1250"; anything else is undefined. */
const pence = (value: VarValue | undefined): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

export const paymentNode = defineNode({
  kind: 'payment',
  version: 1,
  params: z
    .strictObject({
      amountPence: z.number().int().min(1).max(100_000_000).optional().describe('Fixed amount in pence (e.g. 2500 for £25.00)'),
      amountVariable: variableName.optional().describe('Variable holding the amount in pence (e.g. from a data dip); wins over the fixed amount'),
      referenceVariable: variableName.describe('Variable holding the council’s reference for what is paid'),
      description: z.string().max(200).optional().describe('What the payment is for; {{variables}} are filled in'),
      prompt: promptParam.optional().describe('Said before the caller is handed to the secure payment line'),
      mode: z
        .enum(['bridge', 'refer'])
        .default('bridge')
        .describe('bridge: the caller comes back to hear the result; refer: the caller leaves to the payment line'),
      ringTimeoutMs: durationMs('How long the payment line rings (ms)', 30_000, 5000, 120_000),
    })
    .refine((p) => p.amountPence !== undefined || p.amountVariable !== undefined, {
      path: ['amountPence'],
      message: 'give a fixed amount or a variable holding it',
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
    summary: ['amountVariable', 'referenceVariable'],
  },
  traits: {
    waitsForCaller: () => true,
    sensitive: true,
    prompts: (p) => (p.prompt ? [{ field: 'prompt', prompt: p.prompt }] : []),
    sets: () => ['paymentStatus', 'paymentReference', 'paymentTransactionId', 'paymentAmountPence'],
  },
  async run(context): Promise<NodeResult> {
    const { params, vars, call, payments, signal } = context;
    const amountMinor = (params.amountVariable ? pence(vars[params.amountVariable]) : undefined) ?? params.amountPence;
    const reference = String(vars[params.referenceVariable] ?? '').trim();
    const failed = { outcome: 'failed', set: { paymentStatus: 'failed', paymentReference: reference, paymentTransactionId: null } };
    if (amountMinor === undefined || reference === '') return failed;
    await say(context, params.prompt);
    await call.setRecordingPaused(true);
    try {
      const session = await payments.createSession({
        callId: call.callId,
        amountMinor,
        currency: 'GBP',
        reference,
        ...(params.description ? { description: renderTemplate(params.description, vars) } : {}),
        signal,
      });
      const handOff = await call.handOff(session.destination, {
        digitsToSend: session.dtmfToken,
        mode: params.mode,
        ringTimeoutMs: params.ringTimeoutMs,
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
