import { z } from 'zod';
import type { VarValue } from '../../../ports/index.js';
import { durationMs, variableName } from '../common-params.js';
import { defineNode, type NodeResult } from '../define-node.js';
import { promptParam } from '../prompt.js';
import { PAYMENT_VARIABLES } from './payment.node.js';
import { takePayment } from './take-payment.js';

/** Version 1 named two outcomes differently; flows saved with it keep their edges and variable values. */
const V1_NAMES: Record<string, string> = { abandoned: 'cancelled', error: 'failed' };
const v1 = (status: VarValue): VarValue => (typeof status === 'string' ? (V1_NAMES[status] ?? status) : status);

/** The payment node as flows saved before version 2 have it: the same payment, exits cancelled / failed. */
export const paymentNodeV1 = defineNode({
  kind: 'payment',
  version: 1,
  params: z
    .strictObject({
      amountPence: z.number().int().min(1).max(100_000_000).optional().describe('Fixed amount in pence (e.g. 2500 for £25.00)'),
      amountVariable: variableName.optional().describe('Variable holding the amount in pence (e.g. from a data dip); wins over the fixed amount'),
      referenceVariable: variableName.describe('Variable holding the council’s reference for what is paid'),
      description: z.string().max(200).optional().describe('What the payment is for; {{variables}} are filled in'),
      prompt: promptParam.optional().describe('Said before the caller is handed to the secure payment line'),
      mode: z.enum(['bridge', 'refer']).default('bridge').describe('bridge: the caller comes back to hear the result; refer: the caller leaves to the payment line'),
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
    label: 'Card payment (version 1)',
    category: 'Payments',
    icon: 'credit-card',
    help: 'The earlier card payment node: kept so flows saved with it keep running. New flows get version 2.',
    summary: ['amountVariable', 'referenceVariable'],
  },
  traits: {
    waitsForCaller: () => true,
    sensitive: true,
    prompts: (p) => (p.prompt ? [{ field: 'prompt', prompt: p.prompt }] : []),
    sets: () => PAYMENT_VARIABLES,
  },
  async run(context): Promise<NodeResult> {
    const { status, set } = await takePayment(context, { ...context.params, amountFromCaller: false, maxAmountPence: 100_000_000 });
    return { outcome: String(v1(status)), set: { ...set, paymentStatus: v1(set.paymentStatus ?? null) } };
  },
});
