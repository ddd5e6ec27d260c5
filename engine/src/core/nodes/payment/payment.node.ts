import { z } from 'zod';
import { durationMs, variableName } from '../common-params.js';
import { defineNode, type NodeResult } from '../define-node.js';
import { promptParam } from '../prompt.js';
import { takePayment } from './take-payment.js';

export const PAYMENT_OUTCOMES = ['paid', 'declined', 'abandoned', 'error'] as const;

/** What a payment node sets: status, reference, transaction id, amount and the card's last four digits. */
export const PAYMENT_VARIABLES = ['paymentStatus', 'paymentReference', 'paymentTransactionId', 'paymentAmountPence', 'paymentMaskedCard'];

export const paymentParams = z
  .strictObject({
    amountPence: z.number().int().min(1).max(100_000_000).optional().describe('Fixed amount in pence (e.g. 2500 for £25.00)'),
    amountVariable: variableName.optional().describe('Variable holding the amount in pence (e.g. from a data dip); wins over the fixed amount'),
    amountFromCaller: z
      .boolean()
      .default(false)
      .describe('Let the payment line ask the caller how much to pay (no amount from the flow)'),
    maxAmountPence: z
      .number()
      .int()
      .min(1)
      .max(100_000_000)
      .default(500_000)
      .describe('Largest amount taken without a person (pence); a larger amount takes the error exit'),
    referenceVariable: variableName.describe('Variable holding the council’s reference for what is paid (letters, digits, . _ / - and spaces)'),
    description: z.string().max(200).optional().describe('What the payment is for; {{variables}} are filled in'),
    prompt: promptParam.optional().describe('Said before the caller is handed to the secure payment line'),
    mode: z
      .enum(['bridge', 'refer'])
      .default('bridge')
      .describe('bridge: the caller comes back to hear the result; refer: the caller is put through to the payment line for good'),
    ringTimeoutMs: durationMs('How long the payment line rings (ms)', 30_000, 5000, 120_000),
  })
  .refine((p) => p.amountFromCaller || p.amountPence !== undefined || p.amountVariable !== undefined, {
    path: ['amountPence'],
    message: 'give a fixed amount, a variable holding it, or let the caller key it',
  });

export const paymentNode = defineNode({
  kind: 'payment',
  version: 2,
  params: paymentParams,
  outcomes: () => [
    { name: 'paid', label: 'Paid', description: 'Paid now, or found already paid under the same reference (nothing charged twice)' },
    { name: 'declined', label: 'Declined' },
    { name: 'abandoned', label: 'Abandoned', description: 'The caller left the payment line without paying' },
    { name: 'error', label: 'Error', description: 'No usable amount or reference, or the payment service unreachable, slow or failing' },
  ],
  ui: {
    label: 'Card payment',
    category: 'Payments',
    icon: 'credit-card',
    help: 'Hand the caller to the secure payment service (Pay360): card digits never reach this system, an agent or a recording.',
    summary: ['amountVariable', 'referenceVariable', 'mode'],
  },
  traits: {
    waitsForCaller: () => true,
    sensitive: true,
    // Put through for good, the caller cannot hear anything after: every exit may end the flow.
    optionalOutcomes: (p) => (p.mode === 'refer' ? [...PAYMENT_OUTCOMES] : []),
    prompts: (p) => (p.prompt ? [{ field: 'prompt', prompt: p.prompt }] : []),
    sets: () => PAYMENT_VARIABLES,
  },
  async run(context): Promise<NodeResult> {
    const { status, set } = await takePayment(context, context.params);
    return { outcome: status, set };
  },
});
