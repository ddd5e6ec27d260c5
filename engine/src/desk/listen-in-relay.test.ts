import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../adapters/storage/postgres/database.js';
import { migrate } from '../adapters/storage/postgres/migrate.js';
import { createPostgresStore } from '../adapters/storage/postgres/postgres-store.js';
import { createScratchDatabase, openTestDatabase, testDatabases } from '../adapters/storage/postgres/test-databases.js';
import type { AgentState } from '../ports/acd.js';
import type { ListenIn, ListenInRequest, ListenInResult } from '../ports/desk.js';
import type { Store } from '../ports/store.js';
import { ListenInRelay } from './listen-in-relay.js';

const logger = { info: () => undefined, error: () => undefined };
const quiet = { logger: { info: () => undefined, warn: () => undefined } };

const request: ListenInRequest = { callId: 'call-7', agentId: 'ada', supervisor: { agentId: 'sam', destination: { kind: 'agent', agentId: 'sam' }, actor: 'sam-user' } };

/** The engine's telephony, as far as the relay sees it: what it was asked, what it answers. */
function telephony(answer: ListenInResult): ListenIn & { asked: ListenInRequest[] } {
  const asked: ListenInRequest[] = [];
  return { asked, listen: async (r) => (asked.push(r), answer) };
}

/** A store whose ACD says `ada` is on call-7, held by `holder`. */
function holding(store: Store, holder: string): Store {
  const state: AgentState = { agentId: 'ada', state: 'on_call', callId: 'call-7', queueId: 'q', missedOffers: 0, engineInstanceId: holder };
  return { ...store, agentStates: { ...store.agentStates, get: async (id: string) => (id === 'ada' ? state : undefined) } };
}

describe.each(testDatabases())('listen-in relay on this engine ($name)', (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let store: Store;
  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase(backend));
    await migrate(database.pool);
    store = await createPostgresStore(database, quiet);
  });
  afterAll(async () => {
    await store.close();
    await dispose();
  });

  it('asks this engine’s telephony when the call is held here, and audits what became of the listen', async () => {
    const relay = new ListenInRelay({ store: holding(store, 'engine-a'), engineInstanceId: 'engine-a', logger });
    const local = telephony({ kind: 'ringing' });
    expect(await relay.listen(request)).toEqual({ kind: 'notHere' }); // no telephony here yet
    relay.attach(local);
    expect(await relay.listen(request)).toEqual({ kind: 'ringing' });
    expect(local.asked).toEqual([request]);
    await relay.record({ kind: 'ended', by: 'supervisor', listenedMs: 4200, callId: 'call-7', agentId: 'ada', supervisorAgentId: 'sam', actor: 'sam-user' });
    const { items } = await store.audit.list({ entityType: 'call' }, { page: 1, pageSize: 10 });
    expect(items).toEqual([expect.objectContaining({ actor: 'sam-user', action: 'call.listenIn.ended', entityId: 'call-7', after: { by: 'supervisor', listenedMs: 4200, agentId: 'ada', supervisorAgentId: 'sam' } })]);
    relay.close();
  });
});

describe.runIf(process.env.FRONTDOOR_TEST_PG_URL)('listen-in relay across engines (PostgreSQL)', () => {
  let drop: () => Promise<void>;
  const databases: Database[] = [];
  const stores: Store[] = [];
  beforeAll(async () => {
    const scratch = await createScratchDatabase(process.env.FRONTDOOR_TEST_PG_URL!);
    drop = scratch.drop;
    for (let i = 0; i < 2; i++) {
      const database = await openDatabase({ url: scratch.url, dataDir: tmpdir(), poolSize: 2 });
      if (i === 0) await migrate(database.pool);
      databases.push(database);
      stores.push(await createPostgresStore(database, quiet));
    }
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const database of databases) await database.close();
    await drop();
  });

  it('hands the request to the engine holding the call over NOTIFY and brings its answer back', async () => {
    const front = new ListenInRelay({ store: holding(stores[0]!, 'engine-b'), engineInstanceId: 'engine-a', logger });
    const holder = new ListenInRelay({ store: holding(stores[1]!, 'engine-b'), engineInstanceId: 'engine-b', logger });
    const frontTelephony = telephony({ kind: 'ringing' });
    const holderTelephony = telephony({ kind: 'refused', reason: 'the caller is making a payment: nobody may listen in until it is over' });
    front.attach(frontTelephony);
    holder.attach(holderTelephony);
    expect(await front.listen(request)).toEqual({ kind: 'refused', reason: 'the caller is making a payment: nobody may listen in until it is over' });
    expect(holderTelephony.asked).toEqual([request]);
    expect(frontTelephony.asked).toEqual([]);
    front.close();
    holder.close();
  });

  it('says the call is no longer connected when the holding engine does not have it, and fails plainly when no engine answers', async () => {
    const front = new ListenInRelay({ store: holding(stores[0]!, 'engine-b'), engineInstanceId: 'engine-a', logger, answerTimeoutMs: 300 });
    const holder = new ListenInRelay({ store: holding(stores[1]!, 'engine-b'), engineInstanceId: 'engine-b', logger });
    holder.attach(telephony({ kind: 'notHere' }));
    expect(await front.listen(request)).toEqual({ kind: 'refused', reason: 'call call-7 is no longer connected to adviser ada' });
    holder.close();
    expect(await front.listen(request)).toEqual({ kind: 'failed', reason: 'the engine holding call call-7 did not answer within 0.3 s' });
    front.close();
  });

  it('ignores a malformed message from another engine', async () => {
    const front = new ListenInRelay({ store: holding(stores[0]!, 'engine-b'), engineInstanceId: 'engine-a', logger, answerTimeoutMs: 300 });
    const local = telephony({ kind: 'ringing' });
    front.attach(local);
    await databases[1]!.pool.query(`SELECT pg_notify('frontdoor_acd', $1)`, [JSON.stringify({ kind: 'listenIn', to: 'engine-a', from: 'x', requestId: 'r1', request: { callId: 'c' } })]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(local.asked).toEqual([]);
    front.close();
  });
});
