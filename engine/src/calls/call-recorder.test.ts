import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../ports/call-events.js';
import { recordCall } from './call-recorder.js';
import { TEST_ENGINE_INSTANCE_ID, testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';

describe.each(testDatabases())('recordCall ($name)', (backend) => {
  const store = withTestStore(backend);

  it('writes the call, every event in order, and its end', async () => {
    const errors: string[] = [];
    const startedAt = new Date('2026-01-07T10:00:00Z');
    const recorder = recordCall(
      store().calls,
      { id: 'rec-1', kind: 'test', from: '+447700900123', to: '+441234500000', startedAt, engineInstanceId: TEST_ENGINE_INSTANCE_ID },
      (what) => errors.push(what),
    );
    const events: CallEvent[] = Array.from({ length: 25 }, (_, i) => ({
      callId: 'rec-1',
      seq: i + 1,
      at: startedAt.getTime() + i * 100,
      type: i === 0 ? 'call.started' : 'node.entered',
      nodeId: i === 0 ? undefined : `n${i}`,
      data: {},
    }));
    for (const event of events) recorder.events.append(event);
    await recorder.finish({ endedAt: new Date(startedAt.getTime() + 5_000), outcome: 'completed', endedAtNode: 'n24' });
    expect(errors).toEqual([]);
    expect((await store().calls.events('rec-1')).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(await store().calls.get('rec-1')).toMatchObject({ outcome: 'completed', endedAtNode: 'n24' });
  });

  it('reports a failed write and goes on', async () => {
    const errors: string[] = [];
    const recorder = recordCall(
      store().calls,
      { id: 'rec-2', kind: 'test', from: '+447700900123', to: '+441234500000', startedAt: new Date(), engineInstanceId: 'no-such-engine' },
      (what) => errors.push(what),
    );
    recorder.events.append({ callId: 'rec-2', seq: 1, at: Date.now(), type: 'call.started', data: {} });
    await recorder.finish({ endedAt: new Date(), outcome: 'completed' });
    expect(errors).toEqual(['call rec-2: start record', 'call rec-2: 1 events']);
  });
});
