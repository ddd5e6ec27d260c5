import parseRegistration from 'drachtio-mw-registration-parser';
import type { Clock } from '../../../ports/clock.js';
import type { AgentAuthConfig } from './config.js';
import { parseDigestHeader, type DigestAuthenticator } from './digest.js';
import type { AgentDirectory } from './outbound-routing.js';
import type { SipRequest, SipResponse } from './sip.js';

/** A phone's SIP credentials and the agent it belongs to. */
export interface PhoneCredential {
  password: string;
  agentId: string;
}

interface Binding {
  contact: string;
  expiresAt: number;
  registeredAt: number;
}

/**
 * The registrar for agents' SIP phones: digest-authenticated REGISTERs (credentials from the
 * config file, and optionally the agents table), expiry clamped to the configured range, contacts
 * kept in memory (an engine restart asks phones to register again within their expiry; shared
 * persistence across engines is not built yet). The queue finds agents' phones through
 * `contactsOf` (AgentDirectory).
 */
export class Registrar implements AgentDirectory {
  private readonly bindings = new Map<string, Map<string, Binding>>();

  constructor(
    private readonly config: AgentAuthConfig,
    private readonly digest: DigestAuthenticator,
    private readonly clock: Clock,
    /** Looks a user name up in the agents table (when agents.useAgentsTable is on). */
    private readonly lookupAgent?: (username: string) => Promise<PhoneCredential | undefined>,
  ) {}

  async contactsOf(agentId: string): Promise<string[]> {
    const now = this.clock.now();
    const bindings = [...(this.bindings.get(agentId)?.values() ?? [])].filter((b) => b.expiresAt > now);
    return bindings.sort((a, b) => b.registeredAt - a.registeredAt).map((b) => b.contact);
  }

  /** Number of agents with at least one live registration. */
  registeredAgents(): number {
    const now = this.clock.now();
    return [...this.bindings.values()].filter((m) => [...m.values()].some((b) => b.expiresAt > now)).length;
  }

  async handleRegister(req: SipRequest, res: SipResponse): Promise<void> {
    const header = req.get('Authorization');
    const username = parseDigestHeader(header)?.username;
    const credential = username ? await this.credentialOf(username) : undefined;
    const verdict = this.digest.verify('REGISTER', header, (name) => (name === username ? credential?.password : undefined));
    if (verdict.kind === 'challenge') {
      res.send(401, { headers: { 'WWW-Authenticate': this.digest.challenge(verdict.stale) } });
      return;
    }
    if (verdict.kind === 'forbidden' || !credential) {
      res.send(403);
      return;
    }
    let parsed = false;
    parseRegistration(req, res, () => {
      parsed = true;
    });
    if (!parsed || !req.registration) return; // the parser answered 400
    const { expires, contact } = req.registration;
    const now = this.clock.now();
    if (expires > 0 && expires < this.config.minExpires) {
      res.send(423, { headers: { 'Min-Expires': String(this.config.minExpires) } });
      return;
    }
    const bindings = this.bindings.get(credential.agentId) ?? new Map<string, Binding>();
    this.bindings.set(credential.agentId, bindings);
    const wildcard = req.get('Contact')?.trim() === '*';
    if (expires === 0) {
      if (wildcard) bindings.clear();
      for (const c of contact) bindings.delete(stripBrackets(c.uri));
      res.send(200);
      return;
    }
    const granted = Math.min(expires, this.config.maxExpires);
    for (const c of contact) {
      const uri = stripBrackets(c.uri);
      bindings.set(uri, { contact: uri, expiresAt: now + granted * 1000, registeredAt: now });
    }
    res.send(200, { headers: { Contact: contact.map((c) => `<${stripBrackets(c.uri)}>;expires=${granted}`).join(', '), Expires: String(granted) } });
  }

  private async credentialOf(username: string): Promise<PhoneCredential | undefined> {
    const configured = this.config.users.find((u) => u.username === username);
    if (configured) return { password: configured.password, agentId: configured.agentId ?? configured.username };
    if (this.config.useAgentsTable && this.lookupAgent) return this.lookupAgent(username);
    return undefined;
  }
}

function stripBrackets(uri: string): string {
  return uri.replace(/^<|>$/g, '');
}
