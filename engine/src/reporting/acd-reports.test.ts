/**
 * The reports against the real ACD, end to end: phone calls run through the engine's own call handling
 * (phoneCallHandler over createEngineCalls, as main.ts wires it) into the engine's real queue (EngineAcd,
 * realm ''), where a simulated adviser — a real agent of the store, logged in, whose phone the simulator
 * answers as the world says — takes them; nothing is seeded but the queue, the agent and the flow. The
 * history, the wallboard and the staffing must then show what the ACD itself wrote, to the second.
 *
 * Simulated time from 09:29:00 GMT on Tuesday 10 March 2026, moved by the test (so the adviser's two
 * minutes of talk cost no real time, and nothing moves while a call is being set up). Highways:
 * thresholds 20 s and 180 s, targets 80 % and 95 %, short abandon under 5 s, abandoned at most 5 %,
 * wrap-up 30 s. Asha's phone rings 4 s before she answers; she talks 120 s.
 *   A 09:29:00 queues; Asha is free and offered at once. The offer cuts the caller's "You are number 1
 *     in the queue." short and Asha's phone rings 4 s: answered at 09:29:04, a wait of 4 s. She hears the
 *     queue's name ("Highways.", 0.585 s) and talks 120 s: talk 120.585 s, ending 09:31:04.585 — across the
 *     09:30 boundary, counted in the half-hour the caller joined — then wrap-up to 09:31:34.585 (30 s):
 *     handle time 150.585 s.
 *   B 09:35:00 queues while Asha is on a break; hangs up after 3 s: a short abandon, not judged.
 *   C 09:40:00 queues while Asha is on a break; hangs up after 40 s: abandoned.
 * The 09:00 half-hour: offered 1, answered 1, within 20 s 1 (100 %), ASA 4 s, AHT 150.585 s.
 * The 09:30 half-hour: offered 2, short abandons 1, abandoned 1 of the 1 judged (100 %), longest wait 40 s.
 * The day: offered 3, judged 2, within 20 s 1 (50 %), abandoned 1 (50 % against 5 %: missed).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_ENGINE_INSTANCE_ID, testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { SimulatedCall } from '../adapters/telephony/simulator/simulated-call.js';
import { SimulatedClock } from '../adapters/telephony/simulator/simulated-clock.js';
import { simulatedStandIns } from '../adapters/telephony/simulator/simulated-ports.js';
import { worldSchema } from '../adapters/telephony/simulator/world.js';
import type { CallerAction } from '../adapters/telephony/simulator/caller-action.js';
import { createEngineCalls } from '../calls/engine-calls.js';
import { phoneCallHandler } from '../calls/phone-calls.js';
import { EngineAcd } from '../queue/engine-acd.js';
import type { JsonObject } from '../ports/store.js';
import { Reporting } from './reporting.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DID = '+441234500014';
const T = (time: string) => new Date(`2026-03-10T${time}Z`);

const line: JsonObject & { id: string; name: string } = {
  schemaVersion: 1,
  id: 'highways-line',
  name: 'Highways line',
  entry: 'queue',
  nodes: [
    { id: 'queue', kind: 'queue', version: 2, params: { queueId: 'highways' } },
    { id: 'bye', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Goodbye.' } } } },
  ],
  edges: ['answered', 'transferred', 'callback', 'message', 'overflow', 'timeout', 'full', 'closed', 'noAgents'].map((outcome) => ({
    id: `q-${outcome}`,
    from: 'queue',
    outcome,
    to: 'bye',
  })),
};

describe.each(testDatabases())('reports of the real ACD’s calls ($name)', (backend) => {
  const store = withTestStore(backend);
  const clock = new SimulatedClock(T('09:29:00').getTime(), { idleDriven: false });
  const world = worldSchema.parse({ queues: { highways: { agents: [{ id: 'asha', ringSeconds: 4, talkSeconds: 120 }] } } });
  let acd: EngineAcd;
  let calls: Awaited<ReturnType<typeof createEngineCalls>>;
  let reporting: Reporting;

  /**
   * One phone call to the line as a resident makes it, from `from`; resolves once it has ended and the ACD
   * has written the caller's leaving. Time stands still until the caller is in the queue.
   */
  const phone = async (callId: string, from: string, caller: CallerAction[]) => {
    const handle = phoneCallHandler({ flows: calls.flows, ports: calls.ports.phone, engineInstanceId: TEST_ENGINE_INSTANCE_ID, logger: quiet, log: calls.log });
    const call = new SimulatedCall({ callId, from, to: DID, clock, input: caller, world });
    let ended = false;
    const done = handle(call, { did: DID, from }).finally(() => (ended = true));
    await vi.waitFor(async () => expect(await store().acd.entries({ callId })).toHaveLength(1), { timeout: 20_000, interval: 20 });
    while (!ended) await clock.advance(1000);
    await done;
    await vi.waitFor(async () => expect((await store().acd.entries({ callId }))[0]?.state).toBe('ended'), { timeout: 20_000, interval: 20 });
    return call;
  };
  /** Moves simulated time on to `at` (the ACD's own timers run: wrap-up ending). */
  const until = (at: Date) => clock.advance(at.getTime() - clock.now());

  beforeAll(async () => {
    const s = store();
    await s.queues.create(
      {
        id: 'highways',
        name: 'Highways',
        serviceLine: 'Highways',
        settings: { wrapUpSeconds: 30, serviceLevel: { answeredWithinSeconds: [20, 180], shortAbandonSeconds: 5, targetPercents: [80, 95], abandonedTargetPercent: 5 } },
      },
      'test',
    );
    await s.agents.create({ id: 'asha', name: 'Asha', endpoints: [{ kind: 'sip-user', value: 'asha' }], skills: {}, queueIds: ['highways'] }, 'test');
    await s.flows.create({ draft: line }, 'test');
    await s.flows.publish('highways-line', 1, 'test', 'the line');
    await s.numbers.create({ did: DID, flowId: 'highways-line', label: 'Highways' }, 'test');
    acd = new EngineAcd({ store: s, clock, engineInstanceId: TEST_ENGINE_INSTANCE_ID, logger: quiet, sweepMs: 0 });
    calls = await createEngineCalls({ store: s, logger: quiet, adapters: { clock, ...simulatedStandIns(world, clock), queue: acd.phone } });
    reporting = new Reporting({ store: s, clock });

    await s.agentStates.set('asha', { state: 'available' }, new Date(clock.now()), 'asha');
    const a = await phone('call-a', '+447700900001', [{ wait: 600 }]);
    expect(a.heard.map((h) => h.text)).toEqual(['You are number 1 in the queue.', '(connected to agent:asha)', 'Goodbye.']);
    await until(T('09:32:00'));
    expect(await s.agentStates.get('asha')).toMatchObject({ state: 'available', since: new Date('2026-03-10T09:31:34.585Z') });


    await until(T('09:35:00'));
    await s.agentStates.set('asha', { state: 'break', reason: 'Lunch' }, new Date(clock.now()), 'asha');
    await phone('call-b', '+447700900002', [{ wait: 3 }, { hangup: true }]);
    await until(T('09:40:00'));
    await phone('call-c', '+447700900003', [{ wait: 40 }, { hangup: true }]);
  }, 120_000);
  afterAll(async () => {
    reporting?.close();
    calls?.close();
    await acd?.close();
  });

  it('the ACD wrote what the reports read: the visits, the answer and the wrap-up', async () => {
    const entries = await store().acd.entries({ queueId: 'highways' });
    const byCall = Object.fromEntries(entries.map((e) => [e.callId, e]));
    expect(byCall['call-a']).toMatchObject({ enteredAt: T('09:29:00'), answeredAt: T('09:29:04.000'), endedAt: T('09:31:04.585'), outcome: 'answered', agentId: 'asha' });
    expect(byCall['call-b']).toMatchObject({ enteredAt: T('09:35:00'), endedAt: T('09:35:03'), outcome: 'abandoned' });
    expect(byCall['call-c']).toMatchObject({ enteredAt: T('09:40:00'), endedAt: T('09:40:40'), outcome: 'abandoned' });
    expect(await store().calls.get('call-a')).toMatchObject({ kind: 'phone', queueId: 'highways', agentId: 'asha', queueOutcome: 'answered' });
  });

  it('history by half-hour and by day: every figure as worked by hand above, live and rolled up', async () => {
    const halfHours = await reporting.history({ scope: { kind: 'queue', queueId: 'highways' }, granularity: 'halfHour', from: '2026-03-10T09:00:00Z', to: '2026-03-10T10:00:00Z' });
    if (halfHours.kind !== 'ok') throw new Error(JSON.stringify(halfHours));
    const [nine, half] = halfHours.value.periods;
    expect(nine).toMatchObject({ offered: 1, answered: 1, abandoned: 0, shortAbandoned: 0, asa: 4, aht: expect.closeTo(150.585, 6), longestWait: 4 });
    expect(nine!.answeredWithin).toEqual([
      { seconds: 20, count: 1, percent: 100 },
      { seconds: 180, count: 1, percent: 100 },
    ]);
    expect(half).toMatchObject({ offered: 2, answered: 0, abandoned: 1, shortAbandoned: 1, abandonedPercent: 100, longestWait: 40 });

    const day = await reporting.history({ scope: { kind: 'queue', queueId: 'highways' }, granularity: 'day', from: '2026-03-10', to: '2026-03-11' });
    if (day.kind !== 'ok') throw new Error(JSON.stringify(day));
    // An hour later the half-hours are rolled up (migration 0008's tables): the history reads the same from them.
    await until(T('11:00:00'));
    const rolled = await reporting.rollUp();
    expect(rolled?.queues?.through.getTime()).toBeGreaterThanOrEqual(T('10:00:00').getTime());
    const rolledUp = await reporting.history({ scope: { kind: 'queue', queueId: 'highways' }, granularity: 'halfHour', from: '2026-03-10T09:00:00Z', to: '2026-03-10T10:00:00Z' });
    expect(rolledUp).toEqual(halfHours);
    expect(day.value.periods).toHaveLength(1);
    expect(day.value.periods[0]).toMatchObject({ offered: 3, answered: 1, abandoned: 1, shortAbandoned: 1, abandonedPercent: 50, asa: 4, aht: expect.closeTo(150.585, 6), longestWait: 40 });
    expect(day.value.periods[0]!.answeredWithin).toEqual([
      { seconds: 20, count: 1, percent: 50 },
      { seconds: 180, count: 1, percent: 50 },
    ]);
  });

  it('the wallboard: nobody waiting, Asha on her break, today against the queue’s own targets', async () => {
    const board = await reporting.wallboard.current();
    const highways = board.queues.find((q) => q.id === 'highways')!;
    expect(highways).toMatchObject({ waiting: 0, longestWaitSeconds: 0, callbacksPending: 0, agents: { available: 0, break: 1, on_call: 0 } });
    expect(highways.today).toMatchObject({ offered: 3, answered: 1, abandoned: 1, shortAbandoned: 1, abandonedPercent: 50, abandonedTarget: 5, abandonedStanding: 'missed' });
    expect(highways.today.answeredWithin).toEqual([
      { seconds: 20, percent: 50, target: 80, standing: 'missed' },
      { seconds: 180, percent: 50, target: 95, standing: 'missed' },
    ]);
  });
});
