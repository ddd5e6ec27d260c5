import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from './auth/passwords.js';
import { passwordProblem } from './auth/password-policy.js';
import type { EngineLogger } from './ports/logger.js';
import type { Store } from './ports/store.js';

export const FIRST_ADMIN = 'admin';

/**
 * On a database with no users, create the first administrator so that `npm start` on a fresh machine
 * leads straight to a sign-in: with FRONTDOOR_ADMIN_PASSWORD when it is set (containers, automation),
 * else a random password printed once. Nothing happens once any user exists.
 */
export async function ensureFirstAdmin(
  store: Store,
  passwords: PasswordHasher,
  env: Record<string, string | undefined>,
  logger: EngineLogger,
): Promise<void> {
  if ((await store.users.count()) > 0) return;
  const given = env.FRONTDOOR_ADMIN_PASSWORD;
  const problem = given === undefined ? undefined : passwordProblem(given, FIRST_ADMIN);
  if (problem) throw new Error(`FRONTDOOR_ADMIN_PASSWORD ${problem}`);
  const password = given ?? randomBytes(12).toString('base64url');
  const created = await store.users.create(
    { username: FIRST_ADMIN, passwordHash: await passwords.hash(password), role: 'admin' },
    'system:first-start',
  );
  if (created.kind !== 'created') return;
  logger.info(
    given === undefined
      ? `first start: sign in as "${FIRST_ADMIN}" with password ${password} — shown only now; change it on the designer's Users screen, or with \`npx frontdoor admin set-password --username ${FIRST_ADMIN} --password-stdin\` while the engine is stopped`
      : `first start: created user "${FIRST_ADMIN}" with the password in FRONTDOOR_ADMIN_PASSWORD`,
  );
}
