import { hash, verify, type Options } from '@node-rs/argon2';

/** Hashes and checks the passwords of local users. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed stored hash; never throws on bad input. */
  verify(storedHash: string, password: string): Promise<boolean>;
}

/**
 * argon2id through @node-rs/argon2. The default cost is the library's (19 MiB, 2 passes, OWASP's
 * recommendation); tests pass cheaper options to stay fast. The cost is stored in each hash, so
 * verifying works whatever options made it.
 */
export function argon2Passwords(options: Options = {}): PasswordHasher {
  return {
    hash: (password) => hash(password, options),
    async verify(storedHash, password) {
      try {
        return await verify(storedHash, password);
      } catch {
        return false;
      }
    },
  };
}

/** Cheap argon2 parameters for tests only. */
export const testPasswordOptions: Options = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 10;
