/**
 * A throwaway engine database in this process's memory, for runs with no engine behind them (the CLI's
 * calls and flow tests, node tests, benches) that still go through the real ACD: the embedded PGlite,
 * migrated, served on a local socket like the engine's own. Creating and migrating a PGlite database
 * takes seconds (initdb in WebAssembly), so the migrated database is kept as a snapshot on disk, keyed by
 * the migrations' checksums, and later runs start from it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from './database.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { migrate, readMigrations } from './migrate.js';

/** Where migrated snapshots are kept (FRONTDOOR_CACHE_DIR, else the system's temporary folder). */
export const snapshotDir = (): string => process.env.FRONTDOOR_CACHE_DIR ?? join(tmpdir(), 'frontdoor-cache');

function snapshotFile(): string {
  const key = createHash('sha256')
    .update(readMigrations().map((m) => `${m.file}:${m.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return join(snapshotDir(), `pglite-migrated-${key}.tgz`);
}

function readSnapshot(file: string): Blob | undefined {
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    return undefined;
  }
}

export async function openScratchDatabase(options: { poolSize?: number } = {}): Promise<Database & { fromSnapshot: boolean }> {
  const poolSize = options.poolSize ?? 4;
  const file = snapshotFile();
  const snapshot = readSnapshot(file);
  const embedded = await startEmbeddedPostgres({ maxConnections: poolSize + 4, ...(snapshot ? { snapshot } : {}) });
  const pool = new pg.Pool({ connectionString: embedded.url, max: poolSize });
  pool.on('error', () => undefined);
  try {
    const { applied } = await migrate(pool);
    if (applied.length > 0) {
      // Kept for next time; written whole then renamed, so a reader never sees half a file.
      try {
        mkdirSync(snapshotDir(), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, Buffer.from(await (await embedded.dump()).arrayBuffer()));
        renameSync(temporary, file);
      } catch {
        // No snapshot this time: the next run migrates again.
      }
    }
  } catch (error) {
    await pool.end();
    await embedded.close();
    throw error;
  }
  return {
    kind: 'embedded',
    pool,
    url: embedded.url,
    startupMs: embedded.startupMs,
    fromSnapshot: snapshot !== undefined,
    async close() {
      await pool.end();
      await embedded.close();
    },
  };
}
