/**
 * Agents' SIP phone registrations, where every engine sees them: the registrar of whichever engine
 * drachtio-server handed a REGISTER to writes here, and any engine ringing an agent reads here. Held in
 * the database (sip_registrations) in production; in memory only in unit tests. Times are epoch
 * milliseconds from the Clock port, never the database's own clock (simulated time works).
 */
export interface SipRegistration {
  /** The agent the phone belongs to. */
  agentId: string;
  /** The SIP user name the phone authenticated as (its address-of-record's user). */
  username: string;
  /** Where to send INVITEs: the phone's Contact URI, without brackets or parameters of the header. */
  contact: string;
  registeredAt: number;
  expiresAt: number;
  /** The phone's User-Agent header, for the agent screens. */
  userAgent?: string;
  /** Where the REGISTER came from, e.g. `udp/192.0.2.10:5060` (a phone behind NAT shows its public side). */
  source?: string;
  /** The engine that took the REGISTER. */
  engineInstanceId?: string;
}

export interface RegistrationRepository {
  /** Add or refresh one binding (agent + contact): a refresh replaces the times and details. */
  put(registration: SipRegistration): Promise<void>;
  /** Remove one of the agent's bindings, or every one (`contact` undefined: `Contact: *` or the agent deleted). */
  remove(agentId: string, contact?: string): Promise<void>;
  /** The agent's live contacts (expiresAt after `now`), most recently registered first. */
  contactsOf(agentId: string, now: number): Promise<string[]>;
  /** How many agents have at least one live registration. */
  registeredAgents(now: number): Promise<number>;
  /** Delete bindings that expired at or before `now`; returns how many went. Any engine may run it. */
  expire(now: number): Promise<number>;
}
