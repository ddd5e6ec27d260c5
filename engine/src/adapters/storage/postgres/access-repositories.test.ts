/** The access side of the store (users, tokens, audit, login limits, secrets) on both databases: issue 9's findings. */
import { describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from './test-databases.js';

describe.each(testDatabases())('access repositories ($name)', (backend) => {
  const store = withTestStore(backend);

  it('lists the audit log newest first by number, not as text (10 after 9)', async () => {
    for (let i = 0; i < 12; i++) await store().audit.record({ actor: 'ordering', action: 'test.order', entityType: 'test', entityId: String(i) });
    const { items } = await store().audit.list({ actor: 'ordering' }, { page: 1, pageSize: 20 });
    expect(items.map((e) => e.entityId)).toEqual(['11', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    const ids = items.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it('revokes every API token of a user along with a password change, when asked', async () => {
    const created = await store().users.create({ username: 'tokened', passwordHash: '$argon2id$fake', role: 'publisher' }, 'test');
    if (created.kind !== 'created') throw new Error('expected created');
    const id = created.user.id;
    for (const [name, hash] of [['ci', 'e'], ['deploy', 'f']] as const) {
      await store().apiTokens.create({ name, userId: id, tokenHash: hash.repeat(64), prefix: 'fd_x' }, 'test');
    }
    await store().users.update(id, { passwordHash: '$argon2id$new' }, 'test');
    expect(await store().apiTokens.find('e'.repeat(64))).toBeDefined();
    await store().users.update(id, { passwordHash: '$argon2id$newer', revokeTokens: true }, 'test');
    expect(await store().apiTokens.find('e'.repeat(64))).toBeUndefined();
    expect(await store().apiTokens.find('f'.repeat(64))).toBeUndefined();
    const [last] = (await store().audit.list({ entityType: 'user', entityId: id }, { page: 1, pageSize: 1 })).items;
    expect(last?.after).toMatchObject({ passwordChanged: true, tokensRevoked: 2 });
  });

  // Issue 9: 300 concurrent guesses at one account, 252 were checked against the password.
  it('counts concurrent sign-in attempts one by one: no more than the limit get through', async () => {
    const limits = [{ key: 'account:race', max: 5, windowMs: 60_000 }, { key: 'address:race', max: 50, windowMs: 60_000 }];
    const results = await Promise.all(Array.from({ length: 60 }, () => store().loginThrottle.reserve(limits)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    const refused = results.find((r) => !r.allowed);
    expect(refused).toMatchObject({ allowed: false, key: 'account:race' });
    expect(refused && !refused.allowed && refused.retryAfterMs).toBeGreaterThan(50_000);
    // A refused attempt counted nothing against the other limits.
    const address = await store().loginThrottle.reserve([{ key: 'address:race', max: 6, windowMs: 60_000 }]);
    expect(address).toEqual({ allowed: true });
  });

  it('gives a reservation back when the sign-in succeeds, and forgets an account on reset', async () => {
    const limit = (key: string) => [{ key, max: 2, windowMs: 60_000 }];
    expect(await store().loginThrottle.reserve(limit('account:ok'))).toEqual({ allowed: true });
    expect(await store().loginThrottle.reserve(limit('account:ok'))).toEqual({ allowed: true });
    await store().loginThrottle.release(['account:ok'], []);
    expect(await store().loginThrottle.reserve(limit('account:ok'))).toEqual({ allowed: true });
    expect((await store().loginThrottle.reserve(limit('account:ok'))).allowed).toBe(false);
    await store().loginThrottle.release([], ['account:ok']);
    expect(await store().loginThrottle.reserve(limit('account:ok'))).toEqual({ allowed: true });
  });

  it('starts a new window once the old one is over', async () => {
    const limit = [{ key: 'account:window', max: 1, windowMs: 200 }];
    expect(await store().loginThrottle.reserve(limit)).toEqual({ allowed: true });
    expect((await store().loginThrottle.reserve(limit)).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store().loginThrottle.reserve(limit)).toEqual({ allowed: true });
  });

  it('keeps secrets sealed, lists only names and metadata, and audits changes without the value', async () => {
    const sealed = new Uint8Array([1, 2, 3, 250]);
    expect(await store().secrets.put('COUNCIL_API_KEY', { sealed, description: 'Back office' }, 'admin')).toMatchObject({
      kind: 'created',
      secret: { name: 'COUNCIL_API_KEY', description: 'Back office', updatedBy: 'admin' },
    });
    expect(await store().secrets.sealed('COUNCIL_API_KEY')).toEqual(sealed);
    expect((await store().secrets.put('COUNCIL_API_KEY', { sealed: new Uint8Array([9]), description: '' }, 'root')).kind).toBe('replaced');
    expect(await store().secrets.sealed('COUNCIL_API_KEY')).toEqual(new Uint8Array([9]));
    expect((await store().secrets.list()).map((s) => s.name)).toContain('COUNCIL_API_KEY');
    expect(JSON.stringify(await store().secrets.list())).not.toMatch(/sealed/);
    await expect(store().secrets.put('not a name', { sealed, description: '' }, 'admin')).rejects.toThrow();
    expect(await store().secrets.delete('COUNCIL_API_KEY', 'admin')).toEqual({ kind: 'deleted' });
    expect(await store().secrets.delete('COUNCIL_API_KEY', 'admin')).toEqual({ kind: 'notFound' });
    const trail = await store().audit.list({ entityType: 'secret', entityId: 'COUNCIL_API_KEY' }, { page: 1, pageSize: 10 });
    expect(trail.items.map((e) => e.action)).toEqual(['secret.delete', 'secret.replace', 'secret.create']);
  });
});
