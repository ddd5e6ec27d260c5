import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AudioCacheOptions {
  /** A folder of this engine's own (in its data directory), created 0700 if missing. */
  dir: string;
  /** The most the cached files may add up to; the least recently used go first. */
  maxBytes: number;
}

const KEY_FILE = '.cache-key';

/**
 * Rendered audio on disk, bounded in size (least recently used files are deleted first). Files are
 * named by an HMAC of what was rendered under a random key kept in the folder (0600), so nobody outside
 * can work out which file a text will be read from, and so plant one; the folder itself is 0700.
 */
export class AudioCache {
  private readonly key: Buffer;
  /** File name → size, in order of last use (oldest first). */
  private readonly entries = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly options: AudioCacheOptions) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    chmodSync(options.dir, 0o700);
    this.key = loadOrCreateKey(join(options.dir, KEY_FILE));
    const files = readdirSync(options.dir)
      .filter((name) => name.endsWith('.wav'))
      .map((name) => ({ name, stat: statSync(join(options.dir, name)) }))
      .sort((a, b) => a.stat.atimeMs - b.stat.atimeMs);
    for (const { name, stat } of files) this.remember(name, stat.size);
    void this.evict();
  }

  /** The cached bytes for `parts` (e.g. voice, rate, text), if any. */
  async get(parts: readonly unknown[]): Promise<Buffer | undefined> {
    const name = this.fileName(parts);
    if (!this.entries.has(name)) return undefined;
    const bytes = await readFile(join(this.options.dir, name)).catch(() => undefined);
    if (bytes) this.remember(name, bytes.length);
    else this.forget(name);
    return bytes;
  }

  async put(parts: readonly unknown[], bytes: Buffer): Promise<void> {
    if (bytes.length > this.options.maxBytes) return;
    const name = this.fileName(parts);
    const file = join(this.options.dir, name);
    const partial = `${file}.${randomBytes(6).toString('hex')}.partial`;
    await writeFile(partial, bytes, { mode: 0o600 });
    await rename(partial, file);
    this.remember(name, bytes.length);
    await this.evict();
  }

  /** Files and bytes held now. */
  get size(): { files: number; bytes: number } {
    return { files: this.entries.size, bytes: this.bytes };
  }

  private fileName(parts: readonly unknown[]): string {
    return `${createHmac('sha256', this.key).update(JSON.stringify(parts)).digest('hex')}.wav`;
  }

  private remember(name: string, size: number): void {
    this.forget(name);
    this.entries.set(name, size);
    this.bytes += size;
  }

  private forget(name: string): void {
    const size = this.entries.get(name);
    if (size === undefined) return;
    this.entries.delete(name);
    this.bytes -= size;
  }

  private async evict(): Promise<void> {
    while (this.bytes > this.options.maxBytes) {
      const oldest = this.entries.keys().next().value!;
      this.forget(oldest);
      await rm(join(this.options.dir, oldest), { force: true });
    }
  }
}

function loadOrCreateKey(file: string): Buffer {
  try {
    const key = readFileSync(file);
    if (key.length === 32) return key;
  } catch {
    // No key yet: make one.
  }
  const key = randomBytes(32);
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
