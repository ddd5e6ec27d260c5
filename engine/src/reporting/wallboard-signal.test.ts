/**
 * The wallboard hears of changes at once: migration 0008's triggers send the ACD signal
 * {kind: 'changed', realm: ''} when queue events or agent state changes of the real realm are written —
 * once per transaction, never for a test realm — and on PostgreSQL every engine's store delivers it, so a
 * wallboard whose polling is all but off still shows a new caller. (PGlite delivers a NOTIFY only to the
 * session that sent it, so there the store polls; engine/src/reporting/wallboard.test.ts shows the hub
 * finding changes by polling.)
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../adapters/storage/postgres/database.js';
import { migrate } from '../adapters/storage/postgres/migrate.js';
import { createPostgresStore } from '../adapters/storage/postgres/postgres-store.js';
import { openTestDatabase, testDatabases } from '../adapters/storage/postgres/test-databases.js';
import type { AcdSignal } from '../ports/acd.js';
import type { Store } from '../ports/store.js';
import type { Wallboard } from './wallboard.js';
import { Reporting } from './reporting.js';

const quiet = { info: () => undefined, warn: () => undefined };
const CHANNEL = 'frontdoor_acd';

describe.each(testDatabases())('the wallboard hears changes at once ($name)', (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let store: Store;

  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase(backend));
    await migrate(database.pool);
    store = await createPostgresStore(database, { logger: quiet, pollIntervalMs: 100 });
    await store.engineInstances.register({ id: 'engine-a', name: 'a', host: 'test', pid: process.pid });
    await store.queues.create({ id: 'highways', name: 'Highways', serviceLine: 'Highways', settings: {} }, 'test');
    await store.agents.create({ id: 'asha', name: 'Asha', endpoints: [], skills: {}, queueIds: ['highways'] }, 'test');
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  it('migration 0008 sends one "changed" per transaction that writes queue events or agent changes of the real realm, none for a test realm', async () => {
    // The session that writes also listens: PGlite delivers a NOTIFY to that session, PostgreSQL to every listener.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const heard: unknown[] = [];
    let flushed: () => void = () => undefined;
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || message.payload === undefined) return;
      const payload = JSON.parse(message.payload) as { kind: string };
      if (payload.kind === 'flush') flushed();
      else heard.push(payload);
    });
    // Notifications arrive in commit order: once the flush marker is heard, everything before it has been.
    const heardSoFar = async () => {
      const marker = new Promise<void>((resolve) => (flushed = resolve));
      await client.query(`SELECT pg_notify('${CHANNEL}', '{"kind":"flush"}')`);
      await marker;
      return heard.splice(0);
    };
    const event = (realm: string) => client.query(`INSERT INTO queue_events (realm, at, type, queue_id, call_id) VALUES ($1, now(), 'entered', 'highways', 'c1')`, [realm]);
    const change = (realm: string) => client.query(`INSERT INTO agent_state_log (agent_id, realm, at, state, actor) VALUES ('asha', $1, now(), 'available', 'test')`, [realm]);
    try {
      await client.query(`LISTEN ${CHANNEL}`);
      await event('test:abc');
      await change('test:abc');
      expect(await heardSoFar()).toEqual([]);

      await client.query('BEGIN');
      await event('');
      await event('');
      await change('');
      await client.query('COMMIT');
      expect(await heardSoFar()).toEqual([{ kind: 'changed', realm: '' }]);

      await change('');
      expect(await heardSoFar()).toEqual([{ kind: 'changed', realm: '' }]);
      // One statement writing both realms is a change of the real one.
      await client.query(`INSERT INTO queue_events (realm, at, type, queue_id) VALUES ('test:abc', now(), 'entered', 'highways'), ('', now(), 'entered', 'highways')`);
      expect(await heardSoFar()).toEqual([{ kind: 'changed', realm: '' }]);

      // Rolled back: nothing happened, nothing is said.
      await client.query('BEGIN');
      await event('');
      await client.query('ROLLBACK');
      expect(await heardSoFar()).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it.runIf(backend.name === 'postgres')('another engine’s store delivers it, and that engine’s wallboard shows a new caller without polling', async () => {
    const otherEngine = await createPostgresStore(database, { logger: quiet, pollIntervalMs: 100 });
    // Polling all but off: only the signal can bring the new board.
    const reporting = new Reporting({ store: otherEngine, clock: { now: () => Date.now() }, wallboardPollMs: 3_600_000 });
    const signals: AcdSignal[] = [];
    const stopSignals = otherEngine.onAcdSignal((signal) => signals.push(signal));
    const boards: Wallboard[] = [];
    let next: (board: Wallboard) => void = () => undefined;
    const stopBoards = reporting.wallboard.subscribe((board) => {
      boards.push(board);
      next(board);
    });
    const board = (test: (b: Wallboard) => boolean) =>
      new Promise<Wallboard>((resolve) => {
        const found = boards.find(test);
        if (found) return resolve(found);
        next = (b) => test(b) && resolve(b);
      });
    const highways = (b: Wallboard) => b.queues.find((q) => q.id === 'highways')!;
    try {
      const first = await board(() => true);
      expect(highways(first)).toMatchObject({ waiting: 0 });

      // This engine puts a caller in the queue: the other engine's wallboard shows them.
      const entered = await store.acd.enter({
        id: 'entry-1',
        realm: '',
        queueId: 'highways',
        callId: 'call-1',
        priority: 0,
        skills: {},
        enteredAt: new Date(),
        engineInstanceId: 'engine-a',
        callerNumber: '+447700900123',
        ringTimeoutMs: 20_000,
        context: {},
      });
      expect(entered.kind).toBe('entered');
      expect(highways(await board((b) => highways(b).waiting === 1))).toMatchObject({ waiting: 1, callbacksPending: 0 });

      // An adviser logs in on this engine: the other engine's board counts them.
      await store.agentStates.set('asha', { state: 'available' }, new Date(), 'asha');
      expect(highways(await board((b) => highways(b).agents.available === 1)).agents).toMatchObject({ available: 1 });
      expect(signals).toContainEqual({ kind: 'changed', realm: '' });
    } finally {
      stopBoards();
      stopSignals();
      reporting.close();
      await otherEngine.close();
    }
  });
});
