/**
 * The ACD for a designer's test call, a flow test or a bench: the same dispatcher, tables and queue
 * settings as real calls, in a realm of its own with simulated agents — who log in on a break, become
 * free some seconds into the first caller's wait in their queue, and answer their own way (the
 * simulator's SimulatedCall rings them by the world's description). Closing the realm removes its
 * agents; its queue entries and events stay, as history.
 */
import type { Clock } from '../ports/clock.js';
import type { Destination } from '../ports/call-channel.js';
import type { EngineLogger } from '../ports/logger.js';
import type { QueueJoinRequest, QueueJoinResult, QueuePort } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { AcdRealm, type CallbackHandler, type QueueOverride } from './acd.js';

export interface SimulatedAgentPlan {
  /** The agent's id in the database (unique across realms open at once). */
  id: string;
  name: string;
  queueId: string;
  /** Undefined: whatever the queue's first caller needs (at the top level). */
  skills?: Record<string, number> | undefined;
  /** Free this long into the first caller's wait in the queue. */
  availableAfterSeconds: number;
}

export interface TestRealmOptions {
  store: Store;
  clock: Clock;
  engineInstanceId: string;
  logger: EngineLogger;
  realm: string;
  /** The realm's simulated agents for a queue (asked once per queue, when its first caller joins). */
  agentsFor(queueId: string): SimulatedAgentPlan[];
  overrides?(queueId: string): QueueOverride | undefined;
  /** Queues the store lacks are set up with default settings (a flow test's scratch database); else they are a fault. */
  createMissingQueues?: boolean;
  /** Who works this realm's callbacks (queue/callbacks.ts), if it takes any. */
  callbacks?(realm: AcdRealm): CallbackHandler;
}

const SYSTEM = 'system:simulator';

/** What comes between a simulated agent's own id and the tag that keeps it apart from other realms' (agent ids allow no other mark). */
export const SIMULATED_TAG = '--';

/** Every skill a caller asks for, at the top level. */
const everySkill = (needed: QueueJoinRequest['skills']): Record<string, number> =>
  Object.fromEntries((Array.isArray(needed) ? (needed as readonly string[]) : Object.keys(needed)).map((skill) => [skill, 10]));

export class TestRealm implements QueuePort {
  readonly acd: AcdRealm;
  private readonly localAgents = new Map<string, { name: string; destination: Destination }>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly timers = new AbortController();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: TestRealmOptions) {
    this.acd = new AcdRealm({
      store: options.store,
      clock: options.clock,
      engineInstanceId: options.engineInstanceId,
      logger: options.logger,
      realm: options.realm,
      localAgents: this.localAgents,
      ...(options.overrides ? { overrides: (queueId: string) => options.overrides!(queueId) } : {}),
    });
    if (options.callbacks) this.acd.workCallbacks(options.callbacks(this.acd));
  }

  async join(request: QueueJoinRequest): Promise<QueueJoinResult> {
    if (this.closing) throw new Error(`test realm ${this.options.realm} is closed`);
    let ready = this.queues.get(request.queueId);
    if (!ready) this.queues.set(request.queueId, (ready = this.acd.io(this.setUpQueue(request.queueId, request.skills))));
    await ready;
    return this.acd.join(request);
  }

  /** The queue exists (or is made) and its simulated agents are logged in, free at their time. */
  private async setUpQueue(queueId: string, needed: QueueJoinRequest['skills']): Promise<void> {
    const { store, clock } = this.options;
    if (this.options.createMissingQueues && !(await store.queues.get(queueId))) {
      // Two realms may make the same queue at once: whoever is second finds it there.
      await store.queues.create({ id: queueId, name: queueId, settings: {} }, SYSTEM);
    }
    const plans = this.options.agentsFor(queueId).filter((plan) => !this.localAgents.has(plan.id));
    if (plans.length === 0) return;
    // Logged in from the start: free now, or on a break until their time.
    await store.acd.addSimulatedAgents(
      this.options.realm,
      plans.map((p) => ({
        id: p.id,
        name: p.name,
        queueIds: [p.queueId],
        skills: p.skills ?? everySkill(needed),
        state: p.availableAfterSeconds <= 0 ? { state: 'available' as const } : { state: 'break' as const, reason: 'simulated: not free yet' },
      })),
      new Date(clock.now()),
    );
    for (const plan of plans) {
      this.localAgents.set(plan.id, { name: plan.name, destination: { kind: 'agent', agentId: plan.id } });
      if (plan.availableAfterSeconds <= 0) continue;
      clock.sleep(plan.availableAfterSeconds * 1000, this.timers.signal).then(
        () => this.acd.io(store.agentStates.set(plan.id, { state: 'available' }, new Date(clock.now()), SYSTEM)),
        () => undefined,
      );
    }
  }

  /**
   * Let the realm's callbacks (booked by callers who then hung up) run their course — on the realm's own
   * clock, so on simulated time at once — for up to `maxMs` of that clock.
   */
  async drainCallbacks(maxMs: number): Promise<void> {
    if (this.queues.size === 0) return;
    const { store, clock } = this.options;
    const until = clock.now() + maxMs;
    while (clock.now() < until && !this.closing) {
      const live = (await this.acd.io(store.acd.entries({ realm: this.options.realm, kind: 'callback' }))).filter((e) => e.state !== 'ended');
      if (live.length === 0) return;
      // Until the next one is due again, or a while (it waits for an agent, who frees up by their own clock).
      const due = Math.min(...live.map((e) => e.notBefore?.getTime() ?? Number.POSITIVE_INFINITY));
      const step = due > clock.now() && Number.isFinite(due) ? due - clock.now() : 60_000;
      await clock.sleep(Math.min(step, until - clock.now()), this.timers.signal).catch(() => undefined);
      this.acd.wake();
    }
  }

  /** Ends the realm: its simulated agents go, callers still in it are let go. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.timers.abort();
      await this.acd.close();
      if (this.queues.size > 0) await this.options.store.acd.closeRealm(this.options.realm);
    })();
    return this.closing;
  }
}
