import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretSource } from '../ports/secrets.js';
import type { Actor, SecretInfo, SecretRepository } from '../ports/store.js';

/** Format of a sealed value: version 1, then the 12-byte IV, the 16-byte GCM tag and the ciphertext. */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRETS_KEY_BYTES = 32;

/**
 * The key secrets are sealed with, from `file` (base64 of 32 bytes). On first start there is none:
 * one is made with 32 random bytes and written readable by this user only (0600). Every engine that
 * shares a database needs the same key file; a key file others can read is named in `warnings`.
 */
export function loadSecretsKey(file: string): { key: Buffer; created: boolean; warnings: string[] } {
  const warnings: string[] = [];
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const key = randomBytes(SECRETS_KEY_BYTES);
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return { key, created: true, warnings };
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== SECRETS_KEY_BYTES) {
    throw new Error(`${file}: the secrets key must be ${SECRETS_KEY_BYTES} bytes written in base64 (e.g. openssl rand -base64 32)`);
  }
  if ((statSync(file).mode & 0o077) !== 0) warnings.push(`${file}: the secrets key can be read by other users: chmod 600 it`);
  return { key, created: false, warnings };
}

const additionalData = (name: string) => Buffer.from(`frontdoor secret ${name}`, 'utf8');

/** AES-256-GCM, bound to the secret's name (a sealed value moved to another name does not open). */
export function seal(key: Buffer, name: string, value: string): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(name));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]));
}

/** The value, or undefined when the sealed bytes do not open with this key and name (wrong key, tampered, moved). */
export function unseal(key: Buffer, name: string, sealed: Uint8Array): string | undefined {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(additionalData(name));
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * Secrets as the engine uses them: sealed before they reach the store, opened only by `reveal` (the
 * flows' SecretSource port, at run time). Nothing here returns a value to the API.
 */
export class SecretVault implements SecretSource {
  constructor(
    private readonly store: SecretRepository,
    private readonly key: Buffer,
    private readonly onUnreadable: (name: string) => void = () => undefined,
  ) {}

  list(): Promise<SecretInfo[]> {
    return this.store.list();
  }

  put(name: string, value: string, description: string, actor: Actor) {
    return this.store.put(name, { sealed: seal(this.key, name, value), description }, actor);
  }

  delete(name: string, actor: Actor) {
    return this.store.delete(name, actor);
  }

  async reveal(name: string): Promise<string | undefined> {
    const sealed = await this.store.sealed(name);
    if (!sealed) return undefined;
    const value = unseal(this.key, name, sealed);
    // Sealed under another key (an engine with a different key file): say so, and treat it as missing.
    if (value === undefined) this.onUnreadable(name);
    return value;
  }
}
