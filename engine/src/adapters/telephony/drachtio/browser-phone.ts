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
 *  3. A FreeSWITCH channel is made from that offer (FreeSWITCH sets up DTLS-SRTP and answers ICE) and
 *     the ACK carries FreeSWITCH's answer — the dialler's `farEndOffers` path (dialler.ts), the same as
 *     the payment hand-off's.
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
