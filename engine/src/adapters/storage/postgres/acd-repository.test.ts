import { describe, expect, it } from 'vitest';
import type { AcdSignal, NewQueueEntry } from '../../../ports/acd.js';
import type { Store } from '../../../ports/store.js';
import { TEST_ENGINE_INSTANCE_ID, testDatabases, withTestStore } from './test-databases.js';

const T0 = Date.parse('2026-01-07T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const ENGINE = TEST_ENGINE_INSTANCE_ID;

describe.each(testDatabases())('the ACD in the database ($name)', (backend) => {
  const store = withTestStore(backend);
  let realmNo = 0;

  /** A realm of its own per test, with queues and logged-in agents. */
  async function setUp(agents: { id: string; queues?: string[]; skills?: Record<string, number>; availableAt?: number }[], queues = ['highways']) {
    const s = store();
    const realm = `acd-test-${++realmNo}`;
    for (const queue of queues) if (!(await s.queues.get(queue))) await s.queues.create({ id: queue, name: queue, settings: {} }, 'alice');
    await s.acd.addSimulatedAgents(
      realm,
      agents.map((a) => ({ id: `${realm}-${a.id}`, name: a.id, queueIds: a.queues ?? queues, skills: a.skills ?? {} })),
    );
    for (const a of agents) if (a.availableAt !== undefined) await s.agentStates.set(`${realm}-${a.id}`, { state: 'available' }, at(a.availableAt), 'test');
    let entries = 0;
    const enter = async (callId: string, seconds: number, extra: Partial<NewQueueEntry> = {}) => {
      const id = `${realm}-e${++entries}`;
      const result = await s.acd.enter({
        id,
        realm,
        queueId: queues[0]!,
        callId: `${realm}-${callId}`,
        priority: 0,
        skills: {},
        enteredAt: at(seconds),
        engineInstanceId: ENGINE,
        callerNumber: '+447700900123',
        ringTimeoutMs: 20_000,
        context: { reason: 'pothole' },
        ...extra,
      });
      expect(result.kind).toBe('entered');
      return id;
    };
    const agent = (id: string) => `${realm}-${id}`;
    const dispatch = (seconds: number) => s.acd.dispatch(realm, at(seconds), ENGINE, 50, false);
    return { s, realm, enter, agent, dispatch };
  }

  it('offers the highest priority, then the longest waiting caller, to the longest idle agent with the skills', async () => {
    const { s, enter, agent, dispatch } = await setUp([
      { id: 'welsh-expert', skills: { welsh: 8 }, availableAt: 5 },
      { id: 'welsh-learner', skills: { welsh: 2 }, availableAt: 1 },
      { id: 'plain', availableAt: 0 },
    ]);
    const early = await enter('early', 10);
    const late = await enter('late', 20);
    const urgent = await enter('urgent', 30, { priority: 50 });
    const fluent = await enter('fluent', 15, { skills: { welsh: 5 } });
    const offers = await dispatch(40);
    expect(offers.map((o) => [o.entryId, o.agentId])).toEqual([
      [urgent, agent('plain')],
      [early, agent('welsh-learner')],
      [fluent, agent('welsh-expert')],
    ]);
    expect(offers[0]).toMatchObject({ engineInstanceId: ENGINE, kind: 'caller', offerExpiresAt: at(40 + 50) });
    expect(await s.acd.position(late)).toBe(4);
    expect(await s.acd.position(urgent)).toBe(1);
    expect(await s.agentStates.get(agent('plain'))).toMatchObject({ state: 'ringing', entryId: urgent, since: at(40) });
    expect(await dispatch(41)).toEqual([]);
  });

  it('gives a missed caller to someone else first, and puts an agent who misses too many on a break', async () => {
    const { s, enter, agent, dispatch } = await setUp([
      { id: 'a', availableAt: 0 },
      { id: 'b', availableAt: 1 },
    ]);
    const caller = await enter('c', 10);
    const [first] = await dispatch(10);
    expect(first!.agentId).toBe(agent('a'));
    expect(await s.acd.missed(caller, agent('a'), 'noAnswer', at(30), { maxMissedOffers: 2 })).toEqual({ kind: 'missed', agent: 'available', entry: 'waiting' });
    const [second] = await dispatch(30);
    expect(second!.agentId).toBe(agent('b'));
    expect(await s.acd.missed(caller, agent('b'), 'busy', at(31), { maxMissedOffers: 1 })).toEqual({ kind: 'missed', agent: 'break', entry: 'waiting' });
    expect(await s.agentStates.get(agent('b'))).toMatchObject({ state: 'break', reason: 'missed calls', missedOffers: 1 });
    const [third] = await dispatch(32);
    expect(third!.agentId).toBe(agent('a'));
    expect((await s.acd.entry(caller))?.missedAgents).toEqual([agent('a'), agent('b')]);
    // A report about an offer that is no longer that agent's changes nothing.
    expect(await s.acd.missed(caller, agent('b'), 'busy', at(33), { maxMissedOffers: 1 })).toMatchObject({ entry: 'gone' });
    const events = await s.acd.events({ callId: (await s.acd.entry(caller))!.callId }, { page: 1, pageSize: 50 });
    expect(events.items.map((e) => [e.type, e.data.result ?? ''])).toEqual([
      ['entered', ''],
      ['offered', ''],
      ['missed', 'noAnswer'],
      ['offered', ''],
      ['missed', 'busy'],
      ['offered', ''],
    ]);
  });

  it('connects, records the call’s queue, agent, wait and talk, wraps up, and frees the agent when wrap-up is over', async () => {
    const { s, enter, agent, dispatch, realm } = await setUp([{ id: 'a', availableAt: 0 }]);
    const callId = `${realm}-answered`;
    await s.calls.start({ id: callId, kind: 'test', from: '+447700900123', to: '+441234500000', startedAt: at(0), engineInstanceId: ENGINE });
    const caller = await enter('answered', 5);
    expect((await s.calls.get(callId))?.queueId).toBe('highways');
    await dispatch(6);
    expect(await s.acd.answered(caller, agent('a'), at(12))).toMatchObject({ kind: 'connected', entry: { state: 'connected', answeredAt: at(12) } });
    expect(await s.agentStates.get(agent('a'))).toMatchObject({ state: 'on_call', callId, queueId: 'highways' });
    expect(await s.acd.leave(caller, 'abandoned', at(13))).toEqual({ kind: 'gone' });
    await s.acd.talkEnded(caller, at(112), { talkSeconds: 100, wrapUpSeconds: 30, outcome: 'answered' });
    expect(await s.agentStates.get(agent('a'))).toMatchObject({ state: 'wrap_up', wrapEndsAt: at(142) });
    expect(await s.calls.get(callId)).toMatchObject({ agentId: agent('a'), waitSeconds: 7, talkSeconds: 100, queueOutcome: 'answered' });
    expect(await s.acd.entry(caller)).toMatchObject({ state: 'ended', outcome: 'answered', agentId: agent('a') });
    expect(await s.acd.figures(realm, 'highways', at(120))).toMatchObject({ waiting: 0, loggedIn: 1, staffed: 1, available: 0, meanHandleSeconds: 130 });
    const next = await enter('next', 120);
    expect(await dispatch(130)).toEqual([]);
    const [offer] = await dispatch(142);
    expect(offer).toMatchObject({ entryId: next, agentId: agent('a') });
    const history = await s.agentStates.history(agent('a'), { page: 1, pageSize: 10 });
    expect(history.items.map((h) => [h.state, h.actor])).toEqual([
      ['ringing', 'system:acd'],
      ['available', 'system:acd'],
      ['wrap_up', 'system:acd'],
      ['on_call', 'system:acd'],
      ['ringing', 'system:acd'],
      ['available', 'test'],
    ]);
  });

  it('frees an agent ringing for a caller who hangs up, and records how long the caller waited', async () => {
    const signals: AcdSignal[] = [];
    const { s, enter, agent, dispatch, realm } = await setUp([{ id: 'a', availableAt: 0 }]);
    const stop = s.onAcdSignal((signal) => signals.push(signal));
    try {
      const caller = await enter('gone', 0);
      await dispatch(40);
      expect(await s.acd.leave(caller, 'abandoned', at(45))).toEqual({ kind: 'left', waitSeconds: 45 });
      expect(await s.agentStates.get(agent('a'))).toMatchObject({ state: 'available', idleSince: at(45), missedOffers: 0 });
      expect(await s.acd.answered(caller, agent('a'), at(46))).toEqual({ kind: 'gone' });
      expect(signals.filter((x) => x.realm === realm).map((x) => x.kind)).toEqual(['wake', 'offer', 'wake']);
      const [left] = (await s.acd.events({ realm, type: 'abandoned' }, { page: 1, pageSize: 5 })).items;
      expect(left).toMatchObject({ agentId: agent('a'), data: { waitSeconds: 45, whileRinging: agent('a') } });
    } finally {
      stop();
    }
  });

  it('turns a caller into a callback in the same place, retries it, and fails it after the last attempt', async () => {
    const { s, enter, agent, dispatch, realm } = await setUp([{ id: 'a', availableAt: 0 }]);
    const callback = await enter('cb', 0);
    const later = await enter('later', 10);
    await s.acd.leave(later, 'abandoned', at(11));
    expect(await s.acd.toCallback(callback, '+447700900555', at(20))).toMatchObject({ kind: 'callback', entry: { kind: 'callback', callbackNumber: '+447700900555', engineInstanceId: '' } });
    // An engine that places no calls does not take it.
    expect(await dispatch(21)).toEqual([]);
    const [offer] = await s.acd.dispatch(realm, at(22), ENGINE, 50, true);
    expect(offer).toMatchObject({ entryId: callback, kind: 'callback', engineInstanceId: ENGINE });
    await s.acd.answered(callback, agent('a'), at(25));
    await s.acd.callbackAttempt(callback, at(60), { kind: 'failed', reason: 'noAnswer', retryAt: at(360) });
    expect(await s.acd.entry(callback)).toMatchObject({ state: 'waiting', callbackAttempts: 1, notBefore: at(360), enteredAt: at(0) });
    expect(await s.agentStates.get(agent('a'))).toMatchObject({ state: 'available' });
    expect(await s.acd.dispatch(realm, at(300), ENGINE, 50, true)).toEqual([]);
    await s.acd.dispatch(realm, at(360), ENGINE, 50, true);
    await s.acd.answered(callback, agent('a'), at(365));
    await s.acd.callbackAttempt(callback, at(400), { kind: 'failed', reason: 'busy' });
    expect(await s.acd.entry(callback)).toMatchObject({ state: 'ended', outcome: 'callback_failed', callbackAttempts: 2 });
    const types = (await s.acd.events({ realm, callId: `${realm}-cb` }, { page: 1, pageSize: 20 })).items.map((e) => e.type);
    expect(types).toEqual(['entered', 'callback_accepted', 'offered', 'answered', 'callback_failed', 'offered', 'answered', 'callback_failed']);
  });

  it('takes back offers nobody reported on, and ends what an engine that died left behind', async () => {
    const s = store();
    const { enter, agent, dispatch, realm } = await setUp([
      { id: 'a', availableAt: 0 },
      { id: 'b', availableAt: 0 },
    ]);
    const stuck = await enter('stuck', 0);
    await dispatch(1);
    expect(await s.acd.expireOffers(realm, at(30))).toBe(0);
    expect(await s.acd.expireOffers(realm, at(60))).toBe(1);
    expect(await s.acd.entry(stuck)).toMatchObject({ state: 'waiting' });
    await s.acd.leave(stuck, 'exit', at(61));

    // An engine that dies with one caller waiting, one being offered and one talking to an agent.
    await s.engineInstances.register({ id: 'doomed', name: 'doomed', host: 'test', pid: 1 });
    await s.calls.start({ id: `${realm}-talking`, kind: 'test', from: '+447700900123', to: '+441234500000', startedAt: at(0), engineInstanceId: 'doomed' });
    const waiting = await enter('waiting', 100, { engineInstanceId: 'doomed' });
    const talking = await enter('talking', 101, { engineInstanceId: 'doomed' });
    await dispatch(102);
    await s.acd.answered(talking, agent('a'), at(103));
    const ringing = (await s.acd.entry(waiting))!;
    expect(ringing.state).toBe('offered');
    await s.engineInstances.stop('doomed');
    await s.engineInstances.heartbeat(ENGINE, 60_000);
    expect(await s.acd.entry(waiting)).toMatchObject({ state: 'ended', outcome: 'engine_lost' });
    expect(await s.acd.entry(talking)).toMatchObject({ state: 'ended', outcome: 'engine_lost' });
    expect((await s.agentStates.get(agent('a')))?.state).toBe('available');
    expect((await s.agentStates.get(agent('b')))?.state).toBe('available');
    // The call that talked to an agent keeps "answered"; the record itself says engine-lost.
    expect(await s.calls.get(`${realm}-talking`)).toMatchObject({ outcome: 'engine-lost', queueOutcome: 'answered', agentId: agent('a') });
  });

  it('never lets one agent hold two callers, nor one caller two agents', async () => {
    const { s, enter, agent, realm } = await setUp([{ id: 'a', availableAt: 0 }]);
    const first = await enter('one', 0);
    const second = await enter('two', 1);
    await s.acd.dispatch(realm, at(2), ENGINE, 50, false);
    await expect(s.agentStates.get(agent('a'))).resolves.toMatchObject({ entryId: first });
    const db = s as unknown as Store;
    await expect(
      db.acd.dispatch(realm, at(3), ENGINE, 50, false).then(async () => (await db.acd.entry(second))!.state),
    ).resolves.toBe('waiting');
  });
});
