import type { RegistrationRepository, SipRegistration } from '../../../../ports/registrations.js';

/**
 * Registrations held in one process's memory: for unit tests only. A running engine keeps them in
 * the database so that every engine behind the same drachtio-server sees every agent's phone.
 */
export class MemoryRegistrations implements RegistrationRepository {
  /** agentId → contact → binding. */
  readonly bindings = new Map<string, Map<string, SipRegistration>>();

  async put(registration: SipRegistration): Promise<void> {
    const ofAgent = this.bindings.get(registration.agentId) ?? new Map<string, SipRegistration>();
    this.bindings.set(registration.agentId, ofAgent);
    ofAgent.set(registration.contact, { ...registration });
  }

  async remove(agentId: string, contact?: string): Promise<void> {
    if (contact === undefined) this.bindings.delete(agentId);
    else this.bindings.get(agentId)?.delete(contact);
  }

  async contactsOf(agentId: string, now: number): Promise<string[]> {
    const live = [...(this.bindings.get(agentId)?.values() ?? [])].filter((b) => b.expiresAt > now);
    return live.sort((a, b) => b.registeredAt - a.registeredAt).map((b) => b.contact);
  }

  async registeredAgents(now: number): Promise<number> {
    return [...this.bindings.values()].filter((m) => [...m.values()].some((b) => b.expiresAt > now)).length;
  }

  async expire(now: number): Promise<number> {
    let removed = 0;
    for (const ofAgent of this.bindings.values()) {
      for (const [contact, binding] of ofAgent) {
        if (binding.expiresAt <= now) {
          ofAgent.delete(contact);
          removed += 1;
        }
      }
    }
    return removed;
  }
}
