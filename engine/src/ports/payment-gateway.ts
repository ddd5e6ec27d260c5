import type { Destination } from './call-channel.js';

/**
 * A card payment taken by a PCI DSS service (Pay360 Call Secure) so that card digits never touch
 * this system: we ask the service for a one-time token, hand the caller to its payment line with
 * that token, and read the outcome back. Nothing here ever carries a card number, expiry date or
 * security code — only the outcome and the card as the service masks it (last four digits).
 *
 * Expected results (declined, abandoned, the service slow or unreachable) are values, never
 * exceptions: a caller must never hear silence because a payment service misbehaved.
 */
export interface PaymentRequest {
  callId: string;
  /** Amount in minor units (pence); undefined: the payment service asks the caller how much. */
  amountMinor?: number;
  currency: 'GBP';
  /** The council's reference for what is paid (e.g. a parking fine number). */
  reference: string;
  /**
   * The idempotency key, sent to the service as its merchant reference: a retry with the same
   * merchant reference never creates a second charge (the gateway looks it up before creating).
   */
  merchantReference: string;
  description?: string;
  signal: AbortSignal;
}

/** A payment the service is ready to take: where to hand the caller and what to key on that line first. */
export interface PaymentSession {
  sessionId: string;
  /** The council's reference and the merchant reference the session was made for. */
  reference: string;
  merchantReference: string;
  /** Where to consult-call (the service's payment line). */
  destination: Destination;
  /** The one-time token, sent as DTMF on the consult leg before the caller joins. Never card data. */
  dtmfToken: string;
}

export type PaymentStatus = 'paid' | 'declined' | 'abandoned' | 'error';

/** Why a payment ended in `error` (or why the gateway answered at once). Never card data. */
export type PaymentErrorReason =
  /** The service did not answer in time. */
  | 'timeout'
  /** The service could not be reached (network, DNS, refused). */
  | 'unreachable'
  /** The service answered with an error or something this gateway cannot read. */
  | 'service-error'
  /** Another payment for the same merchant reference is being keyed right now. */
  | 'in-progress'
  /** The caller could not be handed to the payment line. */
  | 'hand-off-failed'
  /** The service never reported a final outcome in time: check it in the service's back office. */
  | 'outcome-unknown'
  /** The payment service is not configured on this engine. */
  | 'not-configured'
  /** The amount or reference the flow gave is not usable. */
  | 'invalid-request';

export interface PaymentResult {
  status: PaymentStatus;
  /** What was charged (or asked for); undefined when the caller was to key it and never did. */
  amountMinor?: number;
  currency: 'GBP';
  reference: string;
  merchantReference: string;
  /** The service's transaction id, when one was made. */
  transactionId?: string;
  /** The card as the service masks it: `************1111` (last four digits only). */
  maskedCard?: string;
  /** True when an earlier payment under the same merchant reference was found: nothing was charged now. */
  previouslyPaid?: boolean;
  /** For `error` (and a declined payment's reason code when the service gives one). */
  reason?: PaymentErrorReason | string;
}

export type PaymentStart =
  /** Hand the caller to the service with this session. */
  | { kind: 'handOff'; session: PaymentSession }
  /** No hand-off: already paid under this merchant reference, or the service could not start one. */
  | { kind: 'finished'; result: PaymentResult };

export interface PaymentGateway {
  /** Look the merchant reference up, then (unless it is already paid or being paid) create a session. */
  start(request: PaymentRequest): Promise<PaymentStart>;
  /**
   * The session's final result. `handedBack` is true once the caller has come back from (or been
   * put through to) the payment line, so a session that never got a card is abandoned rather than
   * awaited. Resolves (never rejects) with an `error` result when the outcome cannot be learnt in
   * time; rejects only when `signal` aborts.
   */
  awaitResult(session: PaymentSession, options: { handedBack: boolean; signal: AbortSignal }): Promise<PaymentResult>;
}
