import ipaddr from 'ipaddr.js';
import type { TrunkConfig } from './config.js';
import type { DigestAuthenticator } from './digest.js';
import { toE164 } from './outbound-routing.js';
import { userOfUri, type SipRequest } from './sip.js';

function addressMatches(source: string, allowed: string): boolean {
  try {
    const address = ipaddr.process(source);
    if (allowed.includes('/')) {
      const [range, bits] = ipaddr.parseCIDR(allowed);
      const candidate = range.kind() === 'ipv4' && address.kind() === 'ipv6' ? undefined : address;
      return candidate !== undefined && candidate.kind() === range.kind() && candidate.match([range, bits]);
    }
    return ipaddr.process(allowed).toString() === address.toString();
  } catch {
    return false;
  }
}

export type InboundVerdict =
  | { kind: 'admitted'; trunk?: TrunkConfig }
  /** Send 401 with this WWW-Authenticate value. */
  | { kind: 'challenge'; header: string }
  | { kind: 'forbidden'; reason: string };

/**
 * Who may call in: a trunk whose allow-list holds the source address, or whose digest
 * credentials the INVITE carries. With no trunk declaring inbound rules, anyone may call (the
 * front door is a public number; outbound destinations come only from published flows).
 */
export function authorizeInbound(req: SipRequest, trunks: readonly TrunkConfig[], digest: DigestAuthenticator): InboundVerdict {
  const guarded = trunks.filter((t) => t.inbound.allow.length > 0 || t.inbound.auth);
  if (!guarded.length) return { kind: 'admitted' };
  const byAddress = guarded.find((t) => t.inbound.allow.some((allowed) => addressMatches(req.source_address, allowed)));
  if (byAddress) return { kind: 'admitted', trunk: byAddress };
  const withAuth = guarded.filter((t) => t.inbound.auth);
  if (!withAuth.length) return { kind: 'forbidden', reason: `source ${req.source_address} is on no trunk's allow-list` };
  const header = req.get('Authorization');
  let matched: TrunkConfig | undefined;
  const verdict = digest.verify('INVITE', header, (username) => {
    matched = withAuth.find((t) => t.inbound.auth!.username === username);
    return matched?.inbound.auth!.password;
  });
  if (verdict.kind === 'ok') return { kind: 'admitted', trunk: matched! };
  if (verdict.kind === 'challenge') return { kind: 'challenge', header: digest.challenge(verdict.stale) };
  return { kind: 'forbidden', reason: 'digest authentication failed' };
}

export interface CallParties {
  /** Dialled number: Request-URI user, else To; E.164 when it parses. */
  did: string;
  /** Caller: P-Asserted-Identity, else From; E.164 when it parses; "anonymous" when withheld. */
  from: string;
}

/** A caller's number that is E.164 already (as most trunks send it): no need to parse it. */
const E164 = /^\+[1-9]\d{7,14}$/;

/** Dialled numbers already put into E.164 (a front door has few numbers; parsing one costs more than a call's routing). */
const dialledNumbers = new Map<string, string>();
const MAX_DIALLED_NUMBERS = 10_000;

export function callParties(req: SipRequest, defaultCountry: string): CallParties {
  const dialled = userOfUri(req.uri) ?? userOfUri(req.get('To')) ?? '';
  const caller = userOfUri(req.get('P-Asserted-Identity')) ?? userOfUri(req.get('From')) ?? '';
  const normalise = (n: string) => (E164.test(n) ? n : (toE164(n, defaultCountry) ?? n));
  const key = `${defaultCountry} ${dialled}`;
  let did = dialledNumbers.get(key);
  if (did === undefined) {
    if (dialledNumbers.size >= MAX_DIALLED_NUMBERS) dialledNumbers.clear();
    dialledNumbers.set(key, (did = normalise(dialled)));
  }
  return {
    did,
    from: !caller || /^anonymous$/i.test(caller) ? 'anonymous' : normalise(caller),
  };
}
