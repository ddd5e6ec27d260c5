/**
 * Sign-in limits (issue 9 item 3) through real HTTP on both databases: reserved before the password is
 * checked, per account, per address (the real client's, behind a trusted proxy) and for everyone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { argon2Passwords, testPasswordOptions, type PasswordHasher } from '../auth/passwords.js';
import { passwordOf, startTestApi, type RunningApi } from './testing/api-harness.js';

/** argon2 with cheap test options, counting how many passwords it was asked to check. */
function countingPasswords(): PasswordHasher & { checked: number } {
  const inner = argon2Passwords(testPasswordOptions);
  const counting = {
    checked: 0,
    hash: (password: string) => inner.hash(password),
    verify: (hash: string, password: string) => {
      counting.checked++;
      return inner.verify(hash, password);
    },
  };
  return counting;
}

describe.each(testDatabases())('sign-in limits ($name)', (backend) => {
  const store = withTestStore(backend);
  let api: RunningApi | undefined;
  let passwords: ReturnType<typeof countingPasswords>;
  const start = async (deps: Parameters<typeof startTestApi>[1] = {}) => {
    passwords = countingPasswords();
    api = await startTestApi(store(), { passwords, ...deps });
    passwords.checked = 0;
    return api;
  };
  /** Every test starts its own API on the same database: each begins with no attempts counted. */
  const forgetAttempts = async () => {
    const accounts = (await store().users.list()).map((u) => `account:${u.id}`);
    const addresses = ['127.0.0.1', '198.51.100.7', '198.51.100.8'].map((a) => `address:${a}`);
    await store().loginThrottle.release([], ['everyone', ...addresses, ...accounts]);
  };
  beforeEach(forgetAttempts);
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  const users = async () => (await store().users.list()).length;

  it('checks at most the per-account limit of 300 concurrent guesses at one account (issue 9: 252 were checked)', async () => {
    const running = await start({ loginLimits: { perAccount: 5, perAddress: 1000, everyone: 1000 } });
    const replies = await Promise.all(Array.from({ length: 300 }, (_, i) => running.login('publisher', `guess number ${i}`)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(295);
    expect(passwords.checked).toBe(5);
    const limited = replies.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.json.detail).toMatch(/this account/);
    // The right password does not get through either until the window has passed.
    expect((await running.login('publisher', passwordOf('publisher'))).status).toBe(429);
    expect(await users()).toBeGreaterThan(0);
  });

  it('limits each client address, seeing the real client behind a trusted proxy only', async () => {
    const guess = (running: RunningApi, client: string, i: number) =>
      running.login(`nobody-${i}`, 'wrong password', { 'x-forwarded-for': client });
    // Not trusted: X-Forwarded-For is ignored, every guess comes from 127.0.0.1.
    let running = await start({ loginLimits: { perAccount: 100, perAddress: 4, everyone: 1000 } });
    const direct = await Promise.all(Array.from({ length: 10 }, (_, i) => guess(running, `203.0.113.${i}`, i)));
    expect(direct.filter((r) => r.status === 401)).toHaveLength(4);
    expect(direct.find((r) => r.status === 429)?.json.detail).toMatch(/your address/);
    await running.close();
    await forgetAttempts();
    // Behind a proxy on loopback that is trusted: each real client has its own limit.
    running = await start({ trustProxy: 'loopback', loginLimits: { perAccount: 100, perAddress: 4, everyone: 1000 } });
    const first = await Promise.all(Array.from({ length: 6 }, (_, i) => guess(running, '198.51.100.7', i)));
    expect(first.filter((r) => r.status === 401)).toHaveLength(4);
    const other = await guess(running, '198.51.100.8', 99);
    expect(other.status).toBe(401);
  });

  it('limits failed sign-ins on the whole service, so a spray from many addresses cannot keep the machine busy', async () => {
    const running = await start({ trustProxy: 'loopback', loginLimits: { perAccount: 100, perAddress: 100, everyone: 12 } });
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => running.login(`sprayed-${i}`, 'wrong password', { 'x-forwarded-for': `192.0.2.${i}` })),
    );
    expect(replies.filter((r) => r.status === 401)).toHaveLength(12);
    expect(replies.find((r) => r.status === 429)?.json.detail).toMatch(/on this service/);
    expect(passwords.checked).toBe(12);
  });

  it('gives back the attempt of a sign-in that succeeds, and forgets the account’s failures', async () => {
    const running = await start({ loginLimits: { perAccount: 2, perAddress: 3, everyone: 1000 } });
    expect((await running.login('designer', 'wrong password 1')).status).toBe(401);
    expect((await running.login('designer', passwordOf('designer'))).status).toBe(200);
    expect((await running.login('designer', 'wrong password 2')).status).toBe(401);
    expect((await running.login('designer', passwordOf('designer'))).status).toBe(200);
    expect((await running.login('designer', passwordOf('designer'))).status).toBe(200);
  });

  // Issue 9: a password typed into the username box was stored verbatim in the audit log.
  it('never stores what was typed as an unknown username in the audit log', async () => {
    const running = await start();
    const typed = 'Tr0ub4dor&3-my-real-password';
    expect((await running.login(typed, 'whatever')).status).toBe(401);
    const audit = await running.call('GET', '/api/audit?action=auth.login-failed&pageSize=500', { as: 'admin' });
    expect(audit.json.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.json)).not.toContain(typed);
    expect(audit.json.items[0]).toMatchObject({ actor: 'unknown-user', entityId: 'unknown', after: { reason: 'no such user' } });
    expect((await running.login('viewer', 'wrong password')).status).toBe(401);
    const known = await running.call('GET', '/api/audit?action=auth.login-failed&pageSize=1', { as: 'admin' });
    expect(known.json.items[0]).toMatchObject({ actor: 'viewer', after: { address: '127.0.0.1' } });
  });
});
