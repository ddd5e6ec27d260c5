import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSecretsKey, seal, unseal } from './secret-vault.js';

const dir = mkdtempSync(join(tmpdir(), 'frontdoor-vault-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secret vault', () => {
  it('makes a key on first start, readable by this user only, and reads the same key back', () => {
    const file = join(dir, 'data', 'secrets.key');
    const first = loadSecretsKey(file);
    expect(first).toMatchObject({ created: true, warnings: [] });
    expect(first.key).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadSecretsKey(file);
    expect(again.created).toBe(false);
    expect(again.key.equals(first.key)).toBe(true);
  });

  it('refuses a key of the wrong size, and warns about one others can read', () => {
    writeFileSync(join(dir, 'short.key'), Buffer.alloc(16).toString('base64'));
    expect(() => loadSecretsKey(join(dir, 'short.key'))).toThrow(/must be 32 bytes/);
    writeFileSync(join(dir, 'open.key'), Buffer.alloc(32, 7).toString('base64'), { mode: 0o644 });
    expect(loadSecretsKey(join(dir, 'open.key')).warnings[0]).toMatch(/chmod 600/);
  });

  it('seals with AES-256-GCM: the value is not in the bytes, and opens only with the same key and name', () => {
    const { key } = loadSecretsKey(join(dir, 'data', 'secrets.key'));
    const sealed = seal(key, 'COUNCIL_KEY', 'sk_live_very_secret');
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('sk_live');
    expect(unseal(key, 'COUNCIL_KEY', sealed)).toBe('sk_live_very_secret');
    expect(unseal(key, 'OTHER_NAME', sealed)).toBeUndefined();
    expect(unseal(Buffer.alloc(32, 1), 'COUNCIL_KEY', sealed)).toBeUndefined();
    const tampered = new Uint8Array(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(unseal(key, 'COUNCIL_KEY', tampered)).toBeUndefined();
    expect(seal(key, 'COUNCIL_KEY', 'x')).not.toEqual(seal(key, 'COUNCIL_KEY', 'x'));
    expect(readFileSync(join(dir, 'data', 'secrets.key'), 'utf8')).not.toContain('sk_live');
  });
});
