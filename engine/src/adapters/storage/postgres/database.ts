import pg from 'pg';
import type { DatabaseKind } from '../../../ports/store.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

// timestamptz → Date is pg's default; numeric (wait/talk seconds) and int8 (counts) → number.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface Database {
  kind: DatabaseKind;
  pool: pg.Pool;
  /** Where `pg` connects (the embedded server's local URL, or DATABASE_URL). */
  url: string;
  /** Embedded only: PGlite's cold start in ms. */
  startupMs?: number;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A real PostgreSQL server; without it, the embedded PGlite runs under `dataDir`. */
  url?: string;
  dataDir: string;
  poolSize: number;
  onError?: (error: Error) => void;
}

/** Opens the pool: to DATABASE_URL, or to a freshly started embedded PostgreSQL. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const onError = options.onError ?? ((error: Error) => console.error(`database connection error: ${error.message}`));
  if (options.url !== undefined) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize });
    pool.on('error', onError);
    return { kind: 'postgres', pool, url: options.url, close: () => pool.end() };
  }
  // A few spare connections over the pool: the publication listener, and the pool's replacements.
  const embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, maxConnections: options.poolSize + 4 });
  const pool = new pg.Pool({ connectionString: embedded.url, max: options.poolSize });
  pool.on('error', onError);
  return {
    kind: 'embedded',
    pool,
    url: embedded.url,
    startupMs: embedded.startupMs,
    async close() {
      await pool.end();
      await embedded.close();
    },
  };
}

/** Runs `work` in one transaction on one connection; rolls back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
