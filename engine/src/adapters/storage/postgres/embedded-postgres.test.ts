import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from './database.js';
import { DataDirInUseError, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

describe('the embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-embedded-'));
  let embedded: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    // A lock left by a process that no longer exists (a killed engine) is taken over.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dataDir, 'frontdoor.pid'), String(dead));
    embedded = await startEmbeddedPostgres({ dataDir, maxConnections: 8 });
    pool = new pg.Pool({ connectionString: embedded.url, max: 4 });
    await pool.query('CREATE TABLE caller_notes (id int PRIMARY KEY, note text NOT NULL)');
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await embedded?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second engine on the same data directory', async () => {
    await expect(startEmbeddedPostgres({ dataDir, maxConnections: 4 })).rejects.toThrow(DataDirInUseError);
    await expect(startEmbeddedPostgres({ dataDir, maxConnections: 4 })).rejects.toThrow(`in use by process ${process.pid}`);
  });

  it('keeps parameterised queries from different connections apart', async () => {
    // Different statements and transactions (whose BEGIN, a simple query, drops the unnamed prepared statement), interleaved.
    const asked = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0
        ? pool.query('SELECT $1::int AS n, $2::text AS s', [i, `caller ${i}`])
        : i % 3 === 1
          ? pool.query('SELECT $1::text AS s, $2::int + 1 AS n, now() IS NOT NULL AS t', [`caller ${i}`, i])
          : inTransaction(pool, async (client) => {
              await client.query('INSERT INTO caller_notes VALUES ($1, $2)', [1000 + i, `note ${i}`]);
              return client.query('SELECT note AS n FROM caller_notes WHERE id = $1', [1000 + i]);
            }),
    );
    const rows = (await Promise.all(asked)).map((r) => r.rows[0]);
    expect(rows).toEqual(
      Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? { n: i, s: `caller ${i}` } : i % 3 === 1 ? { s: `caller ${i}`, n: i + 1, t: true } : { n: `note ${i}` })),
    );
    await pool.query('DELETE FROM caller_notes');
  });

  it('rolls back the transaction of a connection that dies, and serves the others', async () => {
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    client.on('error', () => undefined);
    await client.query('BEGIN');
    await client.query('INSERT INTO caller_notes VALUES ($1, $2)', [1, 'never committed']);
    const waiting = pool.query<{ n: number }>('SELECT count(*)::int AS n FROM caller_notes');
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await waiting).rows[0]).toEqual({ n: 0 });
    await pool.query('INSERT INTO caller_notes VALUES ($1, $2)', [1, 'committed']);
    expect((await pool.query('SELECT note FROM caller_notes')).rows).toEqual([{ note: 'committed' }]);
  });
});
