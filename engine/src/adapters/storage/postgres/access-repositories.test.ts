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
});
