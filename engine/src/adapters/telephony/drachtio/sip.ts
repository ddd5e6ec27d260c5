import type { EventEmitter } from 'node:events';

/**
 * The parts of drachtio-srf's request, response, dialog and Srf objects that the adapter uses,
 * as narrow structural types: the real objects satisfy them, and the unit tests' fakes implement
 * exactly these (named fakes, see fakes.test-support.ts).
 */

export interface SipRequest {
  method: string;
  uri: string;
  body: string;
  source_address: string;
  source_port: string;
  protocol: string;
  calledNumber: string;
  callingNumber: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
  getParsedHeader(name: string): unknown;
  /** CANCEL from the caller before the final response. */
  on(event: 'cancel', listener: () => void): unknown;
  /** Registration details drachtio-srf parses for REGISTER. */
  registration?: { type: 'register' | 'unregister'; expires: number; contact: { uri: string; params?: Record<string, string> }[]; aor: string };
}

export interface SipResponse {
  readonly finalResponseSent: boolean;
  send(status: number, opts?: { headers?: Record<string, string>; body?: string }): void;
  send(status: number, reason: string, opts?: { headers?: Record<string, string>; body?: string }): void;
}

/** An established SIP dialog (drachtio-srf Dialog). */
export interface SipDialog extends EventEmitter {
  /** Our side's SDP: what drachtio-srf answers a far end's re-INVITE with (set it after a third-party exchange). */
  readonly local: { sdp: string; uri?: string };
  readonly remote: { sdp: string; uri?: string };
  /** The dialog's identity: Call-ID and our and the far end's tags (for a Replaces header). */
  readonly sip?: { callId: string; localTag: string; remoteTag: string };
  destroy(opts?: { headers?: Record<string, string> }): Promise<unknown> | void;
  /** re-INVITE with our offer; resolves with the far end's answer. */
  modify(sdp: string): Promise<unknown>;
  /**
   * re-INVITE with no SDP (RFC 3725): resolves with the far end's offer, to be answered in the ACK —
   * which the caller must send, answer or not.
   */
  modify(opts: { noAck: true }): Promise<{ sdp: string; ack(answerSdp: string): void }>;
  request(opts: { method: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number }>;
}

/** A request sent by createUAC, while it is ringing: it can be cancelled. */
export interface OutgoingInvite {
  cancel(callback?: (err: unknown) => void): void;
}

export interface CreateUacOptions {
  localSdp?: string;
  headers?: Record<string, string>;
  auth?: { username: string; password: string };
  proxy?: string;
}

/** A far end's answer to an offerless INVITE: its offer, and the ACK that carries our answer. */
export interface OfferlessAnswer {
  sdp: string;
  ack(localSdp: string): Promise<SipDialog>;
  /** ACK and BYE an answered call we no longer want. */
  destroy?(): Promise<void>;
}

/** The drachtio-srf calls that place and answer calls. */
export interface SipAgent {
  createUAS(req: SipRequest, res: SipResponse, opts: { localSdp: string; headers?: Record<string, string> }): Promise<SipDialog>;
  createUAC(
    uri: string,
    opts: CreateUacOptions,
    progress?: { cbRequest?: (req: OutgoingInvite) => void; cbProvisional?: (res: { status: number }) => void },
  ): Promise<SipDialog>;
  /** An INVITE without SDP (3PCC): resolves with the far end's offer; our answer goes in the ACK, which makes the dialog. */
  createUAC(
    uri: string,
    opts: Omit<CreateUacOptions, 'localSdp'> & { noAck: true },
    progress?: { cbRequest?: (req: OutgoingInvite) => void; cbProvisional?: (res: { status: number }) => void },
  ): Promise<OfferlessAnswer>;
  request(uri: string, opts: { method: string; headers?: Record<string, string>; proxy?: string }): Promise<SipOutgoingRequest>;
}

/** What srf.request() hands back: the request sent, which reports the response. */
export interface SipOutgoingRequest {
  on(event: 'response', listener: (res: { status: number; get?(name: string): string | undefined }) => void): unknown;
}

/** A request's Call-ID. drachtio-srf's Request has no `callId` property: read the header. */
export function callIdOf(req: Pick<SipRequest, 'get'>): string {
  return req.get('Call-ID') ?? 'unknown';
}

/** drachtio-srf's SipError carries the final status of a failed request. */
export function sipStatusOf(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number') return error.status;
  return undefined;
}

/** The user part of a SIP/tel URI: `sip:+441234500000@host;user=phone` → `+441234500000`. */
export function userOfUri(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const inner = /<([^>]+)>/.exec(uri)?.[1] ?? uri;
  const match = /^(?:sips?|tel):([^@;?>]+)/i.exec(inner.trim());
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
