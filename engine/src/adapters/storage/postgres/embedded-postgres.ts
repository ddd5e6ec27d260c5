import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly, running in this process) with its
 * files under `<dataDir>/pglite`, served on 127.0.0.1 by pglite-socket so the engine talks to it with
 * `pg`, exactly as to a real PostgreSQL server.
 *
 * PGlite is one PostgreSQL session shared by every connection. pglite-socket runs one protocol message at
 * a time and, while a connection has a transaction open, serves only that connection — but it lets other
 * connections' messages in between the Parse/Bind/Execute/Sync of one parameterised query, so under load
 * one connection's Bind lands on another's statement ("unnamed prepared statement does not exist").
 * SessionQueue (below) replaces its queue so a connection keeps the session from its first extended-protocol
 * message to its Sync, as well as for a whole transaction, and one failed message cannot stall the queue
 * (upstream: electric-sql/pglite issue #1046, pull request #977; drop SessionQueue once a fixed release is in). Transactions are therefore serialised (correct,
 * if not parallel), and session state (LISTEN, SET, advisory locks) is shared — which is why publications
 * are polled, not LISTENed for, on the embedded database (see postgres-store.ts).
 * Only one process may open a data directory at a time.
 */
export interface EmbeddedPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Where its files are; undefined for a database held in memory. */
  dataDir: string | undefined;
  /** How long PGlite took to open (cold start), in ms. */
  startupMs: number;
  /** The whole database as a gzipped tarball (PGlite's dumpDataDir), to start another from. */
  dump(): Promise<Blob>;
  close(): Promise<void>;
}

/**
 * `dataDir`: files under `<dataDir>/pglite`, one process at a time. Without it, the database lives in this
 * process's memory and goes with it — started from `snapshot` (a dump) when given, which skips initdb.
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; maxConnections: number; port?: number; snapshot?: Blob }): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir === undefined ? undefined : join(options.dataDir, 'pglite');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const releaseLock = options.dataDir === undefined ? () => undefined : lockDataDir(options.dataDir);
  const started = performance.now();
  let db: PGlite;
  try {
    db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(options.snapshot ? { loadDataDir: options.snapshot } : {}) });
  } catch (error) {
    releaseLock();
    throw error;
  }
  const startupMs = Math.round(performance.now() - started);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: options.maxConnections });
  useSessionQueue(server, db);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    releaseLock();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').pop());
  let closing: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    startupMs,
    dump: () => db.dumpDataDir('gzip') as Promise<Blob>,
    close() {
      closing ??= (async () => {
        await server.stop();
        await db.close();
        releaseLock();
      })();
      return closing;
    },
  };
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the embedded database in ${dataDir} is in use by process ${pid}; stop it first, or give this engine another data directory (FRONTDOOR_DATA_DIR)`);
    this.name = 'DataDirInUseError';
  }
}

/** One PGlite per data directory (in this process or another): two on the same files would corrupt them. A dead owner's lock is taken over. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = join(dataDir, 'frontdoor.pid');
  let owner: number | undefined;
  try {
    owner = Number(readFileSync(lockFile, 'utf8').trim());
  } catch {
    owner = undefined;
  }
  if (owner !== undefined && Number.isInteger(owner) && isAlive(owner)) {
    throw new DataDirInUseError(dataDir, owner);
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/** Frontend message types that end an exchange: Sync ('S') and simple Query ('Q'). */
const ENDS_EXCHANGE = new Set([0x53, 0x51]);
/** Extended-protocol messages that open one: Parse, Bind, Describe, Execute, Close, Flush. */
const IN_EXCHANGE = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * pglite-socket's query queue, with the session held by one connection from the first message of an
 * extended-protocol exchange to its Sync (and for a whole transaction, as before).
 */
export class SessionQueue {
  private readonly queue: QueuedMessage[] = [];
  private processing = false;
  /** The connection that holds the session (mid-exchange or in a transaction), if any. */
  private owner: number | undefined;
  private exchangeOpen = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = this.owner === undefined ? 0 : this.queue.findIndex((m) => m.handlerId === this.owner);
        if (index === -1) break; // the owner has not sent its next message yet
        const [item] = this.queue.splice(index, 1);
        if (!item) break;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          item.reject(error);
          continue;
        }
        const type = item.message[0] ?? 0;
        if (ENDS_EXCHANGE.has(type)) this.exchangeOpen = false;
        else if (IN_EXCHANGE.has(type)) this.exchangeOpen = true;
        this.owner = this.exchangeOpen || this.db.isInTransaction() ? item.handlerId : undefined;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.handlerId === handlerId) this.queue.splice(i, 1)[0]!.reject(new Error('Handler disconnected'));
    }
  }

  /** A connection went away holding the session: end its exchange and transaction so others can go on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    // The raw protocol call runs under the query lock, as the queue's own calls do; exec() takes the lock itself.
    if (this.exchangeOpen) await this.db.runExclusive(() => this.db.execProtocolRaw(SYNC));
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.exchangeOpen = false;
    this.owner = undefined;
    await this.process();
  }
}

function useSessionQueue(server: PGLiteSocketServer, db: PGlite): void {
  const internals = server as unknown as { queryQueue?: unknown };
  if (!('queryQueue' in internals)) {
    throw new Error('@electric-sql/pglite-socket changed: PGLiteSocketServer has no queryQueue to replace (see embedded-postgres.ts)');
  }
  internals.queryQueue = new SessionQueue(db);
}
