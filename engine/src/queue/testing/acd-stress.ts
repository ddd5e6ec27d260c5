/**
 * A randomised ACD workload for one engine — callers joining, abandoning, agents ringing and answering
 * or not, agents going on and off breaks — and the checks that hold whatever the interleaving, read
 * from the database afterwards. Run in a child process per engine (acd-worker.ts) by
 * acd-concurrency.test.ts, or in-process on the embedded database.
 */
import { SystemClock } from '../../adapters/clock/system-clock.js';
import type { AgentStateName } from '../../ports/acd.js';
import type { EngineLogger, QueueTicket, Store } from '../../ports/index.js';
import { AcdRealm } from '../acd.js';

export const STRESS_REALM = 'stress';
export const STRESS_QUEUES = ['stress-a', 'stress-b', 'stress-c'];

/** A small, fast, seedable random source (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const stressAgentIds = (agents: number): string[] => Array.from({ length: agents }, (_, i) => `stress-agent-${i + 1}`);

/** Queues and agents for the workload (once, before the engines start). */
export async function setUpStress(store: Store, agents: number): Promise<string[]> {
  for (const id of STRESS_QUEUES) {
    // Short rings and no wrap-up keep the workload quick; two missed offers put an agent on a break.
    await store.queues.create({ id, name: id, settings: { ringTimeoutSeconds: 5, wrapUpSeconds: 0, maxMissedOffers: 2, maxCallers: 10_000 } }, 'system:stress');
  }
  const ids = stressAgentIds(agents);
  await store.acd.addSimulatedAgents(
    STRESS_REALM,
    ids.map((id, i) => ({ id, name: id, queueIds: STRESS_QUEUES.filter((_, q) => (i + q) % 3 !== 0), skills: (i % 2 === 0 ? { welsh: 3 } : {}) as Record<string, number> })),
  );
  // Everyone starts logged in; the workload sends them on and off breaks.
  for (const id of ids) await store.agentStates.set(id, { state: 'available' }, new Date(), 'system:stress');
  return ids;
}

export interface StressOptions {
  store: Store;
  engineInstanceId: string;
  seed: number;
  callers: number;
  agentIds: string[];
  /** Real ms over which callers arrive. */
  spreadMs: number;
  logger: EngineLogger;
}

export interface StressReport {
  callers: number;
  offersDelivered: number;
  answered: number;
  missed: number;
  abandoned: number;
  presenceChanges: number;
  errors: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One engine's share of the workload; resolves when all its callers are done. */
export async function runStress(options: StressOptions): Promise<StressReport> {
  const { store, engineInstanceId, seed } = options;
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const clock = new SystemClock();
  const realm = new AcdRealm({ store, clock, engineInstanceId, logger: options.logger, realm: STRESS_REALM, sweepMs: 250, retryWrites: false });
  const report: StressReport = { callers: options.callers, offersDelivered: 0, answered: 0, missed: 0, abandoned: 0, presenceChanges: 0, errors: [] };
  const fail = (what: string, error: unknown) => report.errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);

  // Agents come and go while callers wait: breaks, back to available, logging out and in.
  let callersLeft = options.callers;
  const presence = (async () => {
    while (callersLeft > 0) {
      await sleep(20 + rand() * 80);
      const agentId = pick(options.agentIds);
      const roll = rand();
      const change: AgentStateName = roll < 0.8 ? 'available' : roll < 0.95 ? 'break' : 'offline';
      try {
        const result = await store.agentStates.set(agentId, change === 'available' ? { state: 'available' } : change === 'break' ? { state: 'break', reason: 'tea' } : { state: 'offline' }, new Date(clock.now()), `stress-${engineInstanceId}`);
        if (result.kind === 'changed') report.presenceChanges++;
      } catch (error) {
        fail(`presence ${agentId}`, error);
      }
    }
  })();

