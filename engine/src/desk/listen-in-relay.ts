/**
 * Listening in from any engine: a supervisor's request reaches whichever engine serves their browser, but
 * only the engine holding the call can ring the supervisor into it (FreeSWITCH eavesdrop on the adviser's
 * channel there). The adviser's state names that engine; a request for a call another engine holds is
 * handed to it over the ACD's signal path (Store.signalEngine: NOTIFY), and its answer comes back the same
 * way. The holding engine writes what became of each listen to the audit log (call.listenIn.started,
 * .ended, .notConnected), beside the request the API records (call.listenIn).
 */
import { randomUUID } from 'node:crypto';
import type { AcdSignal, EngineMessage } from '../ports/acd.js';
import type { ListenIn, ListenInEvent, ListenInRequest, ListenInResult } from '../ports/desk.js';
import type { EngineLogger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';

/** How long the engine holding the call has to answer a request handed to it. */
export const HOLDER_ANSWER_MS = 5_000;
/** Requests handed to this engine that it remembers, so a message delivered twice rings nobody twice. */
const REMEMBERED_REQUESTS = 500;

export interface ListenInRelayOptions {
  store: Store;
  engineInstanceId: string;
  logger: Pick<EngineLogger, 'info' | 'error'>;
  answerTimeoutMs?: number;
}

export class ListenInRelay implements ListenIn {
  private local: ListenIn | undefined;
  private readonly waiting = new Map<string, (result: ListenInResult) => void>();
  private readonly handled = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: ListenInRelayOptions) {
    this.unsubscribe = options.store.onAcdSignal((signal) => this.onSignal(signal));
  }

  /** This engine's telephony: the calls it holds can be listened in on. */
  attach(local: ListenIn): void {
    this.local = local;
  }

  async listen(request: ListenInRequest): Promise<ListenInResult> {
    const { store, engineInstanceId } = this.options;
    const state = await store.agentStates.get(request.agentId);
    const holder = state?.callId === request.callId ? state.engineInstanceId : undefined;
    if (holder === undefined || holder === engineInstanceId) return this.listenHere(request);
    return this.handTo(holder, request);
  }

  /** What became of a listen this engine rang a supervisor for: the audit log. */
  async record(event: ListenInEvent): Promise<void> {
    const { kind, callId, actor, ...about } = event;
    try {
      await this.options.store.audit.record({ actor, action: `call.listenIn.${kind}`, entityType: 'call', entityId: callId, after: about });
    } catch (error) {
      this.options.logger.error(`call ${callId}: could not write call.listenIn.${kind} to the audit log`, error);
    }
  }

  close(): void {
    this.unsubscribe();
    for (const answer of this.waiting.values()) answer({ kind: 'failed', reason: 'this engine is shutting down' });
    this.waiting.clear();
  }

  private async listenHere(request: ListenInRequest): Promise<ListenInResult> {
    if (!this.local) return { kind: 'notHere' };
    try {
      return await this.local.listen(request);
    } catch (error) {
      this.options.logger.error(`call ${request.callId}: listening in failed`, error);
      return { kind: 'failed', reason: (error as Error).message };
    }
  }

  private async handTo(holder: string, request: ListenInRequest): Promise<ListenInResult> {
    const requestId = randomUUID();
    const timeoutMs = this.options.answerTimeoutMs ?? HOLDER_ANSWER_MS;
    const answered = new Promise<ListenInResult>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        resolve({ kind: 'failed', reason: `the engine holding call ${request.callId} did not answer within ${timeoutMs / 1000} s` });
      }, timeoutMs);
      timer.unref();
      this.waiting.set(requestId, (result) => {
        clearTimeout(timer);
        this.waiting.delete(requestId);
        resolve(result);
      });
    });
    try {
      await this.options.store.signalEngine({ kind: 'listenIn', to: holder, from: this.options.engineInstanceId, requestId, request });
    } catch (error) {
      this.waiting.get(requestId)?.({ kind: 'failed', reason: `the engine holding call ${request.callId} could not be reached: ${(error as Error).message}` });
    }
    return answered;
  }

  private onSignal(signal: AcdSignal): void {
    if (signal.kind !== 'listenIn' && signal.kind !== 'listenInAnswer') return;
    if (signal.to !== this.options.engineInstanceId) return;
    if (signal.kind === 'listenInAnswer') {
      this.waiting.get(signal.requestId)?.(signal.result);
      return;
    }
    if (this.handled.has(signal.requestId)) return;
    this.handled.add(signal.requestId);
    if (this.handled.size > REMEMBERED_REQUESTS) this.handled.delete(this.handled.values().next().value!);
    void this.answer(signal);
  }

  /** Another engine handed this one a request for a call it holds. */
  private async answer(message: Extract<EngineMessage, { kind: 'listenIn' }>): Promise<void> {
    const { request } = message;
    const local = await this.listenHere(request);
    // Not here after all (the call just ended or moved): say so plainly rather than "another engine".
    const result: ListenInResult = local.kind === 'notHere' ? { kind: 'refused', reason: `call ${request.callId} is no longer connected to adviser ${request.agentId}` } : local;
    try {
      await this.options.store.signalEngine({ kind: 'listenInAnswer', to: message.from, requestId: message.requestId, result });
    } catch (error) {
      this.options.logger.error(`call ${request.callId}: could not answer engine ${message.from}'s listen-in request`, error);
    }
  }
}
