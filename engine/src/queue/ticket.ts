/**
 * One caller's place in a queue, held by the engine that holds the call: it waits for the offers the
 * dispatcher makes for it (from this engine or another), and reports what happened to each — answered,
 * missed, talked, left — to the database. Reports are written in order; a database that is briefly
 * away (a PostgreSQL restart) does not break the caller's wait: reads give the last answer known, writes
 * are retried until they land.
 */
import type { AcdOffer, MissedOffer, QueueLeaving } from '../ports/acd.js';
import type { AgentOffer, OfferMissed, QueueLeaveReason, QueueStatus, QueueTicket } from '../ports/queue.js';
import type { VarValue } from '../ports/values.js';
import type { AcdRealm } from './acd.js';
import type { QueueDetails } from './queue-directory.js';
import { estimatedWaitMs } from './estimated-wait.js';

type Stage = 'waiting' | 'offered' | 'talking' | 'done';

const offerKey = (offer: AcdOffer): string => `${offer.agentId}@${offer.offeredAt.getTime()}`;

export class AcdTicket implements QueueTicket {
  private stage: Stage = 'waiting';
  /** Offers that arrived before anyone asked for the next one. */
  private readonly arrived: AcdOffer[] = [];
  private waiter: { resolve: (offer: AcdOffer) => void; reject: (reason: unknown) => void; signal: AbortSignal; onAbort: () => void } | undefined;
  /** The offer being rung or talked to. */
  private current: AcdOffer | undefined;
  private lastStatus: QueueStatus | undefined;
  /** When the agent answered (epoch ms, the realm's clock). */
  private answeredAt = 0;
  /** This caller's writes, in the order they were made. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Every offer delivered so far (entry, agent, when): a re-delivered one is not taken twice. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly realm: AcdRealm,
    readonly ticketId: string,
    private readonly callId: string,
    private readonly queue: QueueDetails,
    readonly waitingSince: number,
  ) {}

  /** The dispatcher reserved an agent for this caller (a safety sweep may deliver the same offer again: it counts once). */
  offered(offer: AcdOffer): void {
    const key = offerKey(offer);
    if (this.stage === 'done' || this.seen.has(key)) return;
    this.seen.add(key);
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      this.take(offer);
      waiter.resolve(offer);
    } else {
      this.arrived.push(offer);
    }
  }

  async status(): Promise<QueueStatus | undefined> {
    if (this.stage === 'done') return undefined;
    try {
      const at = this.realm.now();
      const standing = await this.realm.io(this.realm.store.acd.standing(this.ticketId, new Date(at)));
      if (!standing) return (this.lastStatus = undefined);
      const { position, figures } = standing;
      const wait = estimatedWaitMs(position, figures);
      this.lastStatus = { position, open: this.realm.directory.isOpen(this.queue, at), agentsLoggedIn: figures.loggedIn, ...(wait === undefined ? {} : { estimatedWaitMs: wait }) };
    } catch (error) {
      this.realm.logger.warn(`queue ${this.queue.id}: could not read caller ${this.ticketId}'s place (${(error as Error).message}); using the last one known`);
    }
    return this.lastStatus ?? { position: 1, open: this.realm.directory.isOpen(this.queue, this.realm.now()), agentsLoggedIn: 1 };
  }

  async nextOffer(signal: AbortSignal): Promise<AgentOffer> {
    const offer = await this.nextAcdOffer(signal);
    const agent = await this.realm.io(this.realm.directory.agent(offer.agentId)).catch(() => ({ agentName: offer.agentId, destination: { kind: 'agent' as const, agentId: offer.agentId } }));
    return { agentId: offer.agentId, ...agent };
  }

  private nextAcdOffer(signal: AbortSignal): Promise<AcdOffer> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const ready = this.arrived.shift();
    if (ready) {
      this.take(ready);
      return Promise.resolve(ready);
    }
    if (this.waiter) return Promise.reject(new Error(`caller ${this.ticketId} is already waiting for an agent`));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiter = undefined;
        reject(signal.reason);
      };
      this.waiter = { resolve, reject, signal, onAbort };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(offer: AcdOffer): void {
    this.current = offer;
    this.stage = 'offered';
  }

  private ours(offer: AgentOffer): AcdOffer | undefined {
    return this.current?.agentId === offer.agentId ? this.current : undefined;
  }

  async answered(offer: AgentOffer): Promise<void> {
    const ours = this.ours(offer);
    if (!ours || this.stage !== 'offered') return;
    this.stage = 'talking';
    this.answeredAt = this.realm.now();
    const at = new Date(this.answeredAt);
    await this.serial(`caller ${this.ticketId}: answered by ${offer.agentId}`, () => this.realm.store.acd.answered(this.ticketId, offer.agentId, at));
  }

  async missed(offer: AgentOffer, why: OfferMissed): Promise<void> {
    const ours = this.ours(offer);
    if (!ours || this.stage !== 'offered') return;
    this.current = undefined;
    this.stage = 'waiting';
    const at = new Date(this.realm.now());
    const result: MissedOffer = why;
    await this.serial(`caller ${this.ticketId}: ${offer.agentId} missed (${why})`, () =>
      this.realm.store.acd.missed(this.ticketId, offer.agentId, result, at, { maxMissedOffers: this.queue.settings.maxMissedOffers }),
    );
  }

  async talkEnded(offer: AgentOffer, talk: { talkMs: number; transferredTo?: string }): Promise<void> {
    if (!this.ours(offer) || this.stage !== 'talking') return;
    this.stage = 'done';
    this.current = undefined;
    const at = new Date(this.realm.now());
    const wrapUpSeconds = this.queue.settings.wrapUpSeconds;
    await this.serial(`caller ${this.ticketId}: talk with ${offer.agentId} ended`, () =>
      this.realm.store.acd.talkEnded(this.ticketId, at, {
        talkSeconds: Math.round(talk.talkMs) / 1000,
        wrapUpSeconds,
        outcome: talk.transferredTo === undefined ? 'answered' : 'transferred',
        ...(talk.transferredTo === undefined ? {} : { to: talk.transferredTo }),
      }),
    );
    this.realm.wrapUpEnds(offer.agentId, at.getTime() + wrapUpSeconds * 1000);
    this.realm.forget(this.ticketId);
  }

  async leave(reason: QueueLeaveReason): Promise<void> {
    if (this.stage === 'done') return;
    if (this.stage === 'talking' && this.current) {
      // The caller hung up while talking to the agent: the talk is over.
      const { agentId } = this.current;
      await this.talkEnded({ agentId, agentName: agentId, destination: { kind: 'agent', agentId } }, { talkMs: this.realm.now() - this.answeredAt });
      return;
    }
    this.stage = 'done';
    this.current = undefined;
    this.rejectWaiter();
    const at = new Date(this.realm.now());
    const how: QueueLeaving = reason;
    await this.serial(`caller ${this.ticketId}: left (${reason})`, () => this.realm.store.acd.leave(this.ticketId, how, at));
    this.realm.forget(this.ticketId);
  }

  async callback(number: string): Promise<{ kind: 'booked' } | { kind: 'gone' }> {
    if (this.stage !== 'waiting') return { kind: 'gone' };
    const at = new Date(this.realm.now());
    const booked = await this.realm.io(this.realm.store.acd.toCallback(this.ticketId, number, at));
    if (booked.kind === 'gone') return booked;
    this.stage = 'done';
    this.rejectWaiter();
    this.realm.forget(this.ticketId);
    // Any engine may work it now (the one that dispatches it); this one may have to, at once.
    this.realm.wake();
    return { kind: 'booked' };
  }

  async raisePriority(priority: number): Promise<void> {
    if (this.stage === 'done') return;
    const at = new Date(this.realm.now());
    await this.serial(`caller ${this.ticketId}: priority ${priority}`, () => this.realm.store.acd.raisePriority(this.ticketId, priority, at));
  }

  async note(event: 'position_announced' | 'callback_offered', data: Readonly<Record<string, VarValue>>): Promise<void> {
    const at = new Date(this.realm.now());
    await this.serial(`caller ${this.ticketId}: ${event}`, () =>
      this.realm.store.acd.logEvent({ realm: this.realm.name, at, type: event, queueId: this.queue.id, entryId: this.ticketId, callId: this.callId, data: { ...data } }),
    );
  }

  private serial<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    const next = this.writes.then(() => this.realm.write(what, work));
    this.writes = next.catch(() => undefined);
    return next;
  }

  private rejectWaiter(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    waiter.reject(new DOMException('the caller left the queue', 'AbortError'));
  }
}