  const caller = async (n: number) => {
    await sleep(rand() * options.spreadMs);
    const callId = `${engineInstanceId}-call-${n}`;
    const patienceMs = 200 + rand() * 4000;
    await store.calls.start({ id: callId, kind: 'test', from: '+447700900123', to: '+441234500000', startedAt: new Date(clock.now()), engineInstanceId });
    const joined = await realm.join({
      callId,
      queueId: pick(STRESS_QUEUES),
      priority: rand() < 0.1 ? 50 : 0,
      skills: rand() < 0.2 ? { welsh: 2 } : {},
      vars: {},
      callerNumber: '+447700900123',
      signal: new AbortController().signal,
    });
    if (joined.kind !== 'joined') {
      // No agent logged in for the queue just now: the call ends there, as the node would take that exit.
      await store.calls.end(callId, { endedAt: new Date(clock.now()), outcome: joined.kind });
      return;
    }
    const ticket: QueueTicket = joined.ticket;
    const giveUp = new AbortController();
    const patience = setTimeout(() => giveUp.abort(), patienceMs);
    try {
      for (;;) {
        const offer = await ticket.nextOffer(giveUp.signal);
        report.offersDelivered++;
        await sleep(rand() * 60);
        const roll = rand();
        if (roll < 0.1) {
          // The caller hangs up while the agent rings.
          report.abandoned++;
          await ticket.leave('abandoned');
          return;
        }
        if (roll < 0.35) {
          report.missed++;
          await ticket.missed(offer, pick(['busy', 'noAnswer', 'failed', 'rejected'] as const));
          continue;
        }
        await ticket.answered(offer);
        report.answered++;
        await sleep(rand() * 100);
        await ticket.talkEnded(offer, { talkMs: Math.round(rand() * 100_000) });
        return;
      }
    } catch (error) {
      if (!giveUp.signal.aborted) throw error;
      report.abandoned++;
      await ticket.leave('abandoned');
    } finally {
      clearTimeout(patience);
      await store.calls.end(callId, { endedAt: new Date(clock.now()), outcome: 'completed' });
    }
  };

  await Promise.all(
    Array.from({ length: options.callers }, (_, n) =>
      caller(n)
        .catch((error: unknown) => fail(`caller ${n}`, error))
        .finally(() => callersLeft--),
    ),
  );
  await presence;
  await realm.close();
  return report;
}

/** What must hold however the engines interleaved; each broken rule is one line. */
export async function stressViolations(store: Store, agentIds: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const entries = await store.acd.entries({ realm: STRESS_REALM });
  for (const entry of entries) {
    if (entry.state !== 'ended' || !entry.outcome) problems.push(`caller ${entry.callId} was left ${entry.state} (lost)`);
    const call = await store.calls.get(entry.callId);
    if (!call?.queueOutcome) problems.push(`call ${entry.callId} has no queue outcome`);
    if (entry.outcome === 'answered' && call?.queueOutcome !== 'answered') problems.push(`call ${entry.callId} talked to an agent but is recorded ${call?.queueOutcome}`);
  }
  // Each caller's events: an offer is always settled (missed, answered, abandoned …) before the next.
  const events = [];
  for (let page = 1; ; page++) {
    const batch = await store.acd.events({ realm: STRESS_REALM }, { page, pageSize: 1000 });
    events.push(...batch.items);
    if (batch.items.length < 1000) break;
  }
  const byEntry = new Map<string, typeof events>();
  for (const event of events) if (event.entryId) byEntry.set(event.entryId, [...(byEntry.get(event.entryId) ?? []), event]);
  for (const [entryId, list] of byEntry) {
    list.sort((a, b) => Number(a.id) - Number(b.id));
    let ringing: string | undefined;
    for (const event of list) {
      if (event.type === 'offered') {
        if (ringing) problems.push(`caller ${entryId} was offered to ${event.agentId} while ${ringing} still had them`);
        ringing = event.agentId;
      } else if (['missed', 'abandoned', 'talk_ended', 'left', 'engine_lost', 'timeout'].includes(event.type)) ringing = undefined;
    }
  }
  // Each agent's log: never rung for a caller while ringing or talking to another.
  for (const agentId of agentIds) {
    const log = [];
    for (let page = 1; ; page++) {
      const batch = await store.agentStates.history(agentId, { page, pageSize: 1000 });
      log.push(...batch.items);
      if (batch.items.length < 1000) break;
    }
    log.sort((a, b) => Number(a.id) - Number(b.id));
    let busyWith: string | undefined;
    for (const change of log) {
      if (change.state === 'ringing') {
        if (busyWith) problems.push(`agent ${agentId} was rung for ${change.callId} while busy with ${busyWith}`);
        busyWith = change.callId;
      } else if (change.state === 'on_call') {
        if (busyWith !== change.callId) problems.push(`agent ${agentId} took ${change.callId} without being rung for it (busy with ${busyWith})`);
      } else busyWith = undefined;
    }
  }
  return problems;
}
