import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallEvent } from '../../../ports/call-events.js';
import type { FlowPublication, JsonObject, Store } from '../../../ports/store.js';
import { openDatabase, type Database } from './database.js';
import { flowChecksum } from './flow-repository.js';
import { migrate, MIGRATIONS_DIR, MigrationError } from './migrate.js';
import { createPostgresStore } from './postgres-store.js';
import { createScratchDatabase, openTestDatabase, testDatabases } from './test-databases.js';

const quiet = { info: () => undefined, warn: () => undefined };
const SYSTEM = 'system:test';

function flowJson(id: string, name = `Flow ${id}`, extra: JsonObject = {}): JsonObject & { id: string; name: string } {
  return {
    schemaVersion: 1,
    id,
    name,
    entry: 'bye',
    nodes: [{ id: 'bye', kind: 'hangup', version: 1, params: {}, ui: { x: 0, y: 0 } }],
    edges: [],
    ...extra,
  };
}

describe.each(testDatabases())('PostgreSQL store ($name)', (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let store: Store;
  const instance = 'engine-run-1';

  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase(backend));
    await migrate(database.pool);
    store = await createPostgresStore(database, { logger: quiet, pollIntervalMs: 100 });
    await store.engineInstances.register({ id: instance, name: 'engine-a', host: 'test', pid: 1 });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  describe('migrations', () => {
    it('apply once, then nothing; refuse a changed or missing applied file and a number used twice; apply one that lands in a gap later', async () => {
      expect(await migrate(database.pool)).toEqual({ applied: [] });
      const dir = mkdtempSync(join(tmpdir(), 'frontdoor-migrations-'));
      try {
        cpSync(MIGRATIONS_DIR, dir, { recursive: true });
        const files = readdirSync(dir).sort();
        writeFileSync(join(dir, '0001_initial_schema.sql'), '-- edited after it was applied\n', { flag: 'a' });
        await expect(migrate(database.pool, { dir })).rejects.toThrow(/0001_initial_schema.sql has changed since it was applied/);
        cpSync(join(MIGRATIONS_DIR, '0001_initial_schema.sql'), join(dir, '0001_initial_schema.sql'));
        rmSync(join(dir, files.at(-1)!));
        await expect(migrate(database.pool, { dir })).rejects.toThrow(`migration ${files.at(-1)} was applied to this database but its file is missing`);
        cpSync(join(MIGRATIONS_DIR, files.at(-1)!), join(dir, files.at(-1)!));
        writeFileSync(join(dir, '0002_twice.sql'), 'SELECT 1;');
        await expect(migrate(database.pool, { dir })).rejects.toThrow(MigrationError);
        await expect(migrate(database.pool, { dir })).rejects.toThrow(/migration number 0002 is used twice/);
        rmSync(join(dir, '0002_twice.sql'));
        // A number handed to another change lands after later ones were applied: it is applied then.
        const gaps = Array.from({ length: Number(files.at(-1)!.slice(0, 4)) }, (_, i) => i + 1).filter((n) => !files.some((f) => f.startsWith(String(n).padStart(4, '0'))));
        if (gaps.length > 0) {
          const late = `${String(gaps[0]).padStart(4, '0')}_landed_late.sql`;
          writeFileSync(join(dir, late), 'CREATE TABLE landed_late (id integer);');
          expect(await migrate(database.pool, { dir })).toEqual({ applied: [late] });
          await database.pool.query('DROP TABLE landed_late');
          await database.pool.query('DELETE FROM schema_migrations WHERE version = $1', [gaps[0]]);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it.runIf(backend.name === 'postgres')('lets only one of two engines starting at once migrate a new database', async () => {
    if (backend.name !== 'postgres') return;
    const scratch = await createScratchDatabase(backend.serverUrl);
    const engines = await Promise.all([0, 1].map(() => openDatabase({ url: scratch.url, dataDir: tmpdir(), poolSize: 2 })));
    try {
      const results = await Promise.all(engines.map((engine) => migrate(engine.pool)));
      const applied = results.map((r) => r.applied.length).sort();
      expect(applied).toEqual([0, readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length]);
    } finally {
      await Promise.all(engines.map((engine) => engine.close()));
      await scratch.drop();
    }
  });

  describe('flows', () => {
    it('creates a flow once, lists it, saves drafts with optimistic concurrency', async () => {
      const created = await store.flows.create({ draft: flowJson('bins', 'Bins and recycling') }, 'alice');
      expect(created).toMatchObject({ kind: 'created', flow: { id: 'bins', name: 'Bins and recycling', draftRevision: 1 } });
      expect(await store.flows.create({ draft: flowJson('bins') }, 'alice')).toEqual({ kind: 'exists' });
      expect((await store.flows.list()).map((f) => f.id)).toContain('bins');

      const saved = await store.flows.saveDraft('bins', flowJson('bins', 'Bins'), 1, 'alice');
      expect(saved).toEqual({ kind: 'saved', revision: 2 });
      expect(await store.flows.saveDraft('bins', flowJson('bins', 'Stale'), 1, 'bob')).toEqual({ kind: 'conflict', currentRevision: 2 });
      expect(await store.flows.saveDraft('nope', flowJson('nope'), 1, 'bob')).toEqual({ kind: 'notFound' });
      expect(await store.flows.get('bins')).toMatchObject({ name: 'Bins', draftRevision: 2, draft: { name: 'Bins' } });
    });

    it('lets exactly one of two concurrent saves of the same revision through', async () => {
      await store.flows.create({ draft: flowJson('race') }, 'alice');
      const results = await Promise.all([
        store.flows.saveDraft('race', flowJson('race', 'Alice'), 1, 'alice'),
        store.flows.saveDraft('race', flowJson('race', 'Bob'), 1, 'bob'),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(['conflict', 'saved']);
      const winner = results.find((r) => r.kind === 'saved') === results[0] ? 'Alice' : 'Bob';
      expect((await store.flows.get('race'))?.name).toBe(winner);
    });

    it('publishes immutable versions with a checksum of the canonical JSON; a stale revision is a conflict', async () => {
      await store.flows.create({ draft: flowJson('waste', 'Waste', { description: 'Missed bins' }) }, 'alice');
      const published = await store.flows.publish('waste', 1, 'carol', 'first go');
      if (published.kind !== 'published') throw new Error(`expected published, got ${published.kind}`);
      const v1 = published.version;
      expect(v1).toMatchObject({ flowId: 'waste', version: 1, author: 'carol', note: 'first go', published: true });
      expect(v1.graph).toEqual(flowJson('waste', 'Waste', { description: 'Missed bins' }));
      // RFC 8785: the same graph with its keys in another order has the same checksum.
      const reordered = Object.fromEntries(Object.entries(flowJson('waste', 'Waste', { description: 'Missed bins' })).reverse());
      expect(flowChecksum(reordered)).toBe(v1.checksum);
      expect(v1.checksum).toBe(createHash('sha256').update(JSON.stringify(sortKeys(v1.graph))).digest('hex'));

      expect(await store.flows.publish('waste', 7, 'carol', '')).toEqual({ kind: 'conflict', currentRevision: 1 });
      expect(await store.flows.publish('ghost', 1, 'carol', '')).toEqual({ kind: 'notFound' });
      await expect(database.pool.query(`UPDATE flow_versions SET graph = '{}' WHERE flow_id = 'waste'`)).rejects.toThrow(/immutable/);
      await expect(database.pool.query(`DELETE FROM flow_versions WHERE flow_id = 'waste'`)).rejects.toThrow(/immutable/);
      expect((await store.flows.get('waste'))?.publishedVersion).toBe(1);
    });

    it('gives concurrent publishes one version each, with no lost update', async () => {
      await store.flows.create({ draft: flowJson('busy') }, 'alice');
      const results = await Promise.all(Array.from({ length: 4 }, (_, i) => store.flows.publish('busy', 1, `publisher-${i}`, `publish ${i}`)));
      const versions = results.map((r) => (r.kind === 'published' ? r.version.version : r.kind)).sort();
      expect(versions).toEqual([1, 2, 3, 4]);
      const listed = await store.flows.versions('busy');
      expect(listed.map((v) => v.version)).toEqual([4, 3, 2, 1]);
      expect(listed.filter((v) => v.published).map((v) => v.version)).toEqual([4]);
      expect(listed.filter((v) => v.retiredAt !== undefined).map((v) => v.version)).toEqual([3, 2, 1]);
      expect(new Set(listed.map((v) => v.author)).size).toBe(4);
      expect((await store.flows.published('busy'))?.version).toBe(4);
    });

    it('rolls back by publishing an earlier graph again as a new version', async () => {
      await store.flows.create({ draft: flowJson('roll', 'Roll one') }, 'alice');
      await store.flows.publish('roll', 1, 'alice', 'one');
      await store.flows.saveDraft('roll', flowJson('roll', 'Roll two'), 1, 'alice');
      const two = await store.flows.publish('roll', 2, 'alice', 'two');
      const back = await store.flows.rollback('roll', 1, 'bob', '');
      if (back.kind !== 'published' || two.kind !== 'published') throw new Error('expected publications');
      expect(back.version).toMatchObject({ version: 3, note: 'roll back to version 1', author: 'bob', graph: { name: 'Roll one' } });
      expect(back.version.checksum).toBe((await store.flows.version('roll', 1))?.checksum);
      expect(back.version.checksum).not.toBe(two.version.checksum);
      expect(await store.flows.rollback('roll', 99, 'bob', '')).toEqual({ kind: 'notFound' });
    });

    it('tells listeners about publications from this store and from another engine on the same database', async () => {
      const heard: FlowPublication[] = [];
      const unsubscribe = store.onFlowPublished((p) => heard.push(p));
      const otherEngine = await createPostgresStore(database, { logger: quiet, pollIntervalMs: 100 });
      // PostgreSQL delivers NOTIFY to a listening connection; PGlite's one shared session does not, so it polls.
      expect(otherEngine.publicationDelivery).toBe(backend.name === 'postgres' ? 'notify' : 'polling');
      try {
        await store.flows.create({ draft: flowJson('news') }, 'alice');
        await store.flows.publish('news', 1, 'alice', '');
        expect(heard).toEqual([{ flowId: 'news', version: 1 }]);
        await otherEngine.flows.publish('news', 1, 'bob', 'from the other engine');
        await vi.waitFor(() => expect(heard).toEqual([{ flowId: 'news', version: 1 }, { flowId: 'news', version: 2 }]), { timeout: 5_000 });
      } finally {
        unsubscribe();
        await otherEngine.close();
      }
    });

    it('keeps test calls, and refuses to delete a flow a number routes to; deleted flows keep their versions', async () => {
      await store.flows.create({ draft: flowJson('gone') }, 'alice');
      expect(await store.flows.testCalls('gone')).toBeUndefined();
      expect(await store.flows.saveTestCalls('gone', { calls: [{ name: 'hangs up', caller: [] }] }, 'alice')).toEqual({ kind: 'saved' });
      expect(await store.flows.testCalls('gone')).toEqual({ calls: [{ name: 'hangs up', caller: [] }] });
      await store.flows.publish('gone', 1, 'alice', '');
      await store.numbers.create({ did: '+441234599999', flowId: 'gone', label: 'old line' }, 'alice');
      expect(await store.flows.delete('gone', 'alice')).toEqual({ kind: 'inUse', by: ['number +441234599999'] });
      await store.numbers.delete('+441234599999', 'alice');
      expect(await store.flows.delete('gone', 'alice')).toEqual({ kind: 'deleted' });
      expect(await store.flows.get('gone')).toBeUndefined();
      expect(await store.flows.published('gone')).toBeUndefined();
      expect((await store.flows.version('gone', 1))?.published).toBe(false);
      expect(await store.flows.delete('gone', 'alice')).toEqual({ kind: 'notFound' });
      // The id can be used again; version numbers carry on.
      expect(await store.flows.create({ draft: flowJson('gone', 'Back') }, 'alice')).toMatchObject({ kind: 'created', flow: { name: 'Back' } });
      const again = await store.flows.publish('gone', (await store.flows.get('gone'))!.draftRevision, 'alice', '');
      expect(again.kind === 'published' && again.version.version).toBe(2);
    });
  });

  describe('numbers', () => {
    it('route a DID to its published flow, its fallback, or the catch-all', async () => {
      await store.flows.create({ draft: flowJson('main') }, 'alice');
      await store.flows.create({ draft: flowJson('unpublished') }, 'alice');
      await store.flows.create({ draft: flowJson('closed') }, 'alice');
      await store.flows.publish('main', 1, 'alice', '');
      await store.flows.publish('closed', 1, 'alice', '');
      expect(await store.numbers.create({ did: '+441234500001', flowId: 'missing', label: '' }, 'alice')).toEqual({ kind: 'flowNotFound', flowId: 'missing' });
      expect(await store.numbers.create({ did: '+441234500001', flowId: 'main', label: 'Main line' }, 'alice')).toMatchObject({ kind: 'created' });
      expect(await store.numbers.create({ did: '+441234500001', flowId: 'main', label: '' }, 'alice')).toEqual({ kind: 'exists' });
      await store.numbers.create({ did: '+441234500002', flowId: 'unpublished', fallbackFlowId: 'closed', label: 'New service' }, 'alice');

      expect(await store.numbers.route('+441234500001')).toMatchObject({ kind: 'flow', did: '+441234500001', usedFallback: false, flow: { flowId: 'main', version: 1 } });
      expect(await store.numbers.route('+441234500002')).toMatchObject({ kind: 'flow', usedFallback: true, flow: { flowId: 'closed' } });
      expect(await store.numbers.route('+449999999999')).toEqual({ kind: 'unknown' });
      await store.numbers.create({ did: '*', flowId: 'closed', label: 'Everything else' }, 'alice');
      expect(await store.numbers.route('+449999999999')).toMatchObject({ kind: 'flow', did: '*', flow: { flowId: 'closed' } });

      expect(await store.numbers.update('+441234500002', { flowId: 'main', fallbackFlowId: undefined }, 'alice')).toEqual({
        kind: 'updated',
        number: { did: '+441234500002', flowId: 'main', label: 'New service' },
      });
      expect(await store.numbers.update('+441234500002', { fallbackFlowId: 'nope' }, 'alice')).toEqual({ kind: 'flowNotFound', flowId: 'nope' });
      expect(await store.numbers.update('+440000', { label: 'x' }, 'alice')).toEqual({ kind: 'notFound' });
      expect((await store.numbers.list()).map((n) => n.did)).toEqual(['*', '+441234500001', '+441234500002']);
      await expect(store.numbers.create({ did: 'not a number', flowId: 'main', label: '' }, 'alice')).rejects.toThrow(/phone_numbers_did_check/);
    });
  });

  describe('prompts', () => {
    it('keeps text per language and audio bytes', async () => {
      expect(await store.prompts.create({ id: 'welcome', name: 'Welcome', text: { 'en-GB': 'Welcome to the council' } }, 'alice')).toMatchObject({
        kind: 'created',
        prompt: { id: 'welcome', audioLanguages: [] },
      });
      expect(await store.prompts.create({ id: 'welcome', name: 'Again', text: {} }, 'alice')).toEqual({ kind: 'exists' });
      const bytes = new Uint8Array([82, 73, 70, 70, 0, 1, 2, 255]);
      expect(await store.prompts.putAudio('welcome', 'cy-GB', { contentType: 'audio/wav', bytes }, 'alice')).toEqual({ kind: 'saved' });
      expect(await store.prompts.putAudio('missing', 'cy-GB', { contentType: 'audio/wav', bytes }, 'alice')).toEqual({ kind: 'notFound' });
      const audio = await store.prompts.audio('welcome', 'cy-GB');
      expect(audio?.contentType).toBe('audio/wav');
      expect(Array.from(audio!.bytes)).toEqual(Array.from(bytes));
      expect(await store.prompts.update('welcome', { text: { 'en-GB': 'Hello', 'cy-GB': 'Helo' } }, 'alice')).toMatchObject({
        kind: 'updated',
        prompt: { name: 'Welcome', text: { 'en-GB': 'Hello', 'cy-GB': 'Helo' }, audioLanguages: ['cy-GB'] },
      });
      expect(await store.prompts.deleteAudio('welcome', 'cy-GB', 'alice')).toEqual({ kind: 'deleted' });
      expect(await store.prompts.audio('welcome', 'cy-GB')).toBeUndefined();
      expect(await store.prompts.delete('welcome', 'alice')).toEqual({ kind: 'deleted' });
      expect(await store.prompts.get('welcome')).toBeUndefined();
    });
  });

  describe('schedules, holiday calendars, queues, agents', () => {
    it('keep their data and refuse dangling references', async () => {
      const dates = [{ date: '2026-12-25', name: 'Christmas Day' }];
      expect(await store.holidayCalendars.create({ id: 'ew', name: 'England and Wales', dates }, 'alice')).toMatchObject({ kind: 'created', item: { dates } });
      const definition = { weekly: { mon: [['09:00', '17:00']] } };
      expect(await store.schedules.create({ id: 'office', name: 'Office hours', timezone: 'Europe/London', holidayCalendarId: 'nope', definition }, 'alice')).toEqual({
        kind: 'calendarNotFound',
        calendarId: 'nope',
      });
      expect(await store.schedules.create({ id: 'office', name: 'Office hours', timezone: 'Europe/London', holidayCalendarId: 'ew', definition }, 'alice')).toMatchObject({
        kind: 'created',
        item: { holidayCalendarId: 'ew', definition },
      });
      expect(await store.holidayCalendars.delete('ew', 'alice')).toEqual({ kind: 'inUse', by: ['schedule office'] });
      expect(await store.schedules.update('office', { name: 'Opening hours' }, 'alice')).toMatchObject({ kind: 'updated', item: { name: 'Opening hours', timezone: 'Europe/London' } });

      await store.queues.create({ id: 'highways', name: 'Highways', settings: { serviceLevelSeconds: 20 } }, 'alice');
      await store.queues.create({ id: 'housing', name: 'Housing', settings: {} }, 'alice');
      const endpoints = [{ kind: 'sip-uri' as const, value: 'sip:asha@pbx' }];
      expect(await store.agents.create({ id: 'a1', name: 'Asha', endpoints, skills: { welsh: 3 }, queueIds: ['nope'] }, 'alice')).toEqual({
        kind: 'queueNotFound',
        queueId: 'nope',
      });
      expect(await store.agents.create({ id: 'a1', name: 'Asha', endpoints, skills: { welsh: 3 }, queueIds: ['housing', 'highways', 'housing'] }, 'alice')).toMatchObject({
        kind: 'created',
        item: { queueIds: ['highways', 'housing'], skills: { welsh: 3 }, endpoints, activeEndpoint: 0 },
      });
      expect(await store.agents.create({ id: 'a1', name: 'Asha', endpoints: [], skills: {}, queueIds: [] }, 'alice')).toEqual({ kind: 'exists' });
      expect(await store.agents.update('a1', { queueIds: ['housing'] }, 'alice')).toMatchObject({ kind: 'updated', item: { queueIds: ['housing'], name: 'Asha' } });
      expect(await store.queues.delete('housing', 'alice')).toEqual({ kind: 'deleted' });
      expect((await store.agents.get('a1'))?.queueIds).toEqual([]);
      expect(await store.agents.delete('zzz', 'alice')).toEqual({ kind: 'notFound' });
      expect((await store.queues.list()).map((q) => q.id)).toEqual(['highways']);
    });
  });

  describe('calls and payments', () => {
    const event = (callId: string, seq: number, type: CallEvent['type'], data: CallEvent['data'] = {}, nodeId?: string): CallEvent => ({
      callId,
      seq,
      at: Date.parse('2026-01-07T10:00:00Z') + seq * 1000,
      type,
      data,
      ...(nodeId ? { nodeId } : {}),
    });

    it('record a call from start to end with its event log', async () => {
      await store.flows.create({ draft: flowJson('calls') }, 'alice');
      await store.flows.publish('calls', 1, 'alice', '');
      const startedAt = new Date('2026-01-07T10:00:00Z');
      const start = { id: 'call-1', kind: 'phone' as const, from: '+447700900123', to: '+441234500000', flowId: 'calls', flowVersion: 1, startedAt, engineInstanceId: instance };
      expect(await store.calls.start(start)).toEqual({ kind: 'started' });
      expect(await store.calls.start(start)).toEqual({ kind: 'exists' });
      await expect(store.calls.start({ ...start, id: 'call-bad', flowVersion: 42 })).rejects.toThrow(/foreign key/);
      expect(await store.calls.update('call-1', { queueId: 'highways', answeredAt: new Date('2026-01-07T10:00:01Z') })).toEqual({ kind: 'updated' });
      await store.calls.appendEvents([event('call-1', 1, 'call.started'), event('call-1', 2, 'node.entered', {}, 'menu'), event('call-1', 3, 'input.digits', { digits: '1' }, 'menu')]);
      await store.calls.appendEvents([event('call-1', 3, 'input.digits', { digits: 'again' }, 'menu'), event('call-1', 4, 'call.ended', { outcome: 'completed' })]);
      const end = { endedAt: new Date('2026-01-07T10:02:00Z'), outcome: 'completed', endedAtNode: 'bye', waitSeconds: 12.5, talkSeconds: 90 };
      expect(await store.calls.end('call-1', end)).toEqual({ kind: 'ended' });
      expect(await store.calls.end('call-1', { ...end, outcome: 'failed' })).toEqual({ kind: 'alreadyEnded' });
      expect(await store.calls.end('call-x', end)).toEqual({ kind: 'notFound' });
      expect(await store.calls.get('call-1')).toEqual({
        ...start,
        answeredAt: new Date('2026-01-07T10:00:01Z'),
        endedAt: end.endedAt,
        outcome: 'completed',
        endedAtNode: 'bye',
        queueId: 'highways',
        agentId: undefined,
        waitSeconds: 12.5,
        talkSeconds: 90,
      });
      const events = await store.calls.events('call-1');
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(events[2]).toEqual(event('call-1', 3, 'input.digits', { digits: '1' }, 'menu'));
    });

    it('list calls newest first, filtered and paged', async () => {
      const base = Date.parse('2026-02-01T09:00:00Z');
      for (let i = 0; i < 7; i++) {
        await store.calls.start({ id: `list-${i}`, kind: i % 2 ? 'test' : 'phone', from: '+447700900555', to: `+44123450000${i % 3}`, startedAt: new Date(base + i * 60_000), engineInstanceId: instance });
        if (i < 5) await store.calls.end(`list-${i}`, { endedAt: new Date(base + i * 60_000 + 30_000), outcome: i === 2 ? 'transferred' : 'completed', queueId: i === 2 ? 'housing' : undefined });
      }
      const page1 = await store.calls.list({ from: '+447700900555' }, { page: 1, pageSize: 3 });
      expect(page1).toMatchObject({ total: 7, page: 1, pageSize: 3 });
      expect(page1.items.map((c) => c.id)).toEqual(['list-6', 'list-5', 'list-4']);
      expect((await store.calls.list({ from: '+447700900555' }, { page: 3, pageSize: 3 })).items.map((c) => c.id)).toEqual(['list-0']);
      expect((await store.calls.list({ outcome: 'transferred' }, { page: 1, pageSize: 10 })).items.map((c) => c.id)).toEqual(['list-2']);
      expect((await store.calls.list({ queueId: 'housing' }, { page: 1, pageSize: 10 })).items.map((c) => c.id)).toEqual(['list-2']);
      expect((await store.calls.list({ from: '+447700900555', active: true }, { page: 1, pageSize: 10 })).items.map((c) => c.id)).toEqual(['list-6', 'list-5']);
      expect((await store.calls.list({ kind: 'test', to: '+441234500001' }, { page: 1, pageSize: 10 })).items.map((c) => c.id)).toEqual(['list-1']);
      const window = await store.calls.list({ since: new Date(base + 60_000), until: new Date(base + 3 * 60_000) }, { page: 1, pageSize: 10 });
      expect(window.items.map((c) => c.id)).toEqual(['list-2', 'list-1']);
      await expect(store.calls.list({}, { page: 0, pageSize: 10 })).rejects.toThrow(/page must be/);
    });

    it('write payments from payment events: one row per attempt, its outcome, newest first, filtered', async () => {
      await store.calls.start({ id: 'pay-call', kind: 'phone', from: '+447700900111', to: '+441234500000', flowId: undefined, startedAt: new Date(), engineInstanceId: instance });
      const started = { reference: 'PCN-AB12345', merchantReference: 'PCN-AB12345', amountPence: 3500, mode: 'bridge' };
      const ended = { status: 'paid', reference: 'PCN-AB12345', amountPence: 3500, transactionId: 'T-991', sessionId: 'sess-1', maskedCard: '**** 1111', reason: null, previouslyPaid: false };
      await store.calls.appendEvents([event('pay-call', 1, 'call.started'), event('pay-call', 2, 'payment.started', started, 'take-payment')]);
      expect(await store.payments.forCall('pay-call')).toMatchObject([{ id: 'pay-call:2', status: 'pending', amountMinor: 3500, nodeId: 'take-payment', callKind: 'phone', previouslyPaid: false }]);
      await store.calls.appendEvents([event('pay-call', 3, 'payment.ended', ended, 'take-payment')]);
      expect(await store.payments.get('pay-call:2')).toMatchObject({ status: 'paid', gatewayTransactionId: 'T-991', gatewaySessionId: 'sess-1', maskedCard: '**** 1111', completedAt: expect.any(Date) });

      // A second attempt (the caller pays the same reference again): found already paid, nothing charged.
      await store.calls.appendEvents([event('pay-call', 4, 'payment.started', started, 'take-payment')]);
      // A repeated event (seq 3 again) is ignored, and so is its payment: the new attempt stays pending.
      await store.calls.appendEvents([event('pay-call', 3, 'payment.ended', { ...ended, status: 'declined' }, 'take-payment')]);
      expect((await store.payments.get('pay-call:4'))?.status).toBe('pending');
      await store.calls.appendEvents([event('pay-call', 5, 'payment.ended', { ...ended, previouslyPaid: true, sessionId: null }, 'take-payment')]);
      expect(await store.payments.get('pay-call:4')).toMatchObject({ status: 'paid', previouslyPaid: true, gatewayTransactionId: 'T-991' });
      // One charge is one row: the same transaction paid twice (not as previously paid) is refused.
      await store.calls.appendEvents([event('pay-call', 6, 'payment.started', started, 'take-payment')]);
      await expect(store.calls.appendEvents([event('pay-call', 7, 'payment.ended', ended, 'take-payment')])).rejects.toThrow(/payments_one_row_per_charge/);
      await store.calls.appendEvents([event('pay-call', 7, 'payment.ended', { ...ended, status: 'abandoned', transactionId: 'T-992', maskedCard: null }, 'take-payment')]);

      // An event that does not read as a payment (a card-like reference, a card in the masked field) is logged but writes no row.
      await store.calls.appendEvents([event('pay-call', 8, 'payment.started', { ...started, reference: '4111111111111111' }, 'other')]);
      await store.calls.appendEvents([event('pay-call', 9, 'payment.started', started, 'third'), event('pay-call', 10, 'payment.ended', { ...ended, maskedCard: '4444333322221111' }, 'third')]);
      expect((await store.payments.forCall('pay-call')).map((p) => [p.id, p.status])).toEqual([
        ['pay-call:2', 'paid'],
        ['pay-call:4', 'paid'],
        ['pay-call:6', 'abandoned'],
        ['pay-call:9', 'pending'],
      ]);
      expect(JSON.stringify(await store.payments.forCall('pay-call'))).not.toMatch(/4111111111111111|4444333322221111/);
      await expect(store.calls.events('pay-call')).resolves.toHaveLength(10);

      const listed = await store.payments.list({ reference: 'PCN-AB12345', status: 'paid' }, { page: 1, pageSize: 10 });
      expect(listed.items.map((p) => p.id)).toEqual(['pay-call:4', 'pay-call:2']);
      expect((await store.payments.list({ transactionId: 'T-992' }, { page: 1, pageSize: 10 })).items.map((p) => p.id)).toEqual(['pay-call:6']);
      expect((await store.payments.list({ callKind: 'test' }, { page: 1, pageSize: 10 })).total).toBe(0);
      await expect(database.pool.query("INSERT INTO payments (id, call_id, reference) VALUES ('x', 'pay-call', '4111111111111111')")).rejects.toThrow(/payments_reference_check/);
    });
  });

  describe('users, sessions, API tokens, audit', () => {
    it('keep users with hashed passwords, sessions and tokens by hash, and an audit trail without secrets', async () => {
      const created = await store.users.create({ username: 'Dana', passwordHash: '$argon2id$v=19$fake-hash-for-test', role: 'publisher' }, 'system:admin-cli');
      if (created.kind !== 'created') throw new Error('expected created');
      const dana = created.user;
      expect(await store.users.create({ username: 'dana', passwordHash: 'x', role: 'viewer' }, 'system:admin-cli')).toEqual({ kind: 'exists' });
      expect(await store.users.byUsername('DANA')).toMatchObject({ id: dana.id, passwordHash: '$argon2id$v=19$fake-hash-for-test' });
      await expect(store.users.create({ username: 'eve', passwordHash: 'x', role: 'owner' as never }, 'x')).rejects.toThrow(/users_role_fkey/);

      const sessionHash = 'a'.repeat(64);
      await store.sessions.create({ tokenHash: sessionHash, userId: dana.id, expiresAt: new Date(Date.now() + 60_000) });
      await store.sessions.create({ tokenHash: 'b'.repeat(64), userId: dana.id, expiresAt: new Date(Date.now() - 1_000) });
      expect((await store.sessions.find(sessionHash))?.user.username).toBe('Dana');
      expect(await store.sessions.find('b'.repeat(64))).toBeUndefined();
      expect(await store.sessions.deleteExpired()).toBe(1);

      const token = await store.apiTokens.create({ name: 'ci', userId: dana.id, tokenHash: 'c'.repeat(64), prefix: 'fd_abcd' }, 'Dana');
      expect(token).toMatchObject({ kind: 'created', token: { name: 'ci', prefix: 'fd_abcd' } });
      expect(await store.apiTokens.create({ name: 'ci', userId: 'nobody', tokenHash: 'd'.repeat(64), prefix: 'fd_x' }, 'Dana')).toEqual({ kind: 'userNotFound' });
      const found = await store.apiTokens.find('c'.repeat(64));
      expect(found?.user.role).toBe('publisher');
      expect(found?.token.lastUsedAt).toBeInstanceOf(Date);
      if (token.kind !== 'created') throw new Error('expected token');
      expect(await store.apiTokens.revoke(token.token.id, 'Dana')).toEqual({ kind: 'revoked' });
      expect(await store.apiTokens.find('c'.repeat(64))).toBeUndefined();

      expect(await store.users.update(dana.id, { passwordHash: '$argon2id$new' }, 'Dana')).toMatchObject({ kind: 'updated' });
      expect(await store.sessions.find(sessionHash)).toBeUndefined();
      expect(await store.users.update(dana.id, { disabled: true }, 'system:admin-cli')).toMatchObject({ kind: 'updated', user: { disabled: true } });

      const trail = await store.audit.list({ entityType: 'user', entityId: dana.id }, { page: 1, pageSize: 10 });
      expect(trail.items.map((e) => e.action)).toEqual(['user.update', 'user.update', 'user.create']);
      expect(trail.items[1]?.after).toMatchObject({ passwordChanged: true });
      expect(JSON.stringify(trail.items)).not.toContain('argon2');
      expect(await store.users.delete(dana.id, 'system:admin-cli')).toEqual({ kind: 'deleted' });
      expect(await store.apiTokens.list(dana.id)).toEqual([]);
    });

    it('audit every flow change with before and after, in the same transaction', async () => {
      await store.flows.create({ draft: flowJson('audited', 'Before') }, 'frank');
      await store.flows.saveDraft('audited', flowJson('audited', 'After'), 1, 'grace');
      await store.flows.publish('audited', 2, 'heidi', 'go live');
      await store.audit.record({ actor: 'frank', action: 'auth.login', entityType: 'user', entityId: 'frank' });
      const flowTrail = await store.audit.list({ entityType: 'flow', entityId: 'audited' }, { page: 1, pageSize: 10 });
      expect(flowTrail.items.map((e) => [e.actor, e.action])).toEqual([
        ['heidi', 'flow.publish'],
        ['grace', 'flow.saveDraft'],
        ['frank', 'flow.create'],
      ]);
      expect(flowTrail.items[1]).toMatchObject({ before: { name: 'Before' }, after: { name: 'After' } });
      expect(flowTrail.items[0]).toMatchObject({ before: undefined, after: { publishedVersion: 1, note: 'go live' } });
      expect((await store.audit.list({ actor: 'frank', action: 'auth.login' }, { page: 1, pageSize: 10 })).total).toBe(1);
      // A failed change leaves no audit row: the numbers insert and its audit are one transaction.
      const before = (await store.audit.list({}, { page: 1, pageSize: 1 })).total;
      await expect(store.numbers.create({ did: 'bad did', flowId: 'audited', label: '' }, 'frank')).rejects.toThrow();
      expect((await store.audit.list({}, { page: 1, pageSize: 1 })).total).toBe(before);
    });
  });

  describe('engine instances', () => {
    it("end the calls of an engine's earlier run, and of engines that stopped answering, as engine-lost", async () => {
      await store.engineInstances.register({ id: 'lost-run-1', name: 'engine-lost-test', host: 'h', pid: 10 });
      await store.calls.start({ id: 'lost-call', kind: 'phone', from: '+447700900001', to: '+441234500000', startedAt: new Date(Date.now() - 5_000), engineInstanceId: 'lost-run-1' });
      const lastEventAt = Date.now() - 4_000;
      await store.calls.appendEvents([{ callId: 'lost-call', seq: 1, at: lastEventAt, type: 'call.started', data: {} }]);
      const restarted = await store.engineInstances.register({ id: 'lost-run-2', name: 'engine-lost-test', host: 'h', pid: 11 });
      expect(restarted.lostCalls).toEqual(['lost-call']);
      const call = await store.calls.get('lost-call');
      expect(call?.outcome).toBe('engine-lost');
      expect(call?.endedAt?.getTime()).toBe(lastEventAt);
      expect((await store.engineInstances.list()).find((i) => i.id === 'lost-run-1')?.stoppedAt).toBeInstanceOf(Date);

      await store.engineInstances.register({ id: 'silent-run', name: 'engine-silent', host: 'h', pid: 12 });
      await store.calls.start({ id: 'silent-call', kind: 'phone', from: '+447700900002', to: '+441234500000', startedAt: new Date(), engineInstanceId: 'silent-run' });
      expect((await store.engineInstances.heartbeat(instance, 60_000)).lostCalls).toEqual([]);
      await database.pool.query(`UPDATE engine_instances SET heartbeat_at = now() - interval '5 minutes' WHERE id = 'silent-run'`);
      expect((await store.engineInstances.heartbeat(instance, 60_000)).lostCalls).toEqual(['silent-call']);
      expect((await store.calls.get('silent-call'))?.outcome).toBe('engine-lost');
      await store.engineInstances.stop('lost-run-2');
      expect((await store.engineInstances.list()).find((i) => i.id === 'lost-run-2')?.stoppedAt).toBeInstanceOf(Date);
    });
  });

  describe('many connections at once', () => {
    it('serves concurrent queries and transactions through a pool of several connections', async () => {
      const work = Array.from({ length: 120 }, (_, i) =>
        i % 3 === 0
          ? store.queues.create({ id: `q-${i}`, name: `Queue ${i}`, settings: { n: i } }, 'alice')
          : i % 3 === 1
            ? store.flows.list()
            : database.pool.query<{ n: number; s: string }>('SELECT $1::int AS n, $2::text AS s', [i, `s${i}`]).then((r) => {
                expect(r.rows[0]).toEqual({ n: i, s: `s${i}` });
              }),
      );
      await Promise.all(work);
      const queues = await store.queues.list();
      for (let i = 0; i < 120; i += 3) expect(queues.find((q) => q.id === `q-${i}`)?.settings).toEqual({ n: i });
    });
  });

  it('reports health', async () => {
    expect(await store.health()).toEqual({ kind: backend.name, ok: true });
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
