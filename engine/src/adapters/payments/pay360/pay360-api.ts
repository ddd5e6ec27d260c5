/**
 * The subset of Pay360's REST APIs that frontdoor uses, as zod schemas shared by the adapter (which
 * parses what Pay360 answers) and the fake (which answers the same way). docs/payments.md says which
 * parts follow Pay360's published Cashier / Hosted Cashier APIs and which are assumed for its
 * telephone (Call Secure) service, whose API is not public.
 *
 * - POST /telephone/rest/sessions/{installationId}/payments           create a telephone payment session
 * - GET  /telephone/rest/sessions/{installationId}/{sessionId}/status  the session's state
 * - GET  /acceptor/rest/transactions/{installationId}/byRef?merchantRef=…  transactions by merchant reference
 * - GET  /acceptor/rest/transactions/{installationId}/{transactionId}  one transaction
 * Every request carries HTTP Basic auth (the installation's API username and password). Amounts are in
 * pounds with two decimals, as Pay360 writes them. A transaction notification POSTed to us has the shape
 * of a transaction (plus the session id), and is only ever a hint: we read the transaction back.
 */
import { z } from 'zod';

export const pay360Paths = {
  createSession: (installationId: string) => `/telephone/rest/sessions/${encodeURIComponent(installationId)}/payments`,
  sessionStatus: (installationId: string, sessionId: string) =>
    `/telephone/rest/sessions/${encodeURIComponent(installationId)}/${encodeURIComponent(sessionId)}/status`,
  byReference: (installationId: string, merchantReference: string) =>
    `/acceptor/rest/transactions/${encodeURIComponent(installationId)}/byRef?merchantRef=${encodeURIComponent(merchantReference)}`,
  transaction: (installationId: string, transactionId: string) =>
    `/acceptor/rest/transactions/${encodeURIComponent(installationId)}/${encodeURIComponent(transactionId)}`,
};

/** Pay360's transaction states (Hosted Cashier's transactionState). */
export const transactionStates = ['NOT_SUBMITTED', 'PROCESSING', 'PENDING', 'SUCCESS', 'FAILED', 'EXPIRED', 'CANCELLED', 'VOIDED'] as const;
export type TransactionState = (typeof transactionStates)[number];

/** Pounds with two decimals (Pay360) ⇄ pence (frontdoor). */
export const poundsOf = (pence: number): number => Math.round(pence) / 100;
export const penceOf = (pounds: number): number => Math.round(pounds * 100);

const money = z.strictObject({
  currency: z.literal('GBP'),
  /** Absent: the caller keys the amount on the payment line. */
  amount: z.strictObject({ fixed: z.number().positive().max(1_000_000) }).optional(),
});

export const createSessionRequest = z.strictObject({
  transaction: z.strictObject({
    merchantReference: z.string().min(1).max(50),
    money,
    description: z.string().max(255).optional(),
  }),
  session: z
    .strictObject({
      transactionNotification: z.strictObject({ url: z.url() }).optional(),
    })
    .optional(),
});
export type CreateSessionRequest = z.infer<typeof createSessionRequest>;

/** A failed request: Pay360 answers `status: FAILED` with a reason (and a 4xx/5xx status). */
export const failure = z.looseObject({
  status: z.literal('FAILED'),
  reasonCode: z.string().optional(),
  reasonMessage: z.string().optional(),
});

export const createSessionResponse = z.looseObject({
  status: z.literal('SUCCESS'),
  sessionId: z.string().min(1).max(128),
  /** Keyed as DTMF on the payment line, before the caller joins. */
  telephoneToken: z.string().regex(/^[0-9]{4,12}$/),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateSessionResponse = z.infer<typeof createSessionResponse>;

export const sessionStatusResponse = z.looseObject({
  status: z.literal('SUCCESS'),
  sessionId: z.string(),
  /** Where the caller is: not yet called in, keying, done, or timed out. */
  sessionState: z.enum(['AWAITING_CALLER', 'IN_PROGRESS', 'COMPLETED', 'EXPIRED']),
  transactionState: z.looseObject({
    transactionState: z.enum(transactionStates),
    /** The transaction id, once there is a transaction. */
    id: z.string().optional(),
  }),
});
export type SessionStatusResponse = z.infer<typeof sessionStatusResponse>;

export const transactionRecord = z.looseObject({
  transaction: z.looseObject({
    transactionId: z.string().min(1).max(128),
    merchantRef: z.string(),
    status: z.enum(transactionStates),
    type: z.string().optional(),
    amount: z.number().nonnegative().optional(),
    currency: z.string().optional(),
    transactionTime: z.string().optional(),
  }),
  paymentMethod: z
    .looseObject({
      card: z.looseObject({ maskedPan: z.string().optional(), cardScheme: z.string().optional() }).optional(),
    })
    .optional(),
  outcome: z.looseObject({ status: z.string(), reasonCode: z.string().optional(), reasonMessage: z.string().optional() }).optional(),
});
export type TransactionRecord = z.infer<typeof transactionRecord>;

export const byReferenceResponse = z.looseObject({ transactions: z.array(transactionRecord) });

/** A transaction notification, as Pay360 POSTs it to the notification URL. */
export const transactionNotification = transactionRecord.extend({ sessionId: z.string().optional() });
export type TransactionNotification = z.infer<typeof transactionNotification>;

/**
 * A masked card as frontdoor keeps it: only the last four digits, whatever the service sent
 * (`444433******1111` → `**** 1111`). Undefined when there are not four digits at the end.
 */
export function lastFourOnly(maskedPan: string | undefined): string | undefined {
  const lastFour = maskedPan ? /(\d{4})\s*$/.exec(maskedPan)?.[1] : undefined;
  return lastFour ? `**** ${lastFour}` : undefined;
}
