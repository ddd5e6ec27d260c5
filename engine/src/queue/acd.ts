/**
 * The ACD as one engine runs it for one realm: callers join queues through it (the QueuePort the queue
 * node gets), its dispatch passes offer waiting callers to free agents (any engine may run them — the
 * database decides, FOR UPDATE SKIP LOCKED), and the offers for callers this engine holds reach their
 * tickets, whichever engine made them (a signal from this process at once, or NOTIFY from another).
 *
 * Real traffic is one AcdRealm per engine (realm ''); a designer's test call, a flow test or a bench runs
 * one of its own, on its own clock, with simulated agents. Every database call goes through `io`, so a
 * simulated clock holds still while it is in flight.
 */
import { randomUUID } from 'node:crypto';
import { EngineError } from '../core/engine-error.js';
import type { AcdOffer, AcdSignal } from '../ports/acd.js';
import type { Clock } from '../ports/clock.js';
import type { EngineLogger } from '../ports/logger.js';
import type { QueueInfo, QueueJoinRequest, QueueJoinResult, QueuePort, QueueSettings } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import type { VarValue } from '../ports/values.js';
import { QueueDirectory, type QueueDetails } from './queue-directory.js';
import { AcdTicket } from './ticket.js';
import type { Destination } from '../ports/call-channel.js';

/** Offers made per dispatch pass at most (another pass follows at once when it made that many). */
export const DISPATCH_BATCH = 50;
/** A failed write is tried again this often (real time) until it lands. */
export const WRITE_RETRY_MS = 1_000;

/** A test world's say over a queue: closed whatever its hours, or settings changed for the test. */
export interface QueueOverride {
  closed?: boolean;
  settings?: Partial<QueueSettings>;
}

/** Who works the callbacks this engine takes (queue/callbacks.ts). */
export interface CallbackHandler {
  work(offer: AcdOffer): void;
  close(): Promise<void>;
}

export interface AcdRealmOptions {
  store: Store;
  clock: Clock;
  engineInstanceId: string;
  logger: EngineLogger;
  /** '' for real traffic; `test:<call id>`, `flowtest:<n>`, `bench:<run>` for the rest. */
  realm?: string;
  /** Real time between safety passes (offers a missed signal left behind, offers nobody answered for); 0: none. */
  sweepMs?: number;
  /** Keep trying writes the database refused (it may be restarting); else a failed write throws. */
  retryWrites?: boolean;
  /** A realm's own agents (simulated), by id. */
  localAgents?: ReadonlyMap<string, { name: string; destination: Destination }>;
  overrides?: (queueId: string) => QueueOverride | undefined;
}

/** Context variables an agent may see: plain values, nothing that looks like a card number, nothing huge. */
function agentContext(vars: Readonly<Record<string, VarValue>>): Record<string, VarValue> {
  const context: Record<string, VarValue> = {};
  for (const [name, value] of Object.entries(vars).slice(0, 50)) {
    if (typeof value === 'string' && (value.length > 500 || /\d{13,}/.test(value.replace(/[\s-]/g, '')))) continue;
    context[name] = value;
  }
  return context;
}

const skillLevels = (skills: QueueJoinRequest['skills']): Record<string, number> =>
  Array.isArray(skills) ? Object.fromEntries((skills as readonly string[]).map((s) => [s, 1])) : { ...(skills as Record<string, number>) };

/** The highest priority the queue's rules give these variables, or the one asked for. */
function priorityFor(settings: QueueSettings, request: QueueJoinRequest): number {
  let priority = request.priority;
  for (const rule of settings.priorityRules) {
    const value = request.vars[rule.variable];
    if (value !== undefined && value !== null && String(value) === String(rule.equals)) priority = Math.max(priority, rule.priority);
  }
  return Math.min(1000, Math.max(0, Math.round(priority)));
}

export class AcdRealm implements QueuePort {
  readonly name: string;
  readonly store: Store;
  readonly logger: EngineLogger;
  readonly directory: QueueDirectory;
  readonly engineInstanceId: string;
  private readonly clock: Clock;
  private readonly tickets = new Map<string, AcdTicket>();
  private readonly timers = new AbortController();
  private readonly unsubscribe: () => void;
  private readonly sweeper: NodeJS.Timeout | undefined;
  private passing: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private callbacks: CallbackHandler | undefined;

  constructor(private readonly options: AcdRealmOptions) {
    this.name = options.realm ?? '';
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.engineInstanceId = options.engineInstanceId;
    this.directory = new QueueDirectory(options.store, () => this.clock.now(), options.localAgents);
    this.unsubscribe = options.store.onAcdSignal((signal) => this.onSignal(signal));
    if (options.sweepMs) {
      this.sweeper = setInterval(() => void this.sweep(), options.sweepMs);
      this.sweeper.unref();
    }
  }

  now(): number {
    return this.clock.now();
  }

  /** Database work the clock waits for. */
  io<T>(work: Promise<T>): Promise<T> {
    return this.clock.track(work);
  }

  /** Callbacks this engine takes are handed to `handler` (an engine that places no calls takes none). */
  workCallbacks(handler: CallbackHandler): void {
    this.callbacks = handler;
  }

  get takesCallbacks(): boolean {
    return this.callbacks !== undefined;
  }

