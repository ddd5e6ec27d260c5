/**
 * The real ACD for simulated calls: a test realm per call (or per bench) whose simulated agents come
 * from the world's description of each queue. Designer test calls get their realm in the engine's own
 * database (engine/src/api/test-call-socket.ts); runs with no engine behind them — the CLI's calls and
 * flow tests, node and runtime tests, benches — get theirs in a scratch database held in this process's
 * memory, opened the first time a call joins a queue (a flow with no queue never starts one).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { openScratchDatabase } from '../adapters/storage/postgres/scratch-database.js';
import { createPostgresStore } from '../adapters/storage/postgres/postgres-store.js';
import type { Database } from '../adapters/storage/postgres/database.js';
import { simulatedAgentsOf, type World } from '../adapters/telephony/simulator/world.js';
import type { Clock, EngineLogger, QueueJoinRequest, QueueJoinResult, QueuePort, Store } from '../ports/index.js';
import type { QueueOverride } from '../queue/acd.js';
import { parseQueueSettings } from '../queue/queue-settings.js';
import { SIMULATED_TAG, TestRealm, type SimulatedAgentPlan } from '../queue/test-realm.js';
import { CallbackWorker } from '../queue/callbacks.js';
import { SimulatedOutboundCalls } from '../adapters/telephony/simulator/simulated-outbound-calls.js';

/** How long (the call's clock) a simulated call's callbacks may take to run their course after it ends. */
export const CALLBACKS_MAX_MS = 24 * 60 * 60 * 1000;

/** A queue as a flow test's folder defines it (flows/queues.json), before the world changes it. */
export interface QueueDefinition {
  id: string;
  name?: string;
  settings?: Record<string, unknown>;
}

/** Plain objects merged key by key (the world changes one setting of a group, not the whole group). */
function merged(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = out[key];
    const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    out[key] = plain(under) && plain(value) ? merged(under, value) : value;
  }
  return out;
}

/** What the world (and the folder's queue definitions) say about a queue, as the ACD's override. */
export function worldOverride(world: World, queueId: string, definitions?: ReadonlyMap<string, QueueDefinition>): QueueOverride | undefined {
  const behaviour = world.queues[queueId];
  const definition = definitions?.get(queueId)?.settings;
  const worldSettings = behaviour === 'full' ? { maxCallers: 0 } : typeof behaviour === 'object' && 'settings' in behaviour ? (behaviour.settings ?? {}) : {};
  const closed = behaviour === 'closed' || (typeof behaviour === 'object' && 'closed' in behaviour && behaviour.closed === true);
  if (!definition && Object.keys(worldSettings).length === 0 && !closed) return undefined;
  const parsed = parseQueueSettings(merged(definition ?? {}, worldSettings));
  if (!parsed.ok) throw new Error(`queue ${queueId}: the test's settings are not valid: ${parsed.problems.join('; ')}`);
  return { settings: parsed.settings, ...(closed ? { closed: true } : {}) };
}

/** The world's simulated agents for a queue, with database ids from `allocate` (unique among realms open at once). */
export function worldAgents(world: World, queueId: string, allocate: (id: string) => string): SimulatedAgentPlan[] {
  return simulatedAgentsOf(world, queueId).map((agent) => ({
    id: allocate(agent.id),
    name: agent.name,
    queueId,
    skills: agent.skills,
    availableAfterSeconds: agent.availableAfterSeconds,
  }));
}

// ───────────── the scratch engine (no engine behind the run) ─────────────

interface ScratchEngine {
  database: Database;
  store: Store;
  engineInstanceId: string;
}

let scratch: Promise<ScratchEngine> | undefined;
let realms = 0;
/** Simulated agents' ids in use by open realms of this process. */
const agentIds = new Set<string>();

const scratchLogger: EngineLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: (message, error) => console.error(`[simulated ACD] ${message}`, error instanceof Error ? error.message : (error ?? '')),
};

/** This process's scratch engine database, opened on first use. */
export function scratchEngine(): Promise<ScratchEngine> {
  scratch ??= (async () => {
    const database = await openScratchDatabase();
    const store = await createPostgresStore(database, { logger: { info: () => undefined, warn: () => undefined } });
    const engineInstanceId = `scratch-${randomUUID()}`;
    await store.engineInstances.register({ id: engineInstanceId, name: engineInstanceId, host: hostname(), pid: process.pid });
    return { database, store, engineInstanceId };
  })();
  return scratch;
}

/** Closes the scratch database, if one was opened (the CLI does, before it exits). */
export async function closeScratchEngine(): Promise<void> {
  const opened = scratch;
  scratch = undefined;
  if (!opened) return;
  const { store, database } = await opened;
  await store.close();
  await database.close();
}

/** A QueuePort for simulated calls with no engine behind them; `close()` once the call (or bench) is over. */
export interface SimulatedAcd extends QueuePort {
  close(): Promise<void>;
}

export function simulatedAcd(world: World, clock: Clock, options: { queues?: ReadonlyMap<string, QueueDefinition> } = {}): SimulatedAcd {
  const realm = `sim:${process.pid}:${++realms}`;
  const mine: string[] = [];
  const allocate = (id: string): string => {
    let candidate = id;
    for (let n = 2; agentIds.has(candidate); n++) candidate = `${id}${SIMULATED_TAG}${n}`;
    agentIds.add(candidate);
    mine.push(candidate);
    return candidate;
  };
  let opening: Promise<TestRealm> | undefined;
  const open = () =>
    (opening ??= clock.track(scratchEngine()).then(
      ({ store, engineInstanceId }) =>
        new TestRealm({
          store,
          clock,
          engineInstanceId,
          logger: scratchLogger,
          realm,
          agentsFor: (queueId) => worldAgents(world, queueId, allocate),
          overrides: (queueId) => worldOverride(world, queueId, options.queues),
          createMissingQueues: true,
          callbacks: (acd) => new CallbackWorker(acd, { outbound: new SimulatedOutboundCalls(world, clock), clock }),
        }),
    ));
  return {
    async join(request: QueueJoinRequest): Promise<QueueJoinResult> {
      return (await open()).join(request);
    },
    async close() {
      if (opening) {
        const realmOpened = await opening;
        await realmOpened.drainCallbacks(CALLBACKS_MAX_MS);
        await realmOpened.close();
      }
      for (const id of mine.splice(0)) agentIds.delete(id);
    },
  };
}
