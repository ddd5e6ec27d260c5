/**
 * `frontdoor admin …`: look after local users from the server's shell, e.g. the first admin:
 *
 *   printf '%s' "$PASSWORD" | npx frontdoor admin create --username alice --password-stdin
 *
 * Works on the same database the engine uses (config file, DATABASE_URL, FRONTDOOR_DATA_DIR). The
 * embedded database can be opened by one process at a time: stop the engine first, or use the API.
 */
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/storage/postgres/database.js';
import { migrate } from '../adapters/storage/postgres/migrate.js';
import { createPostgresStore } from '../adapters/storage/postgres/postgres-store.js';
import { argon2Passwords } from '../auth/passwords.js';
import { passwordProblem } from '../auth/password-policy.js';
import { loadConfig } from '../config/config.js';
import type { Role, Store } from '../ports/store.js';
import { EXIT, line, type CliIo } from './io.js';

const ROLES: readonly Role[] = ['viewer', 'designer', 'publisher', 'admin'];
const ACTOR = 'system:admin-cli';

const HELP = `frontdoor admin — local users

  frontdoor admin create --username NAME --password-stdin [--role admin|publisher|designer|viewer]
  frontdoor admin set-password --username NAME --password-stdin [--revoke-tokens]
  frontdoor admin list

The password is read from standard input (never from the command line, where others can see it).`;

const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

export async function runAdminCommand(argv: string[], io: CliIo = processIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const [action, ...rest] = argv;
  let values: { username?: string; role?: string; 'password-stdin'?: boolean; 'revoke-tokens'?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { username: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, 'revoke-tokens': { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    line(io.stderr, `frontdoor admin: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.unreadable;
  }
  if (action !== 'create' && action !== 'set-password' && action !== 'list') {
    line(action === undefined ? io.stdout : io.stderr, action === undefined ? HELP : `frontdoor admin: unknown action "${action}"\n\n${HELP}`);
    return EXIT.unreadable;
  }
  const role = (values.role ?? 'admin') as Role;
  if (!ROLES.includes(role)) {
    line(io.stderr, `frontdoor admin: --role must be one of ${ROLES.join(', ')}`);
    return EXIT.unreadable;
  }
  let password = '';
  if (action !== 'list') {
    if (!values.username) return usage(io, '--username is required');
    if (!values['password-stdin']) return usage(io, '--password-stdin is required: pipe the password in');
    password = (await text(io.stdin)).replace(/\r?\n$/, '');
    const problem = passwordProblem(password, values.username);
    if (problem) {
      line(io.stderr, `frontdoor admin: the password ${problem}`);
      return EXIT.failed;
    }
  }

  const config = loadConfig({ env });
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: 2 });
  let store: Store | undefined;
  try {
    await migrate(database.pool);
    store = await createPostgresStore(database, { logger: { info: () => undefined, warn: (m) => line(io.stderr, m) } });
    const passwords = argon2Passwords();
    if (action === 'list') {
      for (const user of await store.users.list()) line(io.stdout, `${user.username}\t${user.role}${user.disabled ? '\tdisabled' : ''}`);
      return EXIT.ok;
    }
    const username = values.username!;
    if (action === 'create') {
      const created = await store.users.create({ username, passwordHash: await passwords.hash(password), role }, ACTOR);
      if (created.kind === 'exists') {
        line(io.stderr, `frontdoor admin: a user called "${username}" already exists (use set-password to change the password)`);
        return EXIT.failed;
      }
      line(io.stdout, `created ${role} "${created.user.username}"`);
      return EXIT.ok;
    }
    const user = await store.users.byUsername(username);
    if (!user) {
      line(io.stderr, `frontdoor admin: there is no user called "${username}"`);
      return EXIT.failed;
    }
    const revokeTokens = values['revoke-tokens'] === true;
    await store.users.update(user.id, { passwordHash: await passwords.hash(password), ...(revokeTokens ? { revokeTokens } : {}) }, ACTOR);
    line(io.stdout, `changed the password of "${user.username}" (their sessions are signed out${revokeTokens ? ' and their API tokens revoked' : ''})`);
    return EXIT.ok;
  } finally {
    await store?.close();
    await database.close();
  }
}

function usage(io: CliIo, problem: string): number {
  line(io.stderr, `frontdoor admin: ${problem}\n\n${HELP}`);
  return EXIT.unreadable;
}
