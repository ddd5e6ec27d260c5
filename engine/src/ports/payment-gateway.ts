import type { Destination } from './call-channel.js';

/**
 * A card payment taken by a PCI DSS service (Pay360 Call Secure) so that card digits never touch
 * this system. Nothing here ever carries a card number or security code.
 */
export interface PaymentRequest {
  callId: string;
  /**
   * Amount in minor units (pence). Absent: the flow leaves the amount to the payment service, which asks
   * the caller or knows it from the reference; the result says what was paid.
   */
  amountMinor?: number;
  currency: 'GBP';
  /** The council's reference for what is paid (e.g. a parking fine number). */
  reference: string;
  description?: string;
  signal: AbortSignal;
}

export interface PaymentSession {
  sessionId: string;
  /** Where to consult-call, and the one-time token to send it as DTMF. */
  destination: Destination;
  dtmfToken: string;
}

export type PaymentStatus = 'paid' | 'declined' | 'cancelled' | 'failed';

export interface PaymentResult {
  status: PaymentStatus;
  amountMinor: number;
  currency: 'GBP';
  reference: string;
  /** The gateway's transaction id, when one was made. */
  transactionId?: string;
}

export interface PaymentGateway {
  createSession(request: PaymentRequest): Promise<PaymentSession>;
  /** Resolves with the session's final result. */
  awaitResult(sessionId: string, signal: AbortSignal): Promise<PaymentResult>;
}
