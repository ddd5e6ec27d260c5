import { describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from './adapters/storage/postgres/test-databases.js';
import { argon2Passwords, testPasswordOptions } from './auth/passwords.js';
import { ensureFirstAdmin } from './first-admin.js';

const passwords = argon2Passwords(testPasswordOptions);

// One backend is enough: this is the start-up rule, not SQL.
describe.each(testDatabases().slice(0, 1))('the first administrator ($name)', (backend) => {
  const store = withTestStore(backend);
  const said: string[] = [];
  const logger = { info: (m: string) => said.push(m), warn: () => undefined, error: () => undefined };

  it('refuses a FRONTDOOR_ADMIN_PASSWORD that is too short or easy to guess, by name, and creates no one', async () => {
    await expect(ensureFirstAdmin(store(), passwords, { FRONTDOOR_ADMIN_PASSWORD: 'short' }, logger)).rejects.toThrow(
      'FRONTDOOR_ADMIN_PASSWORD must be at least 10 characters',
    );
    await expect(ensureFirstAdmin(store(), passwords, { FRONTDOOR_ADMIN_PASSWORD: 'aaaaaaaaaa' }, logger)).rejects.toThrow(
      /FRONTDOOR_ADMIN_PASSWORD is too easy to guess/,
    );
    expect(await store().users.count()).toBe(0);
  });

  it('is created on an empty database with a random password that is printed once and works', async () => {
    await ensureFirstAdmin(store(), passwords, {}, logger);
    const password = /with password (\S+) /.exec(said[0] ?? '')?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const admin = await store().users.byUsername('admin');
    expect(admin?.role).toBe('admin');
    expect(await passwords.verify(admin!.passwordHash, password!)).toBe(true);
  });

  it('is never created again once a user exists', async () => {
    await ensureFirstAdmin(store(), passwords, { FRONTDOOR_ADMIN_PASSWORD: 'another long password' }, logger);
    expect(said).toHaveLength(1);
    expect(await store().users.count()).toBe(1);
  });
});
