import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../simulator/simulated-clock.js';
import { parseTelephonyConfig } from './config.js';
import { DigestAuthenticator, digestResponse } from './digest.js';
import { Registrar } from './registrar.js';
import { FakeResponse, fakeRequest } from './testing/fakes.js';
import { MemoryRegistrations } from './testing/memory-registrations.js';

function setup(registrations = new MemoryRegistrations(), engineInstanceId = 'engine-a') {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 7, 9), { idleDriven: false });
  const config = parseTelephonyConfig({
    drachtio: { secret: 's' },
    mediaServers: [{ name: 'fs1', host: 'fs1' }],
    agents: { realm: 'council.example', users: [{ username: '2001', password: 'desk-phone-pw', agentId: 'alice' }], useAgentsTable: true, minExpires: 60, maxExpires: 600 },
  });
  const digest = new DigestAuthenticator('council.example', () => clock.now(), { key: 'k' });
  const fromTable = async (username: string) => (username === '2002' ? { password: 'softphone-pw', agentId: 'bob' } : undefined);
  const registrar = new Registrar(config.agents, digest, clock, registrations, { lookupAgent: fromTable, engineInstanceId });
  return { clock, registrar, registrations };
}

/** A phone's REGISTER, answering the challenge in `challenge` (when given). */
function register(opts: { username: string; password: string; contact: string; expires?: string; challenge?: string }) {
  const headers: Record<string, string> = {
    Contact: opts.contact,
    To: `<sip:${opts.username}@council.example>`,
    From: `<sip:${opts.username}@council.example>`,
    'User-Agent': 'Yealink SIP-T46U 108.86.0.45',
  };
  if (opts.expires !== undefined) headers.Expires = opts.expires;
  if (opts.challenge) {
    const nonce = /nonce="([^"]+)"/.exec(opts.challenge)![1]!;
    const fields = { username: opts.username, realm: 'council.example', nonce, uri: 'sip:council.example', qop: 'auth', nc: '00000001', cnonce: 'xyz' };
    headers.Authorization = `Digest username="${opts.username}", realm="council.example", nonce="${nonce}", uri="sip:council.example", response="${digestResponse('REGISTER', fields, opts.password)}", qop=auth, nc=00000001, cnonce="xyz"`;
  }
  return fakeRequest({ method: 'REGISTER', uri: 'sip:council.example', headers });
}

async function registerWithChallenge(registrar: Registrar, opts: { username: string; password: string; contact: string; expires?: string }) {
  const first = new FakeResponse();
  await registrar.handleRegister(register(opts), first);
  expect(first.sent).toEqual([401]);
  const res = new FakeResponse();
  await registrar.handleRegister(register({ ...opts, challenge: first.headers[0]!['WWW-Authenticate'] }), res);
  return res;
}

