import type { VarValue } from './values.js';

/** One entry in a call's append-only event log. */
export type CallEventType =
  | 'call.started'
  | 'node.entered'
  | 'prompt.played'
  | 'input.digits'
  | 'input.speech'
  | 'input.none'
  | 'node.outcome'
  | 'var.set'
  | 'error'
  /** A card payment began: reference, merchant reference, amount (never card data). */
  | 'payment.started'
  /** …and how it ended: status, transaction id, masked card (last four), reason. */
  | 'payment.ended'
  | 'call.ended';

export interface CallEvent {
  callId: string;
  /** 1, 2, 3 … within the call. */
  seq: number;
  /** Epoch ms on the call's clock. */
  at: number;
  type: CallEventType;
  nodeId?: string;
  /** Event details, already redacted (no DTMF in payment states). */
  data: Record<string, VarValue | VarValue[]>;
}

export interface CallEventSink {
  append(event: CallEvent): void;
}