  async join(request: QueueJoinRequest): Promise<QueueJoinResult> {
    const stored = await this.io(this.directory.requireQueue(request.queueId));
    const override = this.options.overrides?.(stored.id);
    const queue: QueueDetails = override?.settings ? { ...stored, settings: { ...stored.settings, ...override.settings } } : stored;
    const info: QueueInfo = { id: queue.id, name: queue.name, serviceLine: queue.serviceLine, settings: queue.settings };
    const now = this.now();
    if (override?.closed || !this.directory.isOpen(queue, now)) return { kind: 'closed', queue: info };
    const figures = await this.io(this.store.acd.figures(this.name, queue.id, new Date(now)));
    if (figures.waiting >= queue.settings.maxCallers) return { kind: 'full', queue: info };
    if (figures.loggedIn === 0) return { kind: 'noAgents', queue: info };
    const id = randomUUID();
    const waitingSince = Math.min(now, request.waitingSince ?? now);
    const ticket = new AcdTicket(this, id, request.callId, queue, waitingSince);
    // Known before the entry exists: its first offer can come the moment it is committed.
    this.tickets.set(id, ticket);
    try {
      const entered = await this.io(
        this.store.acd.enter({
          id,
          realm: this.name,
          queueId: queue.id,
          callId: request.callId,
          priority: priorityFor(queue.settings, request),
          skills: skillLevels(request.skills),
          enteredAt: new Date(waitingSince),
          engineInstanceId: this.engineInstanceId,
          callerNumber: request.callerNumber ?? '',
          ringTimeoutMs: queue.settings.ringTimeoutSeconds * 1000,
          context: agentContext(request.vars),
        }),
      );
      if (entered.kind === 'alreadyQueued') throw new EngineError('queue-already-joined', `call ${request.callId} is already waiting in a queue`);
      if (entered.kind === 'queueNotFound') throw new EngineError('queue-unknown', `there is no queue "${queue.id}"`);
    } catch (error) {
      this.tickets.delete(id);
      throw error;
    }
    return { kind: 'joined', ticket, queue: info };
  }

  /** Run a dispatch pass soon (now, or right after the one running). */
  wake(): void {
    if (this.closed) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = this.io(this.passes()).finally(() => (this.passing = undefined));
  }

  private async passes(): Promise<void> {
    do {
      this.again = false;
      try {
        const offers = await this.store.acd.dispatch(this.name, new Date(this.now()), this.engineInstanceId, DISPATCH_BATCH, this.takesCallbacks);
        if (offers.length >= DISPATCH_BATCH) this.again = true;
      } catch (error) {
        this.logger.error(`ACD${this.name ? ` ${this.name}` : ''}: dispatch pass failed (the next one tries again)`, error);
        return;
      }
    } while (this.again && !this.closed);
  }

  private onSignal(signal: AcdSignal): void {
    if (signal.realm !== this.name || this.closed) return;
    if (signal.kind === 'wake') this.wake();
    else if (signal.offer.engineInstanceId === this.engineInstanceId) this.deliver(signal.offer);
  }

  private deliver(offer: AcdOffer): void {
    if (offer.kind === 'callback') {
      if (this.callbacks) this.callbacks.work(offer);
      else this.logger.warn(`ACD: offered callback ${offer.entryId}, but this engine places no calls (it expires back into the queue)`);
      return;
    }
    const ticket = this.tickets.get(offer.entryId);
    if (ticket) ticket.offered(offer);
  }

  /** What a safety pass does: offers a signal missed, offers their engine never reported on, then dispatch. */
  async sweep(): Promise<void> {
    if (this.closed) return;
    try {
      const at = new Date(this.now());
      await this.io(this.store.acd.expireOffers(this.name, at));
      for (const offer of await this.io(this.store.acd.offersFor(this.engineInstanceId, this.name))) this.deliver(offer);
    } catch (error) {
      this.logger.warn(`ACD: safety pass could not reach the database (${(error as Error).message})`);
    }
    this.wake();
  }

  /** The ticket is done with this engine. */
  forget(ticketId: string): void {
    this.tickets.delete(ticketId);
  }

  /** Wrap-up ends by itself at `at` (the dispatch pass ends it too, should this engine be gone by then). */
  wrapUpEnds(agentId: string, at: number): void {
    if (this.closed) return;
    const delay = at - this.now();
    if (delay <= 0) return void this.endWrapUp(agentId, at);
    this.clock.sleep(delay, this.timers.signal).then(
      () => this.endWrapUp(agentId, at),
      () => undefined,
    );
  }

  private async endWrapUp(agentId: string, at: number): Promise<void> {
    try {
      await this.io(this.store.acd.endWrapUp(agentId, new Date(at)));
    } catch (error) {
      this.logger.warn(`ACD: could not end ${agentId}'s wrap-up (${(error as Error).message}); a dispatch pass will`);
    }
  }

  /**
   * A write that must land: done now, or — when the database is away and this realm retries — again
   * every WRITE_RETRY_MS (real time) until it does, the caller's wait going on meanwhile.
   */
  async write<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.io(work());
      } catch (error) {
        if (!this.options.retryWrites || this.closed) throw error;
        if (attempt === 1) this.logger.warn(`ACD: ${what}: could not write it (${(error as Error).message}); trying again every ${WRITE_RETRY_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_MS));
      }
    }
  }

  /** Stop dispatching and signalling; wait for the pass under way. Tickets still held are left to their nodes. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    if (this.sweeper) clearInterval(this.sweeper);
    this.timers.abort();
    await this.passing;
    await this.callbacks?.close();
  }
}
