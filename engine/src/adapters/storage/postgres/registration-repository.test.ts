import { describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from './test-databases.js';

const T0 = Date.UTC(2026, 0, 7, 9);
const phone = (agentId: string, contact: string, registeredAt: number, seconds: number, engineInstanceId = 'engine-a') => ({
  agentId,
  username: agentId === 'alice' ? '2001' : '2002',
  contact,
  registeredAt,
  expiresAt: registeredAt + seconds * 1000,
  userAgent: 'baresip v1.0.0',
  source: 'udp/127.0.0.1:5070',
  engineInstanceId,
});

describe.each(testDatabases())('SIP registrations ($name)', (backend) => {
  const store = withTestStore(backend);

  it('keeps one row per agent and contact: a refresh moves its expiry, the newest registration comes first', async () => {
    const { registrations } = store();
    await registrations.put(phone('alice', 'sip:2001@10.1.2.3:5062', T0, 300));
    await registrations.put(phone('alice', 'sip:2001@10.9.9.9:5060', T0 + 1_000, 300, 'engine-b'));
    expect(await registrations.contactsOf('alice', T0 + 2_000)).toEqual(['sip:2001@10.9.9.9:5060', 'sip:2001@10.1.2.3:5062']);
    await registrations.put(phone('alice', 'sip:2001@10.1.2.3:5062', T0 + 5_000, 300));
    expect(await registrations.contactsOf('alice', T0 + 6_000)).toEqual(['sip:2001@10.1.2.3:5062', 'sip:2001@10.9.9.9:5060']);
    // The first binding's refresh carried it past the second's expiry.
    expect(await registrations.contactsOf('alice', T0 + 302_000)).toEqual(['sip:2001@10.1.2.3:5062']);
    await registrations.remove('alice');
    expect(await registrations.contactsOf('alice', T0)).toEqual([]);
  });

  it('counts agents with a live phone, removes one contact, and sweeps expired bindings by the clock it is given', async () => {
    const { registrations } = store();
    await registrations.put(phone('bob', 'sip:2002@10.1.2.4:5060', T0, 60));
    await registrations.put(phone('bob', 'sip:2002@10.1.2.5:5060', T0, 600));
    await registrations.put(phone('alice', 'sip:2001@10.1.2.3:5062', T0, 120));
    expect(await registrations.registeredAgents(T0)).toBe(2);
    expect(await registrations.registeredAgents(T0 + 120_000)).toBe(1);
    expect(await registrations.expire(T0 + 120_000)).toBe(2);
    expect(await registrations.contactsOf('bob', T0)).toEqual(['sip:2002@10.1.2.5:5060']);
    await registrations.remove('bob', 'sip:2002@10.1.2.5:5060');
    expect(await registrations.registeredAgents(T0)).toBe(0);
  });
});
