import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioCache } from './audio-cache.js';

const root = mkdtempSync(join(tmpdir(), 'frontdoor-audio-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const wavFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.wav'));

describe('AudioCache', () => {
  it('keeps its files in a folder only this user can open, named so nobody outside can work the name out', async () => {
    const dir = join(root, 'private');
    const cache = new AudioCache({ dir, maxBytes: 1_000 });
    await cache.put(['en-gb', 8000, 'Hello'], Buffer.from('audio'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [name] = wavFiles(dir);
    expect(statSync(join(dir, name!)).mode & 0o777).toBe(0o600);
    // Not the plain hash of what was said (the old, predictable name): an HMAC under this cache's own key.
    expect(name).not.toBe(`${createHash('sha256').update(JSON.stringify(['en-gb', 8000, 'Hello'])).digest('hex')}.wav`);
    const other = new AudioCache({ dir: join(root, 'other'), maxBytes: 1_000 });
    await other.put(['en-gb', 8000, 'Hello'], Buffer.from('audio'));
    expect(wavFiles(join(root, 'other'))).not.toEqual(wavFiles(dir));
    // The same folder opened again (a restart) finds what it kept.
    expect((await new AudioCache({ dir, maxBytes: 1_000 }).get(['en-gb', 8000, 'Hello']))?.toString()).toBe('audio');
  });

  it('stays within its size, dropping the least recently used first', async () => {
    const dir = join(root, 'bounded');
    const cache = new AudioCache({ dir, maxBytes: 300 });
    for (const word of ['one', 'two', 'three']) await cache.put([word], Buffer.alloc(100, word));
    expect(await cache.get(['one'])).toBeDefined(); // "one" is now the most recently used
    await cache.put(['four'], Buffer.alloc(100));
    expect(cache.size).toEqual({ files: 3, bytes: 300 });
    expect(await cache.get(['two'])).toBeUndefined();
    expect(await cache.get(['one'])).toBeDefined();
    expect(wavFiles(dir)).toHaveLength(3);
    await cache.put(['huge'], Buffer.alloc(301));
    expect(await cache.get(['huge'])).toBeUndefined();
    expect(cache.size.bytes).toBeLessThanOrEqual(300);
  });
});
