/**
 * The agent desk as one engine serves it: each adviser's view (state, where calls ring, the call offered
 * or in progress with its context, the council's break reasons and disposition codes), pushed to their
 * open desks whenever it changes; the team view supervisors watch; the desks' connections, so an adviser
 * whose browser closed mid-shift is set offline after the grace period (by whichever engine sees it).
 *
 * Changes are noticed from the database (one read of every agent's state per second for all the desks
 * this engine serves, and at once on an ACD signal or a change of a leg this engine holds), so a change
 * made by any engine reaches every desk.
 */
import type { AcdRepository, AgentState } from '../ports/acd.js';
import type { DispositionCode } from '../ports/desk.js';
import type { EngineLogger } from '../ports/logger.js';
import type { Agent, AgentEndpoint, Store } from '../ports/store.js';
import { deskCallContext, type DeskCallContext } from './call-context.js';
import type { DeskLegRegistry, LegState } from './desk-legs.js';

export interface DeskSettings {
  offlineGraceSeconds: number;
  previousCallsDays: number;
  /** The browser phone's SIP websocket and domain; absent: no browser phone. */
  webrtc?: { websocketUrl: string; domain: string; iceServers: string[]; secret: string } | undefined;
}

export interface DeskServiceOptions {
  store: Store;
  now: () => number;
  engineInstanceId: string;
  legs: DeskLegRegistry;
  logger: EngineLogger;
  settings: DeskSettings;
  /** Real time between reads of every agent's state (default 1 s). */
  pollMs?: number;
  /** Real time between connection heartbeats and deserted-desk sweeps (default 10 s). */
  sweepMs?: number;
}

/** How the adviser takes the call in front of them. */
export type AnswerOn =
  /** In the desk's browser phone (WebRTC over SIP): answer, hold, transfer there. */
  | 'browser'
  /** On the desk itself: a test call the engine simulates. */
  | 'desk'
  /** On their SIP phone, Teams or mobile: the desk shows it and takes the note and wrap-up. */
  | 'phone';

export interface DeskCall {
  context: DeskCallContext | undefined;
  callId: string;
  queueId?: string;
  answerOn: AnswerOn;
  /** An engine-held leg's stage and hold (answerOn 'desk'); 'ended' waits for the wrap-up. */
  leg?: { stage: LegState['stage']; held: boolean };
  /** The note written so far, and the disposition if wrap-up was done. */
  note: string;
  dispositionId?: string;
}

export interface DeskView {
  agent: { id: string; name: string; endpoints: AgentEndpoint[]; activeEndpoint: number; queueIds: string[] };
  state: { state: AgentState['state']; reason?: string; since?: string; wrapEndsAt?: string; missedOffers: number };
  call?: DeskCall;
  breakReasons: Array<{ id: string; name: string }>;
  /** The codes for the call's queue (all the council's when there is no call). */
  dispositionCodes: Array<{ id: string; name: string }>;
  phone?: { websocketUrl: string; domain: string; iceServers: string[]; user: string };
  /** Server time (ISO), so clocks on the desk agree with the engine's. */
  at: string;
}

/** What a supervisor watches. */
export interface TeamView {
  agents: Array<{ id: string; name: string; state: DeskView['state']; callId?: string; queueId?: string }>;
  queues: Array<{ id: string; name: string; serviceLine: string; waiting: number; longestWaitSince?: string; available: number; loggedIn: number }>;
  at: string;
}

type Listener = () => void;

/** The ACD's repository, once the store has it (ports/acd.ts AcdRepository, helper A's). */
const acdOf = (store: Store): AcdRepository | undefined => (store as Store & { acd?: AcdRepository }).acd;

const fingerprint = (s: AgentState | undefined, leg: LegState | undefined) =>
  JSON.stringify([s?.state, s?.reason, s?.since?.getTime(), s?.callId, s?.wrapEndsAt?.getTime(), leg?.stage, leg?.held]);

