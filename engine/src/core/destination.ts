import type { Destination } from '../ports/index.js';

/**
 * Destinations as service designers write them in node params:
 *   sip:alice@pbx.example.gov.uk   a SIP address
 *   tel:+441632960123 or +441632960123   a public number (E.164) through the outbound trunk
 *   teams:+441632960123   a Microsoft Teams user through Direct Routing
 *   agent:jsmith   a registered agent, on whatever device they registered
 * `queue:<id>` names a queue: calls reach a queue through a queue node, never a transfer.
 */
export type DestinationParse = { ok: true; destination: Destination } | { ok: false; message: string };

const E164 = /^\+[1-9]\d{6,14}$/;
const AGENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const SIP_URI = /^sips?:[^\s@]+@[^\s@]+$|^sips?:[A-Za-z0-9.-]+(:\d+)?(;[^\s]*)?$/;

function e164(text: string, what: string): { ok: true; e164: string } | { ok: false; message: string } {
  const compact = text.replace(/[\s-]/g, '');
  return E164.test(compact)
    ? { ok: true, e164: compact }
    : { ok: false, message: `${what} "${text}" is not an E.164 number like +441632960123` };
}

/** Read a destination string; never throws. */
export function parseDestination(text: string): DestinationParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'the destination is empty' };
  const colon = trimmed.indexOf(':');
  const scheme = colon < 0 ? '' : trimmed.slice(0, colon).toLowerCase();
  const rest = colon < 0 ? trimmed : trimmed.slice(colon + 1);
  switch (scheme) {
    case 'sip':
    case 'sips':
      return SIP_URI.test(trimmed)
        ? { ok: true, destination: { kind: 'sip', uri: trimmed } }
        : { ok: false, message: `"${trimmed}" is not a SIP address like sip:user@host` };
    case 'tel': {
      const n = e164(rest, 'the number');
      return n.ok ? { ok: true, destination: { kind: 'number', e164: n.e164 } } : n;
    }
    case 'teams': {
      const n = e164(rest, 'the Teams number');
      return n.ok ? { ok: true, destination: { kind: 'teams', e164: n.e164 } } : n;
    }
    case 'agent':
      return AGENT_ID.test(rest)
        ? { ok: true, destination: { kind: 'agent', agentId: rest } }
        : { ok: false, message: `"${rest}" is not an agent id (letters, digits, _ . -)` };
    case 'queue':
      return { ok: false, message: `"${trimmed}" is a queue: send callers to a queue with a Queue node` };
    case '': {
      const n = e164(trimmed, 'the number');
      return n.ok ? { ok: true, destination: { kind: 'number', e164: n.e164 } } : n;
    }
    default:
      return {
        ok: false,
        message: `"${trimmed}" has an unknown scheme "${scheme}:" (use sip:, tel:, teams: or agent:)`,
      };
  }
}

/** The canonical string for a destination (what parseDestination reads back to the same value). */
export function formatDestination(destination: Destination): string {
  switch (destination.kind) {
    case 'sip':
      return destination.uri;
    case 'number':
      return `tel:${destination.e164}`;
    case 'teams':
      return `teams:${destination.e164}`;
    case 'agent':
      return `agent:${destination.agentId}`;
  }
}
