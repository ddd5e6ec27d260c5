/**
 * The embedded database's own thread: PGlite and its socket server, so the engine's event loop never
 * waits while PGlite's WebAssembly runs a query. It tells the engine where it listens ('listening'),
 * and stops when asked ('close' → 'closed'). See embedded-postgres.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { EmbeddedPostgresReport } from './embedded-postgres.js';
import { useSessionQueue } from './pglite-session-queue.js';

const { dataDir, maxConnections, port } = workerData as { dataDir: string; maxConnections: number; port: number };
const report = (message: EmbeddedPostgresReport) => parentPort!.postMessage(message);

try {
  const started = performance.now();
  const db = await PGlite.create({ dataDir });
  const startupMs = Math.round(performance.now() - started);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections });
  useSessionQueue(server, db);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  parentPort!.on('message', (message: { kind: string }) => {
    if (message.kind !== 'close') return;
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
