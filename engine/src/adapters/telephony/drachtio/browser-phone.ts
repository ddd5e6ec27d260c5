import type { PhoneBinding } from '../../../ports/registrations.js';
import type { OutboundTarget } from './outbound-routing.js';

/**
 * Ringing an adviser's browser phone (the desk's JsSIP phone, issue 12). It registers through
 * drachtio-server's SIP websocket with a contact nobody can dial (`sip:x@y.invalid;transport=ws`), so:
 *
 *  1. The INVITE goes back through the websocket the REGISTER came in on. drachtio-server remembers
 *     which websocket answered 200 OK to each `.invalid` contact and sends a request for that contact
 *     down the same connection (only the drachtio-server holding the connection can; every engine
 *     connected to it can ask it to). The binding's `source` (`ws/ip:port`) is kept as the route for
 *     a browser whose contact is not an `.invalid` one.
 *  2. The INVITE carries no SDP (late offer). A browser can only offer what WebRTC makes — DTLS-SRTP,
 *     ICE, rtcp-mux — and answering an RTP/AVP offer is not something it can do; JsSIP answers a late
 *     offer with its own WebRTC offer in the 200 OK.
 *  3. FreeSWITCH is offered the browser's SDP and its answer goes to the browser in our ACK before the
 *     channel is ready (answerDtlsOffer below: the DTLS handshake comes first) — the dialler's
 *     `farEndOffers` path (dialler.ts), the offerless path the payment hand-off also takes.
 *
 * Bridged to a caller on plain RTP, FreeSWITCH carries the audio between the two channels (and
 * transcodes if the browser and the caller share no codec).
 */

/** A contact registered over SIP websockets (a browser), not a phone reachable at its own address. */
export function isBrowserContact(contact: string): boolean {
  return /;transport=wss?(?=;|$|>)/i.test(contact);
}

/** `ws/192.0.2.7:53122` (the registrar's `source`) → `sip:192.0.2.7:53122;transport=ws`; undefined for anything else. */
export function routeOfSource(source: string | undefined): string | undefined {
  const match = /^(wss?)\/(\[[0-9a-f:.]+\]|[0-9.]+):(\d{1,5})$/i.exec(source ?? '');
  return match ? `${match[1]!.toLowerCase() === 'wss' ? 'sips' : 'sip'}:${match[2]}:${match[3]};transport=${match[1]!.toLowerCase()}` : undefined;
}

/** How to ring a browser phone's binding (see above). */
export function browserPhoneTarget(binding: PhoneBinding, headers: Record<string, string>): OutboundTarget {
  const proxy = /\.invalid(?=[;:>]|$)/i.test(binding.contact) ? undefined : routeOfSource(binding.source);
  return { uri: binding.contact, headers, srtp: false, failOver: true, farEndOffers: true, ...(proxy ? { proxy } : {}) };
}

/**
 * An offer FreeSWITCH can only take with a DTLS handshake (WebRTC's UDP/TLS/RTP/SAVPF): drachtio-fsmrf's
 * createEndpoint refuses these (the same test), because the channel it waits for only comes after the
 * handshake, which needs the far end to have FreeSWITCH's answer first.
 */
export function needsDtlsHandshake(sdp: string): boolean {
  return /m=audio.*SAVP/.test(sdp);
}

/** The parts of drachtio-fsmrf 4.1's MediaServer its own connectCaller uses for a DTLS offer (lib/mediaserver.js). */
interface FsmrfMediaServer {
  srf: { createUAC(uri: string, opts: { headers: Record<string, string>; localSdp: string }): Promise<{ remote: { sdp: string }; destroy(): unknown }> };
  sip: { ipv4: { udp: { address?: string } } };
  advertisedAddress: string;
  advertisedPort: number;
  pendingConnections: Map<string, { conn?: unknown; dialog?: unknown; fn?: (conn: unknown) => void; connTimeout?: NodeJS.Timeout }>;
  _mrf: { customEvents: string[] };
}

/** How long FreeSWITCH's channel may take to reach the engine once the far end has its answer (DTLS handshake included). */
const DTLS_CHANNEL_TIMEOUT_MS = 10_000;

/**
 * A FreeSWITCH channel answering a far end's WebRTC offer, made as drachtio-fsmrf's connectCaller makes
 * one for a caller's DTLS offer, but for a far end we called: FreeSWITCH is offered the far end's SDP,
 * its answer goes to the far end at once (`sendAnswer`: our ACK to the browser's 200 OK), the DTLS
 * handshake runs between them, and the channel's event socket then reaches the engine (the dialplan's
 * `socket`), which makes the endpoint. Needs fsmrf's MediaServer internals (pendingConnections, the
 * Endpoint class) exactly as connectCaller uses them — drachtio-fsmrf is pinned at 4.1.
 */
export async function answerDtlsOffer(server: unknown, offer: string, sendAnswer: (answerSdp: string) => Promise<void>): Promise<import('drachtio-fsmrf').Endpoint> {
  const ms = server as FsmrfMediaServer;
  const { createRequire } = await import('node:module');
  const { randomUUID } = await import('node:crypto');
  const Endpoint = createRequire(import.meta.url)('drachtio-fsmrf/lib/endpoint') as new (conn: unknown, dialog: unknown, ms: unknown, opts: object) => import('drachtio-fsmrf').Endpoint;
  const address = ms.sip.ipv4.udp.address;
  if (!address) throw new Error('too early: the media server is not ready');
  const uuid = randomUUID();
  ms.pendingConnections.set(uuid, {});
  let dialog: Awaited<ReturnType<FsmrfMediaServer['srf']['createUAC']>> | undefined;
  try {
    dialog = await ms.srf.createUAC(`sip:drachtio@${address}`, {
      headers: { 'User-Agent': `drachtio-fsmrf:${uuid}`, 'X-esl-outbound': `${ms.advertisedAddress}:${ms.advertisedPort}` },
      localSdp: offer,
    });
    const pending = ms.pendingConnections.get(uuid)!;
    pending.dialog = dialog;
    const channel = new Promise<unknown>((resolve, reject) => {
      if (pending.conn) return resolve(pending.conn);
      pending.fn = resolve;
      pending.connTimeout = setTimeout(() => reject(new Error('FreeSWITCH’s channel did not reach the engine after the DTLS answer (no handshake?)')), DTLS_CHANNEL_TIMEOUT_MS);
    });
    channel.catch(() => undefined);
    await sendAnswer(dialog.remote.sdp);
    const conn = await channel;
    ms.pendingConnections.delete(uuid);
    const endpoint = new Endpoint(conn, dialog, ms, { customEvents: ms._mrf.customEvents, is3pcc: false });
    await new Promise<void>((resolve) => endpoint.once('ready', () => resolve()));
    return endpoint;
  } catch (error) {
    const pending = ms.pendingConnections.get(uuid);
    if (pending?.connTimeout) clearTimeout(pending.connTimeout);
    ms.pendingConnections.delete(uuid);
    await Promise.resolve(dialog?.destroy()).catch(() => undefined);
    throw error;
  }
}