export class DeskService {
  private readonly watchers = new Map<string, Set<Listener>>();
  private readonly teamWatchers = new Set<Listener>();
  private readonly seen = new Map<string, string>();
  private teamSeen = '';
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: Array<() => void> = [];
  private polling: Promise<void> | undefined;
  private polls = 0;
  private closed = false;

  constructor(private readonly options: DeskServiceOptions) {
    const { store, legs } = options;
    this.unsubscribe.push(legs.onChange((agentId) => this.notify(agentId)));
    this.unsubscribe.push(store.onAcdSignal(() => void this.poll()));
    const poll = setInterval(() => void this.poll(), options.pollMs ?? 1000);
    const sweep = setInterval(() => void this.sweep(), options.sweepMs ?? 10_000);
    poll.unref();
    sweep.unref();
    this.timers.push(poll, sweep);
  }

  get settings(): DeskSettings {
    return this.options.settings;
  }

  /** The adviser a signed-in user works as. */
  async agentOfUser(userId: string): Promise<Agent | undefined> {
    return (await this.options.store.agents.list()).find((a) => a.userId === userId);
  }

  /** How the adviser takes `callId`: test calls on the desk, phone calls where their active endpoint is. */
  private async answerOn(agent: Agent, callId: string): Promise<AnswerOn> {
    if (this.options.legs.legOf(agent.id)?.callId === callId) return 'desk';
    const call = await this.options.store.calls.get(callId);
    if (call?.kind === 'test') return 'desk';
    return agent.endpoints[agent.activeEndpoint]?.kind === 'webrtc' ? 'browser' : 'phone';
  }

  async view(agent: Agent): Promise<DeskView> {
    const { store, now, legs, settings } = this.options;
    const [state, breakReasons, codes] = await Promise.all([store.agentStates.get(agent.id), store.breakReasons.list(), store.dispositionCodes.list()]);
    const leg = legs.legOf(agent.id);
    const callId = leg?.callId ?? state?.callId ?? (state?.state === 'wrap_up' ? await this.lastCallOf(agent.id) : undefined);
    let call: DeskCall | undefined;
    if (callId) {
      const [context, wrapUps] = await Promise.all([deskCallContext(store, callId, { now: now(), previousCallsDays: settings.previousCallsDays }), store.desk.wrapUpsOf(callId)]);
      const mine = wrapUps.find((w) => w.agentId === agent.id);
      // The queue the call was offered to this adviser from (a transferred caller's record names the next one).
      const queueId = mine?.queueId ?? (state?.callId === callId ? state.queueId : undefined) ?? (await this.queueOfferedFrom(agent.id, callId)) ?? context?.queueId;
      call = {
        callId,
        context,
        ...(queueId ? { queueId } : {}),
        answerOn: await this.answerOn(agent, callId),
        ...(leg ? { leg: { stage: leg.stage, held: leg.held } } : {}),
        note: mine?.note ?? '',
        ...(mine?.dispositionId ? { dispositionId: mine.dispositionId } : {}),
      };
    }
    const webrtc = agent.endpoints.find((e) => e.kind === 'webrtc');
    return {
      agent: { id: agent.id, name: agent.name, endpoints: agent.endpoints, activeEndpoint: agent.activeEndpoint, queueIds: agent.queueIds },
      state: {
        // A leg this engine holds says more than the state row while the ACD has not caught up (or is not involved).
        state: leg?.stage === 'ringing' && state?.state === 'available' ? 'ringing' : leg?.stage === 'talking' && state?.state === 'available' ? 'on_call' : leg?.stage === 'ended' && state?.state === 'available' ? 'wrap_up' : (state?.state ?? 'offline'),
        ...(state?.reason ? { reason: state.reason } : {}),
        ...(state?.since ? { since: state.since.toISOString() } : {}),
        ...(state?.wrapEndsAt ? { wrapEndsAt: state.wrapEndsAt.toISOString() } : {}),
        missedOffers: state?.missedOffers ?? 0,
      },
      ...(call ? { call } : {}),
      breakReasons: breakReasons.map(({ id, name }) => ({ id, name })),
      dispositionCodes: codesFor(codes, call?.queueId),
      ...(settings.webrtc && webrtc ? { phone: { websocketUrl: settings.webrtc.websocketUrl, domain: settings.webrtc.domain, iceServers: settings.webrtc.iceServers, user: webrtc.value } } : {}),
      at: new Date(now()).toISOString(),
    };
  }

