import { describe, expect, it, vi } from 'vitest';
import type { CallEvent } from '../ports/call-events.js';
import type { CallLogBatch, CallRepository } from '../ports/store.js';
import { CallLog, recordCall, recordEndedCall } from './call-recorder.js';
import { TEST_ENGINE_INSTANCE_ID, testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';

const startedAt = new Date('2026-01-07T10:00:00Z');

function eventsOf(callId: string, count: number): CallEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    callId,
    seq: i + 1,
    at: startedAt.getTime() + i * 100,
    type: i === 0 ? 'call.started' : 'node.entered',
    nodeId: i === 0 ? undefined : `n${i}`,
    data: {},
  }));
}

const start = (id: string, engineInstanceId = TEST_ENGINE_INSTANCE_ID) => ({ id, kind: 'test' as const, from: '+447700900123', to: '+441234500000', startedAt, engineInstanceId });

/** The real repository, with the database "away" (its writes fail, health says so) while `down` is set. */
function withOutage(calls: CallRepository) {
  const state = { down: false, writes: 0 };
  const repository: CallRepository = {
    ...calls,
    async write(batch: CallLogBatch) {
      state.writes += 1;
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return calls.write(batch);
    },
  };
  return { repository, state, healthy: async () => !state.down };
}

describe.each(testDatabases())('call records written behind the calls ($name)', (backend) => {
  const store = withTestStore(backend);

  it('writes every call’s start, its events in order and its end, many calls to a transaction', async () => {
    const { repository, state, healthy } = withOutage(store().calls);
    const errors: string[] = [];
    const log = new CallLog(repository, { onError: (what) => errors.push(what), healthy });
    const ids = Array.from({ length: 20 }, (_, i) => `batch-${i}`);
    for (const id of ids) {
      const recorder = recordCall(log, start(id));
      for (const event of eventsOf(id, 25)) recorder.events.append(event);
      recorder.finish({ endedAt: new Date(startedAt.getTime() + 5_000), outcome: 'completed', endedAtNode: 'n24' });
    }
    expect(await store().calls.get('batch-0')).toBeUndefined(); // nothing waited for the database
    await log.flushed();
    expect(errors).toEqual([]);
    expect(state.writes).toBeLessThanOrEqual(2);
    for (const id of ids) {
      expect((await store().calls.events(id)).map((e) => e.seq)).toEqual(eventsOf(id, 25).map((e) => e.seq));
      expect(await store().calls.get(id)).toMatchObject({ outcome: 'completed', endedAtNode: 'n24' });
    }
  });

  it('keeps the records while the database is away and writes them, in order, when it is back', async () => {
    const { repository, state, healthy } = withOutage(store().calls);
    const errors: string[] = [];
    const log = new CallLog(repository, { onError: (what) => errors.push(what), healthy });
    state.down = true;
    const recorder = recordCall(log, start('outage-1'));
    for (const event of eventsOf('outage-1', 5)) recorder.events.append(event);
    await vi.waitFor(() => expect(state.writes).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    recorder.finish({ endedAt: new Date(startedAt.getTime() + 1_000), outcome: 'callerHungUp' });
    expect(log.pending).toBeGreaterThan(0);
    state.down = false;
    await log.flushed();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/the database is not answering; they are kept/);
    expect((await store().calls.events('outage-1')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await store().calls.get('outage-1')).toMatchObject({ outcome: 'callerHungUp' });
  });

  it('drops and reports only the call whose records the database refuses', async () => {
    const errors: string[] = [];
    const log = new CallLog(store().calls, { onError: (what) => errors.push(what), healthy: async () => (await store().health()).ok });
    const bad = recordCall(log, start('refused-by-db', 'no-such-engine'));
    bad.events.append(eventsOf('refused-by-db', 1)[0]!);
    const good = recordCall(log, start('kept'));
    good.events.append(eventsOf('kept', 1)[0]!);
    good.finish({ endedAt: startedAt, outcome: 'completed' });
    await log.flushed();
    expect(errors).toEqual(['call refused-by-db: 2 records']);
    expect(await store().calls.get('refused-by-db')).toBeUndefined();
    expect(await store().calls.get('kept')).toMatchObject({ outcome: 'completed' });
  });

  it('records a call that ended before its flow began in one go, with why', async () => {
    const log = new CallLog(store().calls, { onError: () => undefined, healthy: async () => true });
    recordEndedCall(log, { ...start('refused-1'), kind: 'phone' }, { endedAt: startedAt, outcome: 'refused', outcomeDetail: 'overload: 21 new calls in the last second (limit 20)' });
    await log.flushed();
    expect(await store().calls.get('refused-1')).toMatchObject({
      kind: 'phone',
      outcome: 'refused',
      outcomeDetail: 'overload: 21 new calls in the last second (limit 20)',
      startedAt,
      endedAt: startedAt,
    });
    expect((await store().calls.get('refused-1'))?.flowId).toBeUndefined();
  });

  it('writes a call’s start at once when work on its row needs it (recorded), not after the usual wait', async () => {
    // The usual wait (FLUSH_MS) never passes on these timers: only a write asked for at once can happen.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { repository, state, healthy } = withOutage(store().calls);
      const log = new CallLog(repository, { onError: () => undefined, healthy });
      recordCall(log, start('recorded-1'));
      const recorded = log.recorded('recorded-1');
      await vi.advanceTimersByTimeAsync(0);
      await recorded;
      expect(state.writes).toBe(1);
      expect(await store().calls.get('recorded-1')).toMatchObject({ id: 'recorded-1' });
      await log.recorded('recorded-1'); // already written: at once
      await log.recorded('never-started');
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes the payments that payment events carry, in the same batch as the call', async () => {
    const log = new CallLog(store().calls, { onError: () => undefined, healthy: async () => true });
    const recorder = recordCall(log, start('paying-1'));
    const at = startedAt.getTime() + 1_000;
    recorder.events.append({ callId: 'paying-1', seq: 1, at, type: 'payment.started', nodeId: 'pay', data: { reference: 'REF-123', amountPence: 7000 } });
    recorder.events.append({ callId: 'paying-1', seq: 2, at: at + 5_000, type: 'payment.ended', nodeId: 'pay', data: { status: 'paid', amountPence: 7000, transactionId: 'T-1', maskedCard: '**** 1111' } });
    recorder.finish({ endedAt: new Date(at + 6_000), outcome: 'paid' });
    await log.flushed();
    expect(await store().payments.forCall('paying-1')).toEqual([expect.objectContaining({ status: 'paid', amountMinor: 7000, reference: 'REF-123', gatewayTransactionId: 'T-1' })]);
  });
});
