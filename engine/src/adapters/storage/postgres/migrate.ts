import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type pg from 'pg';

/**
 * Applies migrations/NNNN_name.sql in order (each one not applied yet), each in its own transaction together with its row in
 * schema_migrations (version, name, sha256). A session advisory lock keeps two engines starting at once
 * from migrating together. Refuses to run when an applied migration's file has changed or gone: a
 * schema that no longer matches its files is not something to start on.
 *
 * (node-pg-migrate has the lock but no checksums; postgrator has checksums but no lock and records a
 * migration outside the transaction that applies it — hence this small runner.)
 */
export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../../../../migrations');

/** pg_advisory_lock key: "frontdoor" in ASCII, as a bigint. */
const MIGRATION_LOCK = 0x66726f6e74646f6fn.toString();

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new MigrationError(`${join(dir, file)}: migration files are named NNNN_lower_snake_name.sql`);
      const sql = readFileSync(join(dir, file), 'utf8');
      return { version: Number(match[1]), name: match[2]!, file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
  // Numbers are handed out ahead to changes made side by side, so a gap is allowed (its migration may
  // land later, and is applied then); two files with one number are not.
  migrations.forEach((migration, index) => {
    const before = migrations[index - 1];
    if (migration.version < 1 || (before && before.version === migration.version)) {
      throw new MigrationError(`${join(dir, migration.file)}: migration number ${String(migration.version).padStart(4, '0')} is used twice (or is 0000)`);
    }
  });
  return migrations;
}

export async function migrate(pool: pg.Pool, options: { dir?: string } = {}): Promise<{ applied: string[] }> {
  const migrations = readMigrations(options.dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      for (const row of rows) {
        const file = migrations.find((m) => m.version === row.version);
        const label = `${String(row.version).padStart(4, '0')}_${row.name}.sql`;
        if (!file) throw new MigrationError(`migration ${label} was applied to this database but its file is missing: this engine is older than the database`);
        if (file.checksum !== row.checksum) {
          throw new MigrationError(`migration ${label} has changed since it was applied (checksum differs): restore the file and put the change in a new migration`);
        }
      }
      const applied: string[] = [];
      const done = new Set(rows.map((row) => row.version));
      for (const migration of migrations.filter((m) => !done.has(m.version))) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            migration.checksum,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new MigrationError(`migration ${migration.file} failed: ${(error as Error).message}`);
        }
        applied.push(migration.file);
      }
      return { applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