  private async queueOfferedFrom(agentId: string, callId: string): Promise<string | undefined> {
    const history = await this.options.store.agentStates.history(agentId, { page: 1, pageSize: 20 });
    return history.items.find((c) => c.callId === callId)?.queueId;
  }

  /** The call an adviser wrapping up last talked to (the state row no longer names it). */
  private async lastCallOf(agentId: string): Promise<string | undefined> {
    const history = await this.options.store.agentStates.history(agentId, { page: 1, pageSize: 5 });
    return history.items.find((c) => c.callId)?.callId;
  }

  async team(): Promise<TeamView> {
    const { store, now } = this.options;
    const [agents, states, queues] = await Promise.all([store.agents.list(), store.agentStates.list(), store.queues.list()]);
    const byAgent = new Map(states.map((s) => [s.agentId, s]));
    const waiting = await this.waiting();
    return {
      agents: agents.map((a) => {
        const s = byAgent.get(a.id);
        return {
          id: a.id,
          name: a.name,
          state: {
            state: s?.state ?? 'offline',
            ...(s?.reason ? { reason: s.reason } : {}),
            ...(s?.since ? { since: s.since.toISOString() } : {}),
            ...(s?.wrapEndsAt ? { wrapEndsAt: s.wrapEndsAt.toISOString() } : {}),
            missedOffers: s?.missedOffers ?? 0,
          },
          ...(s?.callId ? { callId: s.callId } : {}),
          ...(s?.queueId ? { queueId: s.queueId } : {}),
        };
      }),
      queues: queues.map((q) => {
        const serving = agents.filter((a) => a.queueIds.includes(q.id)).map((a) => byAgent.get(a.id)?.state ?? 'offline');
        const w = waiting.get(q.id);
        return {
          id: q.id,
          name: q.name,
          serviceLine: q.serviceLine,
          waiting: w?.count ?? 0,
          ...(w?.oldest !== undefined ? { longestWaitSince: new Date(w.oldest).toISOString() } : {}),
          available: serving.filter((s) => s === 'available').length,
          loggedIn: serving.filter((s) => s !== 'offline').length,
        };
      }),
      at: new Date(now()).toISOString(),
    };
  }

  /**
   * Callers waiting per queue and when the longest-waiting one entered: the ACD's queue entries when the
   * store has them; otherwise calls in progress that reached a queue and no agent yet (from their start).
   */
  private async waiting(): Promise<Map<string, { count: number; oldest?: number }>> {
    const found = new Map<string, { count: number; oldest?: number }>();
    const add = (queueId: string, since: number) => {
      const w = found.get(queueId) ?? { count: 0 };
      found.set(queueId, { count: w.count + 1, oldest: Math.min(w.oldest ?? since, since) });
    };
    const acd = acdOf(this.options.store);
    if (acd) {
      for (const e of await acd.entries({ realm: '' })) if (e.state === 'waiting' || e.state === 'offered') add(e.queueId, e.enteredAt.getTime());
      return found;
    }
    const { items } = await this.options.store.calls.list({ active: true, kind: 'phone' }, { page: 1, pageSize: 1000 });
    for (const c of items) if (c.queueId && !c.agentId) add(c.queueId, c.startedAt.getTime());
    return found;
  }

