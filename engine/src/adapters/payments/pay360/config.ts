import { z } from 'zod';
import { parseDestination } from '../../../core/destination.js';
import type { Pay360Settings } from './pay360-gateway.js';

/**
 * The Pay360 part of frontdoor's config file (`payments.pay360`): every Pay360 URL, number,
 * installation id and credential lives here, none in code. Without it, real calls' payment nodes take
 * their error exit (callers are never sent to a stand-in), while the designer's test calls pay into
 * the engine's own fake Pay360.
 */
const milliseconds = (description: string, defaultMs: number, min: number, max: number) =>
  z.number().int().min(min).max(max).default(defaultMs).describe(description);

export const pay360ConfigSchema = z
  .strictObject({
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.mite.pay360.com' })
      .refine((url) => url.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(url), 'must be https (plain http only to this machine, for a stand-in)')
      .describe('Pay360 REST host: https://api.mite.pay360.com (test) or https://api.pay360.com (live)'),
    installationId: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,32}$/, 'expected the installation id Pay360 gave you (letters, digits, -)')
      .describe('Pay360 installation id'),
    username: z.string().min(1, 'must not be empty').describe('API user name of the installation (HTTP Basic)'),
    password: z.string().min(1, 'must not be empty').describe('API password of the installation (HTTP Basic)'),
    paymentLine: z
      .string()
      .superRefine((text, ctx) => {
        const parsed = parseDestination(text);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
        else if (parsed.destination.kind === 'agent' || parsed.destination.kind === 'teams') {
          ctx.addIssue({ code: 'custom', message: 'expected Pay360’s payment line: a sip: address or tel:+44… number' });
        }
      })
      .describe('Pay360’s telephone payment line the caller is handed to: sip:… or tel:+44…'),
    notificationUrl: z.url().optional().describe('Where Pay360 POSTs transaction notifications: https://<this engine>/api/payments/pay360/notifications'),
    requestTimeoutMs: milliseconds('Longest wait for one Pay360 REST request', 8000, 500, 60_000),
    pollIntervalMs: milliseconds('How often a payment’s state is read while it is under way', 2000, 200, 60_000),
    settleTimeoutMs: milliseconds('Once the caller is back from the payment line, how long Pay360 has to report the outcome', 30_000, 1000, 600_000),
    resultTimeoutMs: milliseconds('With the caller put through for good (refer), how long the outcome is awaited', 900_000, 10_000, 3_600_000),
  })
  .describe('Pay360 Call Secure: card payments by phone, keyed into Pay360 and never into frontdoor');

export type Pay360Config = z.output<typeof pay360ConfigSchema>;

export function pay360Settings(config: Pay360Config): Pay360Settings {
  const line = parseDestination(config.paymentLine);
  if (!line.ok) throw new TypeError(`payments.pay360.paymentLine was not checked: ${line.message}`);
  return { ...config, paymentLine: line.destination };
}