describe('Registrar', () => {
  it('challenges, then registers a desk phone with digest auth, granting at most maxExpires', async () => {
    const { registrar } = setup();
    const res = await registerWithChallenge(registrar, { username: '2001', password: 'desk-phone-pw', contact: '<sip:2001@10.1.2.3:5062>', expires: '3600' });
    expect(res.sent).toEqual([200]);
    expect(res.headers[0]).toEqual({ Contact: '<sip:2001@10.1.2.3:5062>;expires=600', Expires: '600' });
    expect(await registrar.contactsOf('alice')).toEqual(['sip:2001@10.1.2.3:5062']);
  });

  it('takes credentials from the agents table too', async () => {
    const { registrar } = setup();
    const res = await registerWithChallenge(registrar, { username: '2002', password: 'softphone-pw', contact: '<sip:2002@10.1.2.4:5060>;expires=120' });
    expect(res.sent).toEqual([200]);
    expect(await registrar.contactsOf('bob')).toEqual(['sip:2002@10.1.2.4:5060']);
  });

  it('refuses a wrong password with 403 and too short an expiry with 423', async () => {
    const { registrar } = setup();
    expect((await registerWithChallenge(registrar, { username: '2001', password: 'guess', contact: '<sip:2001@10.1.2.3>', expires: '600' })).sent).toEqual([403]);
    const brief = await registerWithChallenge(registrar, { username: '2001', password: 'desk-phone-pw', contact: '<sip:2001@10.1.2.3>', expires: '10' });
    expect(brief.sent).toEqual([423]);
    expect(brief.headers[0]).toEqual({ 'Min-Expires': '60' });
    expect(await registrar.contactsOf('alice')).toEqual([]);
  });

  it('forgets a registration when it expires or the phone unregisters', async () => {
    const { registrar, clock } = setup();
    await registerWithChallenge(registrar, { username: '2001', password: 'desk-phone-pw', contact: '<sip:2001@10.1.2.3>', expires: '120' });
    expect(registrar.registeredAgents()).toBe(1);
    await clock.advance(121_000);
    expect(await registrar.contactsOf('alice')).toEqual([]);
    await registrar.sweep();
    expect(registrar.registeredAgents()).toBe(0);
    await registerWithChallenge(registrar, { username: '2001', password: 'desk-phone-pw', contact: '<sip:2001@10.1.2.3>', expires: '120' });
    const bye = await registerWithChallenge(registrar, { username: '2001', password: 'desk-phone-pw', contact: '<sip:2001@10.1.2.3>', expires: '0' });
    expect(bye.sent).toEqual([200]);
    expect(await registrar.contactsOf('alice')).toEqual([]);
  });

  it('answers 400 to a REGISTER without a Contact (drachtio-mw-registration-parser)', async () => {
    const { registrar } = setup();
    const first = new FakeResponse();
    await registrar.handleRegister(register({ username: '2001', password: 'desk-phone-pw', contact: '' }), first);
    const req = register({ username: '2001', password: 'desk-phone-pw', contact: '', challenge: first.headers[0]!['WWW-Authenticate'] });
    const headersWithoutContact = fakeRequest({ method: 'REGISTER', headers: { Authorization: req.get('Authorization')!, To: '<sip:2001@council.example>' } });
    const res = new FakeResponse();
    await registrar.handleRegister(headersWithoutContact, res);
    expect(res.sent).toEqual([400]);
  });

  it('writes each binding through the registrations repository: who registered, from where, on which engine', async () => {
    const { registrar, registrations, clock } = setup();
    await registerWithChallenge(registrar, { username: '2001', password: 'desk-phone-pw', contact: '<sip:2001@10.1.2.3:5062>', expires: '300' });
    expect([...registrations.bindings.get('alice')!.values()]).toEqual([
      {
        agentId: 'alice',
        username: '2001',
        contact: 'sip:2001@10.1.2.3:5062',
        registeredAt: clock.now(),
        expiresAt: clock.now() + 300_000,
        userAgent: 'Yealink SIP-T46U 108.86.0.45',
        source: 'udp/192.0.2.10:5060',
        engineInstanceId: 'engine-a',
      },
    ]);
  });

  it('every engine sees a phone registered through any other engine (one repository), and an unregister through either', async () => {
    const shared = new MemoryRegistrations();
    const a = setup(shared, 'engine-a');
    const b = setup(shared, 'engine-b');
    await registerWithChallenge(a.registrar, { username: '2001', password: 'desk-phone-pw', contact: '<sip:2001@10.1.2.3:5062>', expires: '300' });
    expect(await b.registrar.contactsOf('alice')).toEqual(['sip:2001@10.1.2.3:5062']);
    // The phone's next REGISTER (here an unregister) may reach the other engine: drachtio spreads requests across them.
    await registerWithChallenge(b.registrar, { username: '2001', password: 'desk-phone-pw', contact: '*', expires: '0' });
    expect(await a.registrar.contactsOf('alice')).toEqual([]);
  });

  it('a REGISTER the database cannot take is not acknowledged (the phone tries again)', async () => {
    const broken = new MemoryRegistrations();
    broken.put = async () => {
      throw new Error('connection terminated');
    };
    const { registrar } = setup(broken);
    await expect(registerWithChallenge(registrar, { username: '2001', password: 'desk-phone-pw', contact: '<sip:2001@10.1.2.3>', expires: '300' })).rejects.toThrow('connection terminated');
  });
});