  /** Calls `listener` whenever the adviser's view may have changed. */
  watch(agentId: string, listener: Listener): () => void {
    const set = this.watchers.get(agentId) ?? new Set<Listener>();
    set.add(listener);
    this.watchers.set(agentId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.watchers.delete(agentId);
        this.seen.delete(agentId);
      }
    };
  }

  watchTeam(listener: Listener): () => void {
    this.teamWatchers.add(listener);
    return () => this.teamWatchers.delete(listener);
  }

  /** Something about this adviser changed (a note saved, a leg answered): tell their desks. */
  notify(agentId: string): void {
    for (const listener of this.watchers.get(agentId) ?? []) listener();
    for (const listener of this.teamWatchers) listener();
  }

  /** One read of every agent's state; desks whose adviser changed are told. */
  poll(): Promise<void> {
    if (this.closed || (this.watchers.size === 0 && this.teamWatchers.size === 0)) return Promise.resolve();
    this.polling ??= (async () => {
      try {
        const states = await this.options.store.agentStates.list();
        const byAgent = new Map(states.map((s) => [s.agentId, s]));
        // A call's context grows while it rings and is talked to (its events are written as they happen):
        // desks with a call in front of them are brought up to date every other poll (unchanged views are not sent).
        const refreshCalls = ++this.polls % 2 === 0;
        for (const agentId of this.watchers.keys()) {
          const state = byAgent.get(agentId);
          const print = fingerprint(state, this.options.legs.legOf(agentId));
          const withCall = state?.callId !== undefined || this.options.legs.legOf(agentId) !== undefined;
          if (this.seen.get(agentId) !== print || (refreshCalls && withCall)) {
            this.seen.set(agentId, print);
            for (const listener of this.watchers.get(agentId) ?? []) listener();
          }
        }
        if (this.teamWatchers.size > 0) {
          // The team view also shows waiting callers, which change without any agent's state changing.
          const print = JSON.stringify([states.map((s) => fingerprint(s, undefined)), [...(await this.waiting()).entries()]]);
          if (print !== this.teamSeen) {
            this.teamSeen = print;
            for (const listener of this.teamWatchers) listener();
          }
        }
      } catch (error) {
        this.options.logger.warn(`desk: could not read agents' states (${(error as Error).message}); trying again`);
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  /** A desk opened on this engine. */
  connected(connectionId: string, agentId: string): Promise<void> {
    return this.options.store.desk.connected({ id: connectionId, agentId, engineInstanceId: this.options.engineInstanceId }, new Date(this.options.now()));
  }

  closedConnection(connectionId: string): Promise<void> {
    return this.options.store.desk.closed(connectionId, new Date(this.options.now()));
  }

  /** Heartbeat for this engine's desks; advisers whose desks are all gone past the grace period go offline. */
  async sweep(): Promise<string[]> {
    const { store, now, engineInstanceId, settings, logger } = this.options;
    try {
      const at = now();
      await store.desk.seen(engineInstanceId, new Date(at));
      const deserted = await store.desk.deserted(new Date(at - settings.offlineGraceSeconds * 1000));
      for (const agentId of deserted) {
        const result = await store.agentStates.set(agentId, { state: 'offline', reason: 'desk closed' }, new Date(at), 'system:desk');
        if (result.kind === 'changed') logger.info(`desk: ${agentId} set offline (their desk closed over ${settings.offlineGraceSeconds} s ago)`);
        this.notify(agentId);
      }
      return deserted;
    } catch (error) {
      logger.warn(`desk: connection sweep failed (${(error as Error).message}); the next one tries again`);
      return [];
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const off of this.unsubscribe) off();
    await this.polling;
  }
}

/** Codes that apply to a queue's calls (all of them when there is no queue). */
export function codesFor(codes: DispositionCode[], queueId: string | undefined): Array<{ id: string; name: string }> {
  return codes.filter((c) => queueId === undefined || c.queueIds.length === 0 || c.queueIds.includes(queueId)).map(({ id, name }) => ({ id, name }));
}
