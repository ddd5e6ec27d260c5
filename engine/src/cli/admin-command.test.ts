import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../adapters/storage/postgres/database.js';
import { createPostgresStore } from '../adapters/storage/postgres/postgres-store.js';
import { argon2Passwords } from '../auth/passwords.js';
import { runAdminCommand } from './admin-command.js';

const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-admin-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function admin(argv: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await runAdminCommand(
    argv,
    { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, stdin: Readable.from([stdin]) },
    { FRONTDOOR_DATA_DIR: dataDir },
  );
  return { code, stdout, stderr };
}

describe('frontdoor admin', () => {
  it('creates the first admin with a password from stdin, refuses a duplicate, changes a password, lists users', async () => {
    expect(await admin(['create', '--username', 'alice', '--password-stdin'], 'correct horse battery\n')).toEqual({ code: 0, stdout: 'created admin "alice"\n', stderr: '' });
    expect((await admin(['create', '--username', 'ALICE', '--password-stdin'], 'another password')).stderr).toMatch(/already exists/);
    expect((await admin(['set-password', '--username', 'alice', '--password-stdin'], 'a new long password')).code).toBe(0);
    expect(await admin(['list'])).toMatchObject({ code: 0, stdout: 'alice\tadmin\n' });

    const database = await openDatabase({ dataDir, poolSize: 2 });
    const store = await createPostgresStore(database, { logger: { info: () => undefined, warn: () => undefined } });
    try {
      const alice = await store.users.byUsername('alice');
      expect(alice?.role).toBe('admin');
      expect(await argon2Passwords().verify(alice!.passwordHash, 'a new long password')).toBe(true);
      expect((await store.audit.list({ actor: 'system:admin-cli' }, { page: 1, pageSize: 10 })).items.map((e) => e.action)).toEqual(['user.update', 'user.create']);
    } finally {
      await store.close();
      await database.close();
    }
  }, 60_000);

  it('says what is wrong with the command line before touching the database', async () => {
    expect((await admin(['create', '--username', 'bob'])).stderr).toMatch(/--password-stdin is required/);
    expect((await admin(['create', '--username', 'bob', '--password-stdin'], 'short')).stderr).toMatch(/at least 10 characters/);
    expect((await admin(['create', '--username', 'bob', '--password-stdin'], 'aaaaaaaaaa')).stderr).toMatch(/too easy to guess/);
    expect((await admin(['create', '--username', 'bob', '--password-stdin', '--role', 'owner'], 'long enough pw')).stderr).toMatch(/--role must be one of/);
    expect((await admin(['create', '--nonsense'])).code).toBe(2);
    expect((await admin(['destroy'])).stderr).toMatch(/unknown action "destroy"/);
  });
});
