import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Destination } from '../../../ports/call-channel.js';
import type { TelephonyConfig } from './config.js';

/** One way to reach a destination: a SIP URI and how to call it. */
export interface OutboundTarget {
  uri: string;
  headers: Record<string, string>;
  auth?: { username: string; password: string };
  proxy?: string;
  /** The far end needs SRTP (Teams). */
  srtp: boolean;
  /** On failure (503, timeout…) try the next target: Teams hubs. */
  failOver: boolean;
}

export type RouteResult = { kind: 'routed'; targets: OutboundTarget[] } | { kind: 'failed'; reason: string };

/** Where registered agents' phones are; the registrar implements it. */
export interface AgentDirectory {
  /** The agent's SIP contacts, most recent registration first; empty when not registered. */
  contactsOf(agentId: string): Promise<string[]>;
}

/**
 * The From of a leg to an agent or a SIP address: the number presented (the caller's, so an agent's phone
 * shows who is calling), at `localhost` — which drachtio-server replaces with its own SIP address.
 */
export function presentedFrom(callerId: string): Record<string, string> {
  const user = /^\+?[A-Za-z0-9._-]{1,40}$/.test(callerId) ? callerId : 'anonymous';
  return { From: `<sip:${user}@localhost>` };
}

/** `01234 567890` (national) or `0044…` → `+441234567890`; undefined when it isn't a number. */
export function toE164(number: string, defaultCountry: string): string | undefined {
  const cleaned = number.trim().replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry as CountryCode);
  return parsed?.isPossible() ? parsed.number : undefined;
}

/**
 * Turns a flow's destination into SIP targets: agents by registration (or a static URI), public
 * numbers through the first trunk with an outbound side, Teams users through the Microsoft hubs
 * that answer OPTIONS (E.164 with user=phone, from the SBC's FQDN over TLS).
 */
export function createOutboundRouter(
  config: TelephonyConfig,
  agents: AgentDirectory,
  usableTeamsHubs: () => string[],
): (destination: Destination, callerId: string) => Promise<RouteResult> {
  return async (destination, callerId) => {
    switch (destination.kind) {
      case 'sip':
        return { kind: 'routed', targets: [{ uri: destination.uri, headers: presentedFrom(callerId), srtp: destination.uri.startsWith('sips:'), failOver: false }] };
      case 'agent': {
        const fixed = config.agents.staticContacts[destination.agentId];
        let contacts: string[];
        try {
          contacts = fixed ? [fixed] : await agents.contactsOf(destination.agentId);
        } catch (error) {
          // The registrations live in the database: while it is away, the agent cannot be found (not a fault of the call).
          return { kind: 'failed', reason: `agent ${destination.agentId}'s phone could not be looked up: ${(error as Error).message}` };
        }
        if (!contacts.length) return { kind: 'failed', reason: `agent ${destination.agentId} has no registered phone` };
        return { kind: 'routed', targets: contacts.map((uri) => ({ uri, headers: presentedFrom(callerId), srtp: uri.startsWith('sips:'), failOver: true })) };
      }
      case 'number': {
        const trunk = config.trunks.find((t) => t.outbound);
        if (!trunk?.outbound) return { kind: 'failed', reason: 'no trunk is configured for outbound calls' };
        const { host, port, transport, auth, callerId: trunkCallerId } = trunk.outbound;
        const number = toE164(destination.e164, trunk.defaultCountry);
        if (!number) return { kind: 'failed', reason: `"${destination.e164}" is not a phone number` };
        const presented = trunkCallerId ?? toE164(callerId, trunk.defaultCountry) ?? 'anonymous';
        const target: OutboundTarget = {
          uri: `sip:${number}@${host}:${port};transport=${transport}`,
          headers: { From: `<sip:${presented}@${host}>`, 'P-Asserted-Identity': `<sip:${presented}@${host}>` },
          srtp: false,
          failOver: false,
        };
        if (auth) target.auth = auth;
        return { kind: 'routed', targets: [target] };
      }
      case 'teams': {
        const teams = config.teams;
        if (!teams?.enabled) return { kind: 'failed', reason: 'Teams Direct Routing is not enabled' };
        const number = toE164(destination.e164, 'GB');
        if (!number) return { kind: 'failed', reason: `"${destination.e164}" is not a phone number` };
        const hubs = usableTeamsHubs();
        if (!hubs.length) return { kind: 'failed', reason: 'no Microsoft Teams SIP proxy is answering OPTIONS' };
        const presented = toE164(callerId, 'GB') ?? 'anonymous';
        return {
          kind: 'routed',
          targets: hubs.map((hub) => ({
            uri: `sip:${number}@${hub}:5061;transport=tls;user=phone`,
            headers: {
              From: `<sip:${presented}@${teams.sbcFqdn};user=phone>`,
              Contact: `<sip:${teams.sbcFqdn}:${teams.port};transport=tls>`,
            },
            srtp: teams.srtp,
            failOver: true,
          })),
        };
      }
    }
  };
}
