import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A resolved address a request may connect to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, as fetch and node:http use), every address of a name. */
export const systemResolve: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * Which addresses a data dip may reach. Only public unicast addresses by default: loopback, private,
 * link-local (169.254.169.254, the cloud metadata service), unique-local, carrier-grade NAT, multicast,
 * unspecified, reserved and the IPv6 forms that carry an IPv4 address (::ffff:127.0.0.1, 6to4, NAT64)
 * are refused unless an allowed network (CIDR) names them — a flow is data a designer can change, and
 * must not become a way to reach the engine's own machine or the council's internal network.
 */
export class AddressPolicy {
  private readonly networks: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  constructor(allowedNetworks: readonly string[] = []) {
    this.networks = allowedNetworks.map((range) => ipaddr.parseCIDR(range));
  }

  /** The kind of address `address` is when it may not be reached ("loopback", "private" …), or undefined when it may. */
  refusedKind(address: string): string | undefined {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      ip = ipaddr.parse(address);
    } catch {
      return 'unreadable';
    }
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    if (this.networks.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits))) return undefined;
    const kind = ip.range();
    return kind === 'unicast' ? undefined : kind;
  }

  /**
   * Resolves `hostname` once and checks every address it has: the one to connect to (pinned, so a
   * second lookup cannot return something else), or why none may be used.
   */
  async pick(hostname: string, resolve: Resolve): Promise<{ address: ResolvedAddress } | { problem: string }> {
    const bare = hostname.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(bare);
    const addresses = family ? [{ address: bare, family: family as 4 | 6 }] : await resolve(bare);
    if (addresses.length === 0) return { problem: `${hostname} has no address` };
    // A name with any address we must not reach is refused outright, rather than hoping for a good one.
    for (const { address } of addresses) {
      const kind = this.refusedKind(address);
      if (kind === undefined) continue;
      const what = family ? `${address} is a ${kind} address` : `${hostname} resolves to ${address}, a ${kind} address`;
      return { problem: `${what}, which data dips may not reach (list its range in dataDips.allowedNetworks to allow it)` };
    }
    return { address: addresses[0]! };
  }
}
