/**
 * The ACD with several engines on one database: two engine PROCESSES on one real PostgreSQL under
 * hundreds of concurrent callers joining, abandoning, agents ringing (answering or not) and going on
 * and off breaks — randomised, with the seed printed (FRONTDOOR_ACD_SEED replays one). Afterwards,
 * read from the database: no caller was ever offered to two agents at once, no agent ever rang for a
 * caller while busy with another, no caller was lost, and every call has its queue outcome. On the
 * embedded database (one engine at a time by design) the same workload runs in one engine.
 *
 * Then an engine killed with kill -9 while its callers wait and its agents ring for them: the other
 * engine ends those callers as engine_lost, frees the agents, and goes on serving its own callers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SystemClock } from '../adapters/clock/system-clock.js';
import { openDatabase } from '../adapters/storage/postgres/database.js';
import { migrate } from '../adapters/storage/postgres/migrate.js';
import { createPostgresStore } from '../adapters/storage/postgres/postgres-store.js';
import { createScratchDatabase, openTestDatabase, testDatabases } from '../adapters/storage/postgres/test-databases.js';
import type { Store } from '../ports/store.js';
import { AcdRealm } from './acd.js';
import { runStress, setUpStress, STRESS_QUEUES, STRESS_REALM, stressViolations, type StressReport } from './testing/acd-stress.js';

const REPO = resolve(import.meta.dirname, '../../..');
const WORKER = resolve(import.meta.dirname, 'testing/acd-worker.ts');
const seed = Number(process.env.FRONTDOOR_ACD_SEED ?? Math.floor(Math.random() * 2 ** 31));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** An engine process running acd-worker.ts; `output` collects what it prints. */
function engine(mode: 'stress' | 'hold', url: string, id: string, options: object) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, mode, url, id, JSON.stringify(options)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function storeOn(url: string): Promise<{ store: Store; close(): Promise<void> }> {
  const database = await openDatabase({ url, dataDir: '.', poolSize: 4 });
  await migrate(database.pool);
  const store = await createPostgresStore(database, { logger: quiet });
  return { store, close: async () => (await store.close(), await database.close()) };
}

