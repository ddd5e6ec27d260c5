/**
 * Queues and agents as the ACD needs them while calls wait: a queue's settings parsed (defaults filled),
 * its opening hours as the schedule node reads them, an agent's name and where to ring them now. Read
 * from the store and kept a few seconds, so a queue of hundreds announcing positions does not read its
 * settings hundreds of times; a change reaches waiting callers within that time.
 */
import { EngineError } from '../core/engine-error.js';
import { scheduleSchema, scheduleState, type Schedule as OpeningHours } from '../core/schedule.js';
import type { Destination } from '../ports/call-channel.js';
import type { AgentOffer, QueueInfo, QueueSettings } from '../ports/queue.js';
import type { Agent, Store } from '../ports/store.js';
import { parseQueueSettings } from './queue-settings.js';

/** How long a queue's details are reused before they are read again (settings changes reach waiting callers this soon). */
export const DIRECTORY_TTL_MS = 5_000;
/** How long an agent's name and where to ring them are reused (read on the way to every offer, changed rarely). */
export const AGENT_TTL_MS = 30_000;

export interface QueueDetails extends QueueInfo {
  /** Opening hours; undefined: always open. */
  hours?: OpeningHours;
}

/** Where an agent's active endpoint is rung. */
export function destinationOf(agent: Pick<Agent, 'id' | 'endpoints' | 'activeEndpoint'>): Destination {
  const endpoint = agent.endpoints[agent.activeEndpoint] ?? agent.endpoints[0];
  switch (endpoint?.kind) {
    case 'sip-uri':
      return { kind: 'sip', uri: endpoint.value };
    case 'teams':
      return { kind: 'teams', e164: endpoint.value };
    case 'pstn':
      return { kind: 'number', e164: endpoint.value };
    default:
      // sip-user and webrtc: wherever the agent's phone or browser registered; no endpoint: the same (it fails if none).
      return { kind: 'agent', agentId: agent.id };
  }
}

interface Cached<T> {
  value: T;
  until: number;
}

export class QueueDirectory {
  private readonly queues = new Map<string, Cached<Promise<QueueDetails | undefined>>>();
  private readonly agents = new Map<string, Cached<Promise<Omit<AgentOffer, 'agentId'>>>>();

  constructor(
    private readonly store: Pick<Store, 'queues' | 'schedules' | 'agents'>,
    private readonly now: () => number,
    /** A realm's own agents (simulated), found before the store's. */
    private readonly localAgents: ReadonlyMap<string, { name: string; destination: Destination }> = new Map(),
  ) {}

  /** The queue, or undefined when there is none; throws EngineError when its stored settings are not valid. */
  queue(queueId: string): Promise<QueueDetails | undefined> {
    return this.cached(this.queues, queueId, () => this.loadQueue(queueId));
  }

  /** The queue, or an EngineError (a flow naming a queue nobody set up is a configuration fault). */
  async requireQueue(queueId: string): Promise<QueueDetails> {
    const queue = await this.queue(queueId);
    if (!queue) throw new EngineError('queue-unknown', `there is no queue "${queueId}": set it up on the Queues screen`);
    return queue;
  }

  /** Open now by the queue's stored schedule (always, without one). */
  isOpen(queue: QueueDetails, at: number): boolean {
    return !queue.hours || scheduleState(queue.hours, at).state === 'open';
  }

  /** An agent's name and where to ring them now. */
  agent(agentId: string): Promise<Omit<AgentOffer, 'agentId'>> {
    const local = this.localAgents.get(agentId);
    if (local) return Promise.resolve({ agentName: local.name, destination: local.destination });
    return this.cached(this.agents, agentId, async () => {
      const agent = await this.store.agents.get(agentId);
      return agent ? { agentName: agent.name, destination: destinationOf(agent) } : { agentName: agentId, destination: { kind: 'agent', agentId } };
    }, AGENT_TTL_MS);
  }

  private cached<T>(cache: Map<string, Cached<Promise<T>>>, key: string, load: () => Promise<T>, ttlMs = DIRECTORY_TTL_MS): Promise<T> {
    const now = this.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = load();
    cache.set(key, { value, until: now + ttlMs });
    // A failed read is not kept: the next caller asks the database again.
    value.catch(() => cache.delete(key));
    return value;
  }

  private async loadQueue(queueId: string): Promise<QueueDetails | undefined> {
    const queue = await this.store.queues.get(queueId);
    if (!queue) return undefined;
    const parsed = parseQueueSettings(queue.settings);
    if (!parsed.ok) throw new EngineError('queue-settings-invalid', `queue ${queueId}: its settings are not valid: ${parsed.problems.join('; ')}`);
    const details: QueueDetails = { id: queue.id, name: queue.name, serviceLine: queue.serviceLine, settings: parsed.settings as QueueSettings };
    if (queue.scheduleId) {
      const stored = await this.store.schedules.get(queue.scheduleId);
      if (stored) {
        const hours = scheduleSchema.safeParse({ ...stored.definition, timeZone: stored.timezone });
        if (!hours.success) throw new EngineError('queue-schedule-invalid', `queue ${queueId}: opening hours ${stored.id} are not valid: ${hours.error.issues[0]?.message ?? ''}`);
        details.hours = hours.data;
      }
    }
    return details;
  }
}
