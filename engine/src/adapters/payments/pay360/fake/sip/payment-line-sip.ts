/**
 * The FAKE Pay360 payment line as a real SIP endpoint, for test:sip: a small UAS on plain UDP that
 * answers INVITEs with PCMU + telephone-event (or offers them, to an INVITE without SDP), takes re-INVITEs (the caller's media arriving directly
 * after frontdoor's hand-off), decodes RFC 4733 keys from the RTP itself, runs the payment line's
 * conversation (payment-line.ts) against the fake Pay360 and hangs up when it is done. It is its own
 * process's code — never our FreeSWITCH or drachtio — so the card digits keyed into it appear in no
 * log of ours. Its own log names calls and outcomes, never keys.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { FakePay360 } from '../fake-pay360.js';
import { runPaymentLine, type PaymentLinePhone } from '../payment-line.js';
import { DtmfReceiver } from './rtp-dtmf.js';
import { answerSdp, parseSdp, type SdpOffer } from './sdp.js';
import { header, parseSip, request, response, tagOf, uriOf, type SipMessage } from './sip-message.js';

export interface PaymentLineSipOptions {
  /** Address to listen on (SIP and RTP), and to write in Contact and SDP. */
  host: string;
  /** SIP port (0: any free port). */
  port: number;
  /** How long each prompt "plays" (the fake sends no audio): a key pressed meanwhile waits in the buffer. */
  promptMs?: number;
  log?: (line: string) => void;
}

interface Call {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Where requests to the caller go: the peer that sent the INVITE. */
  peer: { address: string; port: number };
  remoteContact: string;
  fromHeader: string;
  toHeader: string;
  cseq: number;
  rtp: Socket;
  offer: SdpOffer;
  sdpVersion: number;
  localSdp: string;
  keys: string[];
  wake: (() => void) | undefined;
  ended: AbortController;
  /** Our 200 OK to the INVITE, resent until ACKed. */
  unacked: { text: string; timer: NodeJS.Timeout } | undefined;
}

export class PaymentLineSip {
  private socket: Socket | undefined;
  private readonly calls = new Map<string, Call>();
  private readonly log: (line: string) => void;

  constructor(
    private readonly fake: FakePay360,
    private readonly options: PaymentLineSipOptions,
  ) {
    this.log = options.log ?? (() => undefined);
  }

  /** The SIP URI callers are handed to. */
  get uri(): string {
    const port = (this.socket?.address() as AddressInfo | undefined)?.port ?? this.options.port;
    return `sip:callsecure@${this.options.host}:${port}`;
  }

