import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) with its files under
 * `<dataDir>/pglite`, served on 127.0.0.1 by pglite-socket so the engine talks to it with `pg`, exactly
 * as to a real PostgreSQL server. It runs on a thread of its own (embedded-postgres-thread.ts): every
 * query is WebAssembly that would otherwise hold the engine's event loop — the calls' DTMF, prompts
 * and SIP — for as long as it runs.
 *
 * PGlite is one PostgreSQL session shared by every connection (see SessionQueue in
 * pglite-session-queue.ts): transactions are serialised (correct, if not parallel), and session state
 * (LISTEN, SET, advisory locks) is shared — which is why publications are polled, not LISTENed for, on
 * the embedded database (see postgres-store.ts). Only one process may open a data directory at a time.
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

/** What the database's thread says to the engine, in answer to its start and to each request. */
export type EmbeddedPostgresReport =
  | { kind: 'listening'; port: number; startupMs: number }
  | { kind: 'failed'; message: string }
  | { kind: 'dumped'; tarball: Uint8Array<ArrayBuffer> }
  | { kind: 'closed' };

/** What the engine asks of the database's thread. */
export type EmbeddedPostgresRequest = { kind: 'dump' } | { kind: 'close' };

/**
 * `dataDir`: files under `<dataDir>/pglite`, one process at a time. Without it, the database lives in this
 * process's memory and goes with it — started from `snapshot` (a dump) when given, which skips initdb.
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; maxConnections: number; port?: number; snapshot?: Blob }): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir === undefined ? undefined : join(options.dataDir, 'pglite');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const releaseLock = options.dataDir === undefined ? () => undefined : lockDataDir(options.dataDir);
  const snapshot = options.snapshot ? new Uint8Array(await options.snapshot.arrayBuffer()) : undefined;
  const worker = new Worker(new URL('./embedded-postgres-worker.mjs', import.meta.url), {
    workerData: { dataDir, maxConnections: options.maxConnections, port: options.port ?? 0, snapshot },
  });
  const reports = reportsOf(worker);
  let started: Extract<EmbeddedPostgresReport, { kind: 'listening' }>;
  try {
    const first = await reports.next();
    if (first.kind !== 'listening') throw new Error(first.kind === 'failed' ? first.message : 'the embedded database stopped as it started');
    started = first;
  } catch (error) {
    await worker.terminate();
    releaseLock();
    throw error;
  }
  let closing: Promise<void> | undefined;
  let requests: Promise<unknown> = Promise.resolve();
  return {
    url: `postgres://postgres@127.0.0.1:${started.port}/postgres`,
    dataDir,
    startupMs: started.startupMs,
    dump() {
      // One request at a time, each after the one before it has its reply, so replies match requests.
      const dumped = requests.then(async () => {
        worker.postMessage({ kind: 'dump' } satisfies EmbeddedPostgresRequest);
        const reply = await reports.next();
        if (reply.kind !== 'dumped') throw new Error(reply.kind === 'failed' ? reply.message : `the embedded database answered ${reply.kind} to a dump`);
        return new Blob([reply.tarball]);
      });
      requests = dumped.catch(() => undefined);
      return dumped;
    },
    close() {
      closing ??= (async () => {
        await requests;
        worker.postMessage({ kind: 'close' } satisfies EmbeddedPostgresRequest);
        try {
          await reports.next();
        } finally {
          await worker.terminate();
          releaseLock();
        }
      })();
      return closing;
    },
  };
}

/** The thread's reports in order; a thread that fails or exits ends the wait with an error. */
function reportsOf(worker: Worker): { next(): Promise<EmbeddedPostgresReport> } {
  const queued: EmbeddedPostgresReport[] = [];
  const waiting: { resolve: (report: EmbeddedPostgresReport) => void; reject: (error: Error) => void }[] = [];
  let ended: Error | undefined;
  const end = (error: Error) => {
    ended ??= error;
    for (const waiter of waiting.splice(0)) waiter.reject(ended);
  };
  worker.on('message', (report: EmbeddedPostgresReport) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(report);
    else queued.push(report);
  });
  worker.on('error', (error) => end(error));
  worker.on('exit', (code) => end(new Error(`the embedded database's thread stopped (exit code ${code})`)));
  return {
    next: () =>
      new Promise((resolve, reject) => {
        const report = queued.shift();
        if (report) resolve(report);
        else if (ended) reject(ended);
        else waiting.push({ resolve, reject });
      }),
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
