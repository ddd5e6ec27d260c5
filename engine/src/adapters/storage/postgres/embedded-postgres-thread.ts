/**
 * The embedded database's own thread: PGlite and its socket server, so the engine's event loop never
 * waits while PGlite's WebAssembly runs a query. It tells the engine where it listens ('listening'),
 * dumps the whole database when asked ('dump' → 'dumped'), and stops when asked ('close' → 'closed').
 * See embedded-postgres.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { EmbeddedPostgresReport, EmbeddedPostgresRequest } from './embedded-postgres.js';
import { useSessionQueue } from './pglite-session-queue.js';

const { dataDir, maxConnections, port, snapshot } = workerData as { dataDir: string | undefined; maxConnections: number; port: number; snapshot: Uint8Array<ArrayBuffer> | undefined };
const report = (message: EmbeddedPostgresReport) => parentPort!.postMessage(message);

try {
  const started = performance.now();
  // No dataDir: held in this thread's memory, from the snapshot (a dump) when there is one.
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(snapshot ? { loadDataDir: new Blob([snapshot]) } : {}) });
  const startupMs = Math.round(performance.now() - started);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections });
  useSessionQueue(server, db);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  parentPort!.on('message', (request: EmbeddedPostgresRequest) => {
    if (request.kind === 'dump') {
      void (async () => {
        try {
          const tarball = new Uint8Array(await ((await db.dumpDataDir('gzip')) as Blob).arrayBuffer());
          parentPort!.postMessage({ kind: 'dumped', tarball } satisfies EmbeddedPostgresReport, [tarball.buffer]);
        } catch (error) {
          report({ kind: 'failed', message: (error as Error).message });
        }
      })();
      return;
    }
    void (async () => {
      await server.stop();
      await db.close();
      report({ kind: 'closed' });
    })();
  });
  report({ kind: 'listening', port: Number(server.getServerConn().split(':').pop()), startupMs });
} catch (error) {
  report({ kind: 'failed', message: (error as Error).message });
}