  async start(): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('message', (data, from) => this.received(data.toString('utf8'), { address: from.address, port: from.port }));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, this.options.host, () => resolve());
    });
    this.socket = socket;
  }

  async close(): Promise<void> {
    for (const call of this.calls.values()) this.end(call, 'closing');
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
  }

  private send(text: string, to: { address: string; port: number }): void {
    this.socket?.send(text, to.port, to.address);
  }

  private received(text: string, from: { address: string; port: number }): void {
    const message = parseSip(text);
    if (!message?.method) return; // responses (to our BYE) need nothing
    const callId = header(message, 'call-id') ?? '';
    const call = this.calls.get(callId);
    switch (message.method) {
      case 'INVITE':
        if (call) return this.reinvite(call, message, from);
        return void this.invite(message, from);
      case 'ACK': {
        if (call?.unacked) {
          clearInterval(call.unacked.timer);
          call.unacked = undefined;
        }
        // The answer to the offer we made in a 200 OK to an INVITE without SDP.
        const answer = call && message.body ? parseSdp(message.body) : undefined;
        if (call && answer) call.offer = answer;
        return;
      }
      case 'BYE':
        this.send(response(message, 200, 'OK'), from);
        if (call) this.end(call, 'the caller hung up');
        return;
      case 'CANCEL':
        this.send(response(message, 200, 'OK'), from);
        return;
      case 'OPTIONS':
        this.send(response(message, 200, 'OK', { headers: { Allow: 'INVITE, ACK, BYE, CANCEL, OPTIONS' } }), from);
        return;
      default:
        this.send(response(message, 501, 'Not Implemented'), from);
    }
  }

  private async invite(message: SipMessage, from: { address: string; port: number }): Promise<void> {
    // No SDP (3PCC, RFC 3725): we offer PCMU and telephone-events in the 200 OK, the answer comes in the ACK.
    const offer = message.body ? parseSdp(message.body) : { address: from.address, port: 0, payloadTypes: [0], dtmfPayloadType: 101 };
    if (!offer) {
      this.send(response(message, 488, 'Not Acceptable Here', { toTag: randomBytes(4).toString('hex') }), from);
      return;
    }
    this.send(response(message, 100, 'Trying'), from);
    const rtp = createSocket('udp4');
    await new Promise<void>((resolve) => rtp.bind(0, this.options.host, () => resolve()));
    const call: Call = {
      callId: header(message, 'call-id')!,
      localTag: randomBytes(6).toString('hex'),
      remoteTag: tagOf(header(message, 'from')) ?? '',
      peer: from,
      remoteContact: uriOf(header(message, 'contact')) ?? uriOf(header(message, 'from'))!,
      fromHeader: header(message, 'from')!,
      toHeader: header(message, 'to')!,
      cseq: 1,
      rtp,
      offer,
      sdpVersion: 1,
      localSdp: '',
      keys: [],
      wake: undefined,
      ended: new AbortController(),
      unacked: undefined,
    };
    this.calls.set(call.callId, call);
    const receiver = new DtmfReceiver(
      () => call.offer.dtmfPayloadType ?? 101,
      (key) => {
        call.keys.push(key);
        call.wake?.();
      },
    );
    rtp.on('message', (data) => receiver.packet(data));
    call.localSdp = this.sdpFor(call);
    const ok = response(message, 200, 'OK', { toTag: call.localTag, headers: { Contact: `<${this.uri}>` }, body: call.localSdp });
    this.send(ok, from);
    call.unacked = { text: ok, timer: setInterval(() => this.send(ok, from), 500) };
    setTimeout(() => {
      if (call.unacked) clearInterval(call.unacked.timer);
    }, 32_000).unref();
    this.log(`fake payment line: call ${call.callId} answered`);
    void runPaymentLine(this.fake, this.phone(call), call.ended.signal).then(
      (end) => {
        this.log(`fake payment line: call ${call.callId} ended: ${end}`);
        this.hangUp(call);
      },
      () => this.hangUp(call),
    );
  }

  /** The caller's media moved (a hand-off or a hold): answer from the same RTP port. */
  private reinvite(call: Call, message: SipMessage, from: { address: string; port: number }): void {
    const offer = message.body ? parseSdp(message.body) : undefined;
    if (offer) call.offer = offer;
    call.sdpVersion += 1;
    call.localSdp = this.sdpFor(call);
    this.send(response(message, 200, 'OK', { toTag: call.localTag, headers: { Contact: `<${this.uri}>` }, body: call.localSdp }), from);
  }

  private sdpFor(call: Call): string {
    const port = (call.rtp.address() as AddressInfo).port;
    return answerSdp(call.offer, { address: this.options.host, port, sessionId: 4242, version: call.sdpVersion });
  }

  private phone(call: Call): PaymentLinePhone {
    const promptMs = this.options.promptMs ?? 300;
    return {
      say: (text, signal) =>
        new Promise((resolve, reject) => {
          if (signal.aborted) return reject(signal.reason);
          this.log(`fake payment line: call ${call.callId} says: ${text}`);
          const timer = setTimeout(resolve, promptMs);
          signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
        }),
      nextKey: (timeoutMs, signal) =>
        new Promise((resolve, reject) => {
          if (signal.aborted) return reject(signal.reason);
          const take = () => {
            if (call.keys.length === 0) return false;
            clearTimeout(timer);
            call.wake = undefined;
            signal.removeEventListener('abort', onAbort);
            resolve(call.keys.shift());
            return true;
          };
          const onAbort = () => {
            clearTimeout(timer);
            call.wake = undefined;
            reject(signal.reason);
          };
          const timer = setTimeout(() => {
            call.wake = undefined;
            signal.removeEventListener('abort', onAbort);
            resolve(undefined);
          }, timeoutMs);
          if (take()) return;
          call.wake = take;
          signal.addEventListener('abort', onAbort, { once: true });
        }),
    };
  }

  /** Our BYE, then the call is over. */
  private hangUp(call: Call): void {
    if (!this.calls.has(call.callId)) return;
    const uri = call.remoteContact;
    this.send(
      request('BYE', uri, {
        Via: `SIP/2.0/UDP ${this.options.host}:${(this.socket!.address() as AddressInfo).port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
        From: `${call.toHeader.replace(/;\s*tag=[^;]*/i, '')};tag=${call.localTag}`,
        To: call.fromHeader,
        'Call-ID': call.callId,
        CSeq: `${++call.cseq} BYE`,
      }),
      call.peer,
    );
    this.end(call, 'the payment line hung up');
  }

  private end(call: Call, why: string): void {
    if (!this.calls.delete(call.callId)) return;
    if (call.unacked) clearInterval(call.unacked.timer);
    call.ended.abort(new DOMException(why, 'AbortError'));
    call.rtp.close();
  }
}
