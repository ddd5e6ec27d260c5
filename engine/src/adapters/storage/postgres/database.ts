import pg from 'pg';
import type { DatabaseKind } from '../../../ports/store.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { isDatabaseUnavailable } from './unavailable.js';

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

/** How long to wait for a connection before the request fails as "database unavailable" (503), rather than hanging. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A pool whose every connection has an error listener for as long as it lives — idle in the pool or
 * checked out in a transaction. pg's pool listens only while a connection is idle: a connection held by
 * a transaction when PostgreSQL stops (57P01) emitted 'error' with no listener, and the engine exited.
 */
function createPool(connectionString: string, max: number, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/** Opens the pool: to DATABASE_URL, or to a freshly started embedded PostgreSQL. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const onError = options.onError ?? ((error: Error) => console.error(`database connection error: ${error.message}`));
  if (options.url !== undefined) {
    const pool = createPool(options.url, options.poolSize, onError);
    return { kind: 'postgres', pool, url: options.url, close: () => pool.end() };
  }
  // A few spare connections over the pool: the publication listener, and the pool's replacements.
  const embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, maxConnections: options.poolSize + 4 });
  const pool = createPool(embedded.url, options.poolSize, onError);
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

/**
 * Runs `work` in one transaction on one connection; rolls back if it throws. A connection that failed
 * (the database went away mid-transaction) is discarded rather than handed to the next caller; the
 * server rolls back whatever it had not committed, so nothing is left half-written.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (isDatabaseUnavailable(error)) broken = error as Error;
    else await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}
