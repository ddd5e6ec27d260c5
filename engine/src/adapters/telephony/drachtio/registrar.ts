import parseRegistration from 'drachtio-mw-registration-parser';
import type { Clock } from '../../../ports/clock.js';
import type { RegistrationRepository } from '../../../ports/registrations.js';
import type { AgentAuthConfig } from './config.js';
import { parseDigestHeader, type DigestAuthenticator } from './digest.js';
import type { AgentDirectory } from './outbound-routing.js';
import type { SipRequest, SipResponse } from './sip.js';

/** A phone's SIP credentials and the agent it belongs to. */
export interface PhoneCredential {
  password: string;
  agentId: string;
}

/**
 * The registrar for agents' SIP phones: digest-authenticated REGISTERs (credentials from the
 * config file, and optionally the agents table), expiry clamped to the configured range, bindings
 * written through the registrations repository (the database), so every engine behind the same
 * drachtio-server sees every agent's phone whichever engine took the REGISTER. The queue finds
 * agents' phones through `contactsOf` (AgentDirectory).
 */
export class Registrar implements AgentDirectory {
  /** Agents with a live registration, as of the last REGISTER or sweep (for the health status). */
  private registered = 0;

  constructor(
    private readonly config: AgentAuthConfig,
    private readonly digest: DigestAuthenticator,
    private readonly clock: Clock,
    private readonly registrations: RegistrationRepository,
    private readonly options: {
      /** Looks a user name up in the agents table (when agents.useAgentsTable is on). */
      lookupAgent?: (username: string) => Promise<PhoneCredential | undefined>;
      engineInstanceId?: string;
    } = {},
  ) {}

  async contactsOf(agentId: string): Promise<string[]> {
    return this.registrations.contactsOf(agentId, this.clock.now());
  }

  /** Number of agents with at least one live registration (as of the last REGISTER or sweep). */
  registeredAgents(): number {
    return this.registered;
  }

  /** Forget expired bindings (any engine may do it) and recount. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    await this.registrations.expire(now);
    this.registered = await this.registrations.registeredAgents(now);
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
    const { agentId } = credential;
    const wildcard = req.get('Contact')?.trim() === '*';
    if (expires === 0) {
      if (wildcard) await this.registrations.remove(agentId);
      for (const c of contact) await this.registrations.remove(agentId, stripBrackets(c.uri));
      res.send(200);
      await this.recount(now);
      return;
    }
    const granted = Math.min(expires, this.config.maxExpires);
    const userAgent = req.get('User-Agent');
    for (const c of contact) {
      await this.registrations.put({
        agentId,
        username: username!,
        contact: stripBrackets(c.uri),
        registeredAt: now,
        expiresAt: now + granted * 1000,
        source: `${req.protocol}/${req.source_address}:${req.source_port}`,
        ...(userAgent ? { userAgent: userAgent.slice(0, 200) } : {}),
        ...(this.options.engineInstanceId ? { engineInstanceId: this.options.engineInstanceId } : {}),
      });
    }
    res.send(200, { headers: { Contact: contact.map((c) => `<${stripBrackets(c.uri)}>;expires=${granted}`).join(', '), Expires: String(granted) } });
    await this.recount(now);
  }

  private async recount(now: number): Promise<void> {
    this.registered = await this.registrations.registeredAgents(now);
  }

  private async credentialOf(username: string): Promise<PhoneCredential | undefined> {
    const configured = this.config.users.find((u) => u.username === username);
    if (configured) return { password: configured.password, agentId: configured.agentId ?? configured.username };
    if (this.config.useAgentsTable && this.options.lookupAgent) return this.options.lookupAgent(username);
    return undefined;
  }
}

function stripBrackets(uri: string): string {
  return uri.replace(/^<|>$/g, '');
}
