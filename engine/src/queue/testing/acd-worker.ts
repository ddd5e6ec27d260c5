/**
 * One engine process for the ACD's multi-engine tests (acd-concurrency.test.ts):
 *   node --import tsx engine/src/queue/testing/acd-worker.ts <mode> <database url> <engine id> [json options]
 * mode `stress`: run this engine's share of the randomised workload, print its report as JSON, exit.
 * mode `hold`: put callers in a queue, keep every offer ringing (never answer), print "holding <n>" once
 * its agents ring, and stay until killed — so a test can kill -9 an engine with callers waiting and
 * agents ringing for them.
 */
import { hostname } from 'node:os';
import { openDatabase } from '../../adapters/storage/postgres/database.js';
import { createPostgresStore } from '../../adapters/storage/postgres/postgres-store.js';
import { SystemClock } from '../../adapters/clock/system-clock.js';
import { AcdRealm } from '../acd.js';
import { runStress, STRESS_QUEUES, STRESS_REALM } from './acd-stress.js';

const [mode, url, engineInstanceId, json = '{}'] = process.argv.slice(2);
if (!mode || !url || !engineInstanceId) throw new Error('usage: acd-worker.ts <stress|hold> <database url> <engine id> [json options]');
const options = JSON.parse(json) as { seed?: number; callers?: number; agentIds?: string[]; spreadMs?: number; heartbeatMs?: number; deadAfterMs?: number };
const logger = { info: () => undefined, warn: () => undefined, error: (message: string, error?: unknown) => console.error(message, error instanceof Error ? error.message : '') };

const database = await openDatabase({ url, dataDir: '.', poolSize: 8 });
const store = await createPostgresStore(database, { logger });
await store.engineInstances.register({ id: engineInstanceId, name: engineInstanceId, host: hostname(), pid: process.pid, deadAfterMs: 60_000 });
// Alive, and sweeping for engines that are not (as main.ts does).
const heartbeat = setInterval(() => void store.engineInstances.heartbeat(engineInstanceId, options.deadAfterMs ?? 10_000).catch(() => undefined), options.heartbeatMs ?? 500);

if (mode === 'stress') {
  const report = await runStress({
    store,
    engineInstanceId,
    seed: options.seed ?? 1,
    callers: options.callers ?? 100,
    agentIds: options.agentIds ?? [],
    spreadMs: options.spreadMs ?? 3000,
    logger,
  });
  clearInterval(heartbeat);
  await store.engineInstances.stop(engineInstanceId);
  await store.close();
  await database.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else if (mode === 'hold') {
  const realm = new AcdRealm({ store, clock: new SystemClock(), engineInstanceId, logger, realm: STRESS_REALM, sweepMs: 250 });
  let ringing = 0;
  for (let n = 0; n < (options.callers ?? 3); n++) {
    const joined = await realm.join({ callId: `${engineInstanceId}-held-${n}`, queueId: STRESS_QUEUES[0]!, priority: 0, skills: {}, vars: {}, signal: new AbortController().signal });
    if (joined.kind !== 'joined') throw new Error(`could not join: ${joined.kind}`);
    // The agent rings and rings: this engine never reports on the offer.
    void joined.ticket.nextOffer(new AbortController().signal).then(() => {
      if (++ringing === (options.callers ?? 3)) process.stdout.write(`holding ${ringing}\n`);
    });
  }
  process.stdout.write('joined\n');
} else {
  throw new Error(`unknown mode ${mode}`);
}
