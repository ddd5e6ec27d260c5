import { createHash, randomBytes } from 'node:crypto';

/** Prefix of API tokens, so they are recognisable in a secret scanner or a leaked log. */
export const API_TOKEN_PREFIX = 'fd_';

/** A new session id: 32 random bytes, base64url. Only its hash is stored. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** A new API token: `fd_` + 32 random bytes, base64url. Shown once; only its hash is stored. */
export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * How session ids and API tokens are stored: SHA-256, hex. They are 256-bit random values, so a fast
 * hash is enough (argon2 is for passwords people choose) and lets us look them up by hash.
 */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
