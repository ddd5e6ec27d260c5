import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcdSignal } from '../../../ports/acd.js';
import type { Store } from '../../../ports/store.js';
import type { Database } from './database.js';
import { migrate, MIGRATIONS_DIR } from './migrate.js';
import { createPostgresStore } from './postgres-store.js';
import { openTestDatabase, testDatabases } from './test-databases.js';

const quiet = { info: () => undefined, warn: () => undefined };
const at = (time: string) => new Date(`2026-01-07T${time}Z`);

describe.each(testDatabases())('queues, agents and their states ($name)', (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let store: Store;

  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase(backend));
    // The schema before the ACD, with an agent as it was kept then, to see migration 0003 carry it over.
    const before = mkdtempSync(join(tmpdir(), 'frontdoor-migrations-'));
    try {
      for (const file of ['0001_initial_schema.sql', '0002_api_token_role.sql']) cpSync(join(MIGRATIONS_DIR, file), join(before, file));
      await migrate(database.pool, { dir: before });
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    await database.pool.query(`INSERT INTO queues (id, name) VALUES ('legacy', 'Legacy')`);
    await database.pool.query(`INSERT INTO agents (id, name, destination, skills) VALUES ('old-sip', 'Old SIP', 'sip:old@pbx', '{welsh,highways}'),
      ('old-teams', 'Old Teams', 'teams:+441234567890', '{}'), ('old-tel', 'Old phone', 'tel:+447700900001', '{}')`);
    await migrate(database.pool);
    store = await createPostgresStore(database, { logger: quiet, pollIntervalMs: 100 });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  it('migration 0003 turns an agent’s one destination into its first endpoint and plain skills into level 1', async () => {
    expect(await store.agents.get('old-sip')).toMatchObject({ endpoints: [{ kind: 'sip-uri', value: 'sip:old@pbx' }], activeEndpoint: 0, skills: { welsh: 1, highways: 1 } });
    expect((await store.agents.get('old-teams'))?.endpoints).toEqual([{ kind: 'teams', value: '+441234567890' }]);
    expect((await store.agents.get('old-tel'))?.endpoints).toEqual([{ kind: 'pstn', value: '+447700900001' }]);
    expect(await store.queues.get('legacy')).toMatchObject({ serviceLine: '', settings: {} });
    expect((await store.queues.get('legacy'))?.scheduleId).toBeUndefined();
  });

  it('keep a queue’s service line and stored schedule, refusing a schedule that does not exist', async () => {
    expect(await store.queues.create({ id: 'highways', name: 'Highways', serviceLine: 'Highways', scheduleId: 'nope', settings: {} }, 'alice')).toEqual({
      kind: 'scheduleNotFound',
      scheduleId: 'nope',
    });
    await store.schedules.create({ id: 'office', name: 'Office hours', timezone: 'Europe/London', definition: {} }, 'alice');
    const created = await store.queues.create({ id: 'highways', name: 'Highways', serviceLine: 'Highways', scheduleId: 'office', settings: { maxWaitSeconds: 900 } }, 'alice');
    expect(created).toMatchObject({ kind: 'created', item: { serviceLine: 'Highways', scheduleId: 'office', settings: { maxWaitSeconds: 900 } } });
    expect(await store.queues.update('highways', { name: 'Roads' }, 'alice')).toMatchObject({ item: { name: 'Roads', serviceLine: 'Highways', scheduleId: 'office' } });
    expect(await store.schedules.delete('office', 'alice')).toEqual({ kind: 'inUse', by: ['queue highways'] });
  });

  it('refuse to delete a queue while callers wait in it, and then delete it with its history', async () => {
    await store.queues.create({ id: 'busy', name: 'Busy', settings: {} }, 'alice');
    await database.pool.query(
      `INSERT INTO queue_entries (id, kind, queue_id, call_id, entered_at, state, ended_at, outcome)
       VALUES ('e1', 'caller', 'busy', 'c1', $1, 'waiting', NULL, NULL), ('e0', 'caller', 'busy', 'c0', $1, 'ended', $1, 'abandoned')`,
      [at('10:00:00')],
    );
    expect(await store.queues.delete('busy', 'alice')).toEqual({ kind: 'inUse', by: ['1 caller waiting'] });
    await database.pool.query(`UPDATE queue_entries SET state = 'ended', ended_at = entered_at, outcome = 'abandoned' WHERE id = 'e1'`);
    expect(await store.queues.delete('busy', 'alice')).toEqual({ kind: 'deleted' });
    expect((await database.pool.query(`SELECT id FROM queue_entries WHERE queue_id = 'busy'`)).rowCount).toBe(0);
  });

  it('keep an agent’s endpoints, skill levels and user, refusing what cannot be', async () => {
    const endpoints = [
      { kind: 'sip-user' as const, value: 'asha', label: 'Desk phone' },
      { kind: 'pstn' as const, value: '+447700900123', label: 'Mobile' },
    ];
    const user = await store.users.create({ username: 'asha', passwordHash: 'x', role: 'viewer' }, 'alice');
    if (user.kind !== 'created') throw new Error('no user');
    expect(await store.agents.create({ id: 'asha', name: 'Asha', userId: 'nobody', endpoints, skills: {}, queueIds: [] }, 'alice')).toEqual({ kind: 'userNotFound', userId: 'nobody' });
    expect(await store.agents.create({ id: 'asha', name: 'Asha', endpoints, activeEndpoint: 2, skills: {}, queueIds: [] }, 'alice')).toEqual({ kind: 'noSuchEndpoint', activeEndpoint: 2 });
    const created = await store.agents.create({ id: 'asha', name: 'Asha', userId: user.user.id, endpoints, activeEndpoint: 1, skills: { highways: 7, welsh: 2 }, queueIds: ['highways'] }, 'alice');
    expect(created).toMatchObject({ kind: 'created', item: { userId: user.user.id, endpoints, activeEndpoint: 1, skills: { highways: 7, welsh: 2 }, queueIds: ['highways'] } });
    expect(await store.agents.create({ id: 'ben', name: 'Ben', userId: user.user.id, endpoints: [], skills: {}, queueIds: [] }, 'alice')).toEqual({
      kind: 'userTaken',
      userId: user.user.id,
      agentId: 'asha',
    });
    expect(await store.agents.update('asha', { activeEndpoint: 0, skills: { highways: 8 } }, 'alice')).toMatchObject({ item: { activeEndpoint: 0, skills: { highways: 8 }, queueIds: ['highways'] } });
    const audit = await store.audit.list({ entityType: 'agent', entityId: 'asha' }, { page: 1, pageSize: 10 });
    expect(audit.items.map((a) => a.action)).toEqual(['agent.update', 'agent.create']);
  });

  it('leave a test realm’s simulated agents out of the agents', async () => {
    await database.pool.query(`INSERT INTO agents (id, name, realm) VALUES ('sim-1', 'Simulated', 'test:abc')`);
    expect((await store.agents.list()).map((a) => a.id)).not.toContain('sim-1');
    expect(await store.agents.get('sim-1')).toBeUndefined();
    expect(await store.agents.create({ id: 'sim-1', name: 'Clash', endpoints: [], skills: {}, queueIds: [] }, 'alice')).toEqual({ kind: 'exists' });
    expect((await store.agentStates.list()).map((s) => s.agentId)).not.toContain('sim-1');
    expect(await store.agentStates.get('sim-1')).toMatchObject({ state: 'offline' });
  });

  it('log an agent in, on a break and out, each change logged with who made it, waking dispatch on becoming available', async () => {
    const signals: AcdSignal[] = [];
    const stop = store.onAcdSignal((signal) => signals.push(signal));
    try {
      expect(await store.agentStates.get('asha')).toEqual({ agentId: 'asha', state: 'offline', missedOffers: 0 });
      expect(await store.agentStates.get('nobody')).toBeUndefined();
      expect(await store.agentStates.set('nobody', { state: 'available' }, at('09:00:00'), 'asha')).toEqual({ kind: 'notFound' });

      expect(await store.agentStates.set('asha', { state: 'available' }, at('09:00:00'), 'asha')).toEqual({
        kind: 'changed',
        state: { agentId: 'asha', state: 'available', since: at('09:00:00'), idleSince: at('09:00:00'), missedOffers: 0 },
      });
      expect(signals).toEqual([{ kind: 'wake', realm: '' }]);
      expect(await store.agentStates.set('asha', { state: 'available' }, at('09:01:00'), 'asha')).toMatchObject({ kind: 'unchanged', state: { since: at('09:00:00') } });
      expect(await store.agentStates.set('asha', { state: 'break', reason: 'lunch' }, at('12:00:00'), 'sup')).toMatchObject({
        kind: 'changed',
        state: { state: 'break', reason: 'lunch', since: at('12:00:00') },
      });
      expect((await store.agentStates.get('asha'))?.idleSince).toBeUndefined();
      expect(await store.agentStates.set('asha', { state: 'offline' }, at('17:00:00'), 'asha')).toMatchObject({ kind: 'changed', state: { state: 'offline' } });
      expect(signals).toHaveLength(1);

      const history = await store.agentStates.history('asha', { page: 1, pageSize: 10 });
      expect(history.total).toBe(3);
      expect(history.items.map((h) => [h.state, h.previous, h.reason, h.actor, h.at])).toEqual([
        ['offline', 'break', undefined, 'asha', at('17:00:00')],
        ['break', 'available', 'lunch', 'sup', at('12:00:00')],
        ['available', undefined, undefined, 'asha', at('09:00:00')],
      ]);
      expect((await store.agentStates.list()).find((s) => s.agentId === 'asha')).toMatchObject({ state: 'offline', since: at('17:00:00') });
    } finally {
      stop();
    }
  });

  it('leave an agent who is ringing or on a call as they are: change it after the call', async () => {
    await store.agents.create({ id: 'cara', name: 'Cara', endpoints: [], skills: {}, queueIds: ['highways'] }, 'alice');
    await store.agentStates.set('cara', { state: 'available' }, at('09:00:00'), 'cara');
    await database.pool.query(
      `INSERT INTO queue_entries (id, kind, queue_id, call_id, entered_at, state, agent_id) VALUES ('e2', 'caller', 'highways', 'c2', $1, 'offered', 'cara')`,
      [at('10:00:00')],
    );
    await database.pool.query(`UPDATE agent_states SET state = 'ringing', idle_since = NULL, entry_id = 'e2', call_id = 'c2' WHERE agent_id = 'cara'`);
    expect(await store.agentStates.set('cara', { state: 'break', reason: 'tea' }, at('10:00:05'), 'cara')).toMatchObject({ kind: 'busy', state: { state: 'ringing', callId: 'c2' } });
  });
});
