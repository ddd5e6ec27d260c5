/**
 * Callbacks at the front of the queue: the engine that took one rings the agent FIRST, tells them whose
 * call it is, then dials the caller from the agent's line (through the outbound trunk). An agent who
 * does not answer is a missed offer like any other (the callback waits for the next agent); a caller
 * who does not answer is tried again after the queue's wait between attempts, keeping their place, up
 * to the queue's attempts — then the callback fails, recorded as such.
 */
import type { AcdOffer, MissedOffer } from '../ports/acd.js';
import type { CallChannel } from '../ports/call-channel.js';
import type { Clock } from '../ports/clock.js';
import type { OutboundCalls } from '../ports/outbound-calls.js';
import type { AcdRealm, CallbackHandler } from './acd.js';

/** How long the caller's phone rings when called back. */
export const CALLBACK_RING_MS = 30_000;

/** The number as the agent hears it, digit by digit (+44 read as 0). */
const spoken = (number: string): string => number.replace(/^\+44/, '0').split('').join(' ');

export class CallbackWorker implements CallbackHandler {
  private readonly working = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();

  constructor(
    private readonly realm: AcdRealm,
    private readonly options: { outbound: OutboundCalls; clock: Clock; callerId?: string },
  ) {}

  work(offer: AcdOffer): void {
    if (this.working.has(offer.entryId) || this.stop.signal.aborted) return;
    // Not tracked as a whole (it rings and talks on the clock); its database calls are, one by one.
    const attempt = this.attempt(offer)
      .catch((error: unknown) => this.realm.logger.error(`callback ${offer.entryId}: the attempt failed`, error))
      .finally(() => this.working.delete(offer.entryId));
    this.working.set(offer.entryId, attempt);
  }

  private now(): Date {
    return new Date(this.realm.now());
  }

  private async attempt(offer: AcdOffer): Promise<void> {
    const { store, directory } = this.realm;
    const io = <T>(work: Promise<T>) => this.realm.io(work);
    const entry = await io(store.acd.entry(offer.entryId));
    if (!entry || entry.state !== 'offered' || entry.agentId !== offer.agentId || !entry.callbackNumber) return;
    const queue = await io(directory.requireQueue(entry.queueId));
    const { settings } = queue;
    const agent = await io(directory.agent(offer.agentId));
    const signal = this.stop.signal;
    const callerId = this.options.callerId ?? 'anonymous';
    const rung = await this.options.outbound.dial(agent.destination, {
      callerId,
      ringTimeoutMs: settings.ringTimeoutSeconds * 1000,
      callId: `callback-${entry.id}-${entry.callbackAttempts + 1}`,
      signal,
    });
    if (rung.kind !== 'answered') {
      const why: MissedOffer = rung.kind;
      await io(store.acd.missed(entry.id, offer.agentId, why, this.now(), { maxMissedOffers: settings.maxMissedOffers }));
      return;
    }
    const agentLeg: CallChannel = rung.call;
    try {
      if ((await io(store.acd.answered(entry.id, offer.agentId, this.now()))).kind === 'gone') return;
      await agentLeg.play([{ language: 'en-GB', text: `Callback for ${queue.name}, to ${spoken(entry.callbackNumber)}. Calling them now.` }], { bargeIn: false, signal });
      await io(store.acd.logEvent({ realm: this.realm.name, at: this.now(), type: 'callback_dialed', queueId: queue.id, entryId: entry.id, callId: entry.callId, agentId: offer.agentId, data: { attempt: entry.callbackAttempts + 1 } }));
      const talked = await agentLeg.bridge({ kind: 'number', e164: entry.callbackNumber }, { ringTimeoutMs: CALLBACK_RING_MS, callerId, signal }).catch((error: unknown) => ({
        kind: 'failed' as const,
        reason: error instanceof Error ? error.message : String(error),
      }));
      const at = this.now();
      if (talked.kind === 'completed' || talked.kind === 'referred') {
        await io(store.acd.callbackAttempt(entry.id, at, { kind: 'completed', talkSeconds: talked.talkMs / 1000, wrapUpSeconds: settings.wrapUpSeconds }));
        this.realm.wrapUpEnds(offer.agentId, at.getTime() + settings.wrapUpSeconds * 1000);
        return;
      }
      const last = entry.callbackAttempts + 1 >= settings.callback.maxAttempts;
      const retryAt = last ? undefined : new Date(at.getTime() + settings.callback.retryAfterSeconds * 1000);
      const reason = talked.kind === 'failed' ? talked.reason : talked.kind;
      if (!agentLeg.hungUp) {
        await agentLeg
          .play([{ language: 'en-GB', text: last ? 'The caller did not answer. That was the last try.' : 'The caller did not answer. They will be called again later.' }], { bargeIn: false, signal })
          .catch(() => undefined);
      }
      await io(store.acd.callbackAttempt(entry.id, at, { kind: 'failed', reason, ...(retryAt ? { retryAt } : {}) }));
      if (retryAt) this.dueAgainAt(retryAt.getTime());
    } finally {
      if (!agentLeg.hungUp) await agentLeg.hangup('callback-over').catch(() => undefined);
    }
  }

  /** A dispatch pass when the callback is due again (any engine's safety pass would also find it). */
  private dueAgainAt(at: number): void {
    this.options.clock.sleep(Math.max(0, at - this.realm.now()), this.stop.signal).then(
      () => this.realm.wake(),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.stop.abort();
    await Promise.allSettled(this.working.values());
  }
}
