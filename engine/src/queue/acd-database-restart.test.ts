/**
 * PostgreSQL restarted while a caller waits: the caller keeps hearing the treatment (announcements go on
 * from the last figures known, writes wait for the database to come back), and once it is back an agent
 * becomes free and answers them — the records whole. On a PRIVATE PostgreSQL server started for this
 * test (never the test run's shared one).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { canRunPrivatePostgres, startPrivatePostgres, type PrivatePostgres } from '../../../scripts/test-postgres.js';
import { SystemClock } from '../adapters/clock/system-clock.js';
import { openDatabase, type Database } from '../adapters/storage/postgres/database.js';
import { migrate } from '../adapters/storage/postgres/migrate.js';
import { createPostgresStore } from '../adapters/storage/postgres/postgres-store.js';
import { SimulatedCall } from '../adapters/telephony/simulator/simulated-call.js';
import { simulatedStandIns } from '../adapters/telephony/simulator/simulated-ports.js';
import { worldSchema } from '../adapters/telephony/simulator/world.js';
import { createCallPorts } from '../calls/call-ports.js';
import { MemoryEventSink } from '../core/runtime/event-log.js';
import { runCall } from '../core/runtime/run-call.js';
import type { Flow } from '../ports/flow.js';
import type { Store } from '../ports/store.js';
import { AcdRealm } from './acd.js';

const ENGINE = 'restart-engine';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

const flow = {
  schemaVersion: 1,
  id: 'restart-line',
  name: 'Restart line',
  entry: 'wait',
  languages: ['en-GB'],
  nodes: [
    { id: 'wait', kind: 'queue', version: 2, params: { queueId: 'restart' } },
    { id: 'bye', kind: 'hangup', version: 1, params: {} },
  ],
  edges: ['timeout', 'full', 'closed', 'noAgents'].map((outcome, i) => ({ id: `e${i}`, from: 'wait', outcome, to: 'bye' })),
} as unknown as Flow;

describe.runIf(canRunPrivatePostgres())('the ACD while PostgreSQL restarts', () => {
  let server: PrivatePostgres | undefined;
  let database: Database | undefined;
  let store: Store | undefined;
  let acd: AcdRealm | undefined;

  afterAll(async () => {
    await acd?.close();
    await store?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    server?.dispose();
  });

  it('keeps a waiting caller hearing the treatment, and answers them once it is back', async () => {
    server = await startPrivatePostgres();
    database = await openDatabase({ url: server.url, dataDir: '.', poolSize: 4, onError: () => undefined });
    await migrate(database.pool);
    store = await createPostgresStore(database, { logger: quiet });
    const s = store;
    await s.engineInstances.register({ id: ENGINE, name: ENGINE, host: 'test', pid: process.pid });
    await s.queues.create({ id: 'restart', name: 'Restart', settings: { treatment: { announceEverySeconds: 10, announceWait: false }, wrapUpSeconds: 0 } }, 'test');
    await s.agents.create({ id: 'restart-agent', name: 'Robin', endpoints: [{ kind: 'sip-user', value: 'robin' }], skills: {}, queueIds: ['restart'] }, 'test');
    await s.agentStates.set('restart-agent', { state: 'break', reason: 'coffee' }, new Date(), 'robin');

    const clock = new SystemClock();
    acd = new AcdRealm({ store: s, clock, engineInstanceId: ENGINE, logger: quiet, sweepMs: 500, retryWrites: true });
    const world = worldSchema.parse({ queues: { restart: { agents: [{ id: 'restart-agent', ringSeconds: 1, talkSeconds: 2 }] } } });
    const ports = createCallPorts({ clock, ...simulatedStandIns(world, clock), queue: acd, flows: { published: async () => undefined } }).test({
      clock,
      standIns: { ...simulatedStandIns(world, clock), queue: acd },
      drafts: [flow],
    });
    const call = new SimulatedCall({ callId: 'restart-call', from: '+447700900123', to: '+441234500000', clock, input: 'live', world });
    await s.calls.start({ id: call.callId, kind: 'test', from: call.from, to: call.to, startedAt: new Date(), engineInstanceId: ENGINE });
    const heard: { text: string; at: number }[] = [];
    call.onPrompt((segment) => heard.push({ text: segment.text, at: Date.now() }));
    const running = runCall({ flow, call, ports, events: new MemoryEventSink() });

    await vi.waitFor(() => expect(heard).toHaveLength(1), { timeout: 10_000, interval: 50 });
    server.stop('immediate');
    const downAt = Date.now();
    // The next announcement falls while the database is away.
    await vi.waitFor(() => expect(heard.length).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 100 });
    const upAt = Date.now();
    server.start();
    expect(heard[1]!.at).toBeGreaterThan(downAt);
    expect(heard[1]!.at).toBeLessThan(upAt);
    expect(heard[1]!.text).toBe('You are number 1 in the queue.');

    // Back: the adviser comes off their break (the first tries may meet the pool reconnecting).
    await vi.waitFor(async () => expect((await s.agentStates.set('restart-agent', { state: 'available' }, new Date(), 'robin')).kind).toBe('changed'), {
      timeout: 20_000,
      interval: 250,
    });
    const result = await running;
    expect(result.outcome).toBe('answered');
    expect(heard.map((h) => h.text)).toContain('(connected to agent:restart-agent)');
    const [entry] = await s.acd.entries({ callId: call.callId });
    expect(entry).toMatchObject({ state: 'ended', outcome: 'answered', agentId: 'restart-agent' });
    expect(await s.calls.get(call.callId)).toMatchObject({ queueId: 'restart', agentId: 'restart-agent', queueOutcome: 'answered' });
    // What was noted while the database was away was written once it came back.
    const announced = await s.acd.events({ callId: call.callId, type: 'position_announced' }, { page: 1, pageSize: 10 });
    expect(announced.total).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