describe.runIf(testDatabases().some((b) => b.name === 'postgres'))('the ACD with two engine processes on one PostgreSQL', () => {
  const server = testDatabases().find((b) => b.name === 'postgres') as { name: 'postgres'; serverUrl: string };

  it('never offers a caller to two agents or gives an agent two callers, loses no caller, and records every outcome', async () => {
    console.info(`[acd-concurrency] seed ${seed} (replay with FRONTDOOR_ACD_SEED=${seed})`);
    const scratch = await createScratchDatabase(server.serverUrl);
    const { store, close } = await storeOn(scratch.url);
    try {
      const agentIds = await setUpStress(store, 16);
      const options = { callers: 150, agentIds, spreadMs: 4000 };
      const engines = [engine('stress', scratch.url, 'engine-a', { ...options, seed }), engine('stress', scratch.url, 'engine-b', { ...options, seed: seed + 1 })];
      const codes = await Promise.all(engines.map((e) => e.exited));
      expect(codes, `seed ${seed}: ${engines.map((e) => e.output()).join('\n')}`).toEqual([0, 0]);
      const reports = engines.map((e) => JSON.parse(e.output().trim().split('\n').at(-1)!) as StressReport);
      expect(reports.flatMap((r) => r.errors), `seed ${seed}`).toEqual([]);
      // The workload did what it is for: offers were made from both engines, answered, missed and abandoned.
      for (const report of reports) expect(report.offersDelivered, `seed ${seed}`).toBeGreaterThan(5);
      expect(reports.reduce((n, r) => n + r.missed, 0)).toBeGreaterThan(0);
      expect(reports.reduce((n, r) => n + r.abandoned, 0)).toBeGreaterThan(0);
      expect(reports.reduce((n, r) => n + r.answered, 0)).toBeGreaterThan(0);
      expect(reports.reduce((n, r) => n + r.presenceChanges, 0)).toBeGreaterThan(5);
      // Every call of both engines ended (those finding nobody logged in for their queue at once, too).
      const calls = await store.calls.list({ kind: 'test' }, { page: 1, pageSize: 1000 });
      expect(calls.total, `seed ${seed}`).toBe(300);
      expect(calls.items.filter((c) => !c.endedAt).map((c) => c.id), `seed ${seed}`).toEqual([]);
      expect((await store.acd.entries({ realm: STRESS_REALM })).length, `seed ${seed}`).toBeGreaterThan(100);
      // Both engines dispatched callers the other holds (offers crossed by NOTIFY).
      const offers = await store.acd.events({ realm: STRESS_REALM, type: 'offered' }, { page: 1, pageSize: 1 });
      expect(offers.total).toBeGreaterThan(50);
      expect(await stressViolations(store, agentIds), `seed ${seed}`).toEqual([]);
    } finally {
      await close();
      await scratch.drop();
    }
  }, 180_000);

  it('ends the callers of an engine killed with kill -9 as engine-lost, frees its agents, and the other engine serves on', async () => {
    const scratch = await createScratchDatabase(server.serverUrl);
    const { store, close } = await storeOn(scratch.url);
    const clock = new SystemClock();
    let survivor: AcdRealm | undefined;
    try {
      const agentIds = await setUpStress(store, 3);
      const doomed = engine('hold', scratch.url, 'engine-doomed', { callers: 2, deadAfterMs: 4000 });
      // Its callers wait, and two agents ring for them (it never reports on the offers).
      await vi.waitFor(() => expect(doomed.output()).toContain('holding 2'), { timeout: 30_000, interval: 100 });
      const rung = await Promise.all(agentIds.map((id) => store.agentStates.get(id)));
      const heldAgents = rung.filter((s) => s?.state === 'ringing').map((s) => s!.agentId);
      expect(heldAgents).toHaveLength(2);
      doomed.child.kill('SIGKILL');
      expect(await doomed.exited).toBeNull();

      // The surviving engine: alive, sweeping, and with a caller of its own waiting in the same queue.
      const survivorId = `engine-survivor-${randomUUID()}`;
      await store.engineInstances.register({ id: survivorId, name: survivorId, host: 'test', pid: process.pid, deadAfterMs: 60_000 });
      survivor = new AcdRealm({ store, clock, engineInstanceId: survivorId, logger: quiet, realm: STRESS_REALM, sweepMs: 250 });
      await store.calls.start({ id: 'survivor-call', kind: 'test', from: '+447700900123', to: '+441234500000', startedAt: new Date(), engineInstanceId: survivorId });
      const joined = await survivor.join({ callId: 'survivor-call', queueId: STRESS_QUEUES[0]!, priority: 0, skills: {}, vars: {}, signal: new AbortController().signal });
      if (joined.kind !== 'joined') throw new Error(`survivor could not join: ${joined.kind}`);
      const offered = joined.ticket.nextOffer(AbortSignal.timeout(30_000));
      // Heartbeats find the dead engine silent for 4 s (as main.ts's would, by engine.deadAfterSeconds).
      await vi.waitFor(
        async () => {
          await store.engineInstances.heartbeat(survivorId, 4_000);
          const lost = (await store.acd.entries({ realm: STRESS_REALM, engineInstanceId: 'engine-doomed' })).filter((e) => e.outcome === 'engine_lost');
          expect(lost).toHaveLength(2);
        },
        { timeout: 30_000, interval: 500 },
      );
      // Freed: none is held by the dead engine any more (the survivor may already be ringing one for its caller).
      for (const id of heldAgents) expect((await store.agentStates.get(id))?.engineInstanceId).not.toBe('engine-doomed');
      const offer = await offered;
      expect(heldAgents).toContain(offer.agentId);
      await joined.ticket.answered(offer);
      await joined.ticket.talkEnded(offer, { talkMs: 1000 });
      expect(await store.calls.get('survivor-call')).toMatchObject({ queueOutcome: 'answered', agentId: offer.agentId });
      const lostEvents = await store.acd.events({ realm: STRESS_REALM, type: 'engine_lost' }, { page: 1, pageSize: 10 });
      expect(lostEvents.total).toBe(2);
    } finally {
      await survivor?.close();
      await close();
      await scratch.drop();
    }
  }, 120_000);
});

describe.each(testDatabases().filter((b) => b.name === 'embedded'))('the ACD under the same workload in one engine ($name)', (backend) => {
  it('keeps every rule', async () => {
    console.info(`[acd-concurrency] embedded seed ${seed} (replay with FRONTDOOR_ACD_SEED=${seed})`);
    const { database, dispose } = await openTestDatabase(backend);
    try {
      await migrate(database.pool);
      const store = await createPostgresStore(database, { logger: quiet });
      await store.engineInstances.register({ id: 'embedded-engine', name: 'embedded-engine', host: 'test', pid: process.pid });
      const agentIds = await setUpStress(store, 8);
      const report = await runStress({ store, engineInstanceId: 'embedded-engine', seed, callers: 50, agentIds, spreadMs: 2000, logger: quiet });
      expect(report.errors, `seed ${seed}`).toEqual([]);
      expect(report.offersDelivered).toBeGreaterThan(5);
      expect(await stressViolations(store, agentIds), `seed ${seed}`).toEqual([]);
      // The checks catch what they are for: an agent rung twice at once, a caller offered twice at once.
      const [entry] = await store.acd.entries({ realm: STRESS_REALM });
      const [first, second] = agentIds;
      const at = new Date();
      for (const agentId of [first!, second!]) {
        await store.acd.logEvent({ realm: STRESS_REALM, at, type: 'offered', queueId: entry!.queueId, entryId: entry!.id, callId: entry!.callId, agentId, data: {} });
      }
      await database.pool.query(
        `INSERT INTO agent_state_log (agent_id, realm, at, state, call_id, actor) VALUES ($1, $2, $3, 'ringing', 'x', 'test'), ($1, $2, $3, 'ringing', 'y', 'test')`,
        [first, STRESS_REALM, at],
      );
      const caught = await stressViolations(store, agentIds);
      expect(caught).toContain(`caller ${entry!.id} was offered to ${second} while ${first} still had them`);
      expect(caught).toContain(`agent ${first} was rung for y while busy with x`);
      await store.close();
    } finally {
      await dispose();
    }
  }, 180_000);
});
