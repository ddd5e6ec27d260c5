/**
 * Waiting in a queue — the ONE loop both versions of the queue node run: announcements at set times,
 * hold music (with the callback and message keys listened for) between them, the offers the ACD makes
 * for this caller bridged as they come (a missed one puts the caller back at the front), the longest
 * wait, and the queue closing or emptying of agents mid-wait. A queue that listens (its `listening`
 * settings) hears the caller over the music: safeguarding words raise their priority (overhear.ts).
 * What happens next (overflow, a callback, a transfer) is the node's to decide.
 */
import type { AgentOffer, BridgeResult, HoldResult, PromptSegment, QueueInfo, QueueJoinRequest, QueueStatus, QueueTicket, Utterance } from '../../../ports/index.js';
import type { NodeContext } from '../define-node.js';
import { spokenText } from '../prompt.js';
import { overheard, type OverhearContext } from './overhear.js';

export interface WaitTreatment {
  /** Music between announcements; absent: silence (version 1) or the media server's own (hold with keys). */
  holdMusic?: string | undefined;
  /** Use hold() even without music (the keys must be heard). */
  alwaysHold: boolean;
  announceEveryMs: number;
  maxWaitMs: number;
  ringTimeoutMs: number;
  /** What is said at each announcement. */
  announcement(status: QueueStatus, waitedMs: number): PromptSegment[];
  /** Messages played once `everyMs` into the wait, and every `everyMs` after. */
  periodic: { segments: PromptSegment[]; everyMs: number }[];
  /** Keys that end the wait for the node to act on (a callback, leaving a message), and from when. */
  keys: { key: string; fromMs: number }[];
  /** Overflow when nobody serving the queue is logged in any more. */
  leaveWhenNoAgents: boolean;
  whisper?: PromptSegment[];
  record: boolean;
}

export type WaitEnd =
  | { kind: 'answered'; offer: AgentOffer; talkMs: number }
  | { kind: 'referred'; offer: AgentOffer; talkMs: number; target: string }
  | { kind: 'full' | 'closed' | 'noAgents'; queue: QueueInfo; joined: false }
  /** Still in the queue: the node decides (timeout → overflow, a key → callback or message, the queue closed or empty). */
  | { kind: 'timeout' | 'closedMidWait' | 'noAgentsMidWait' | 'gone'; queue: QueueInfo; ticket: QueueTicket; joined: true }
  | { kind: 'key'; key: string; queue: QueueInfo; ticket: QueueTicket; joined: true };

type Woken = { kind: 'offer'; offer: AgentOffer } | { kind: 'tick' } | { kind: 'key'; key: string } | { kind: 'speech'; utterance: Utterance };

/** What a wait needs from the node's context (the speech port and prompts for a queue that listens). */
export type WaitContext = Pick<NodeContext<unknown>, 'call' | 'clock' | 'log' | 'signal'> & Partial<Pick<OverhearContext, 'prompt' | 'language' | 'speech'>>;

const TICK: Woken = Object.freeze({ kind: 'tick' });
const ticked = (): Woken => TICK;
const offered = (offer: AgentOffer): Woken => ({ kind: 'offer', offer });
/** A hold ends the interval only on a key or the caller's words; stopped, it leaves the race to the others. */
const heldUntil = (held: HoldResult): Woken | Promise<never> => (held.kind === 'key' ? { kind: 'key', key: held.key } : held.kind === 'speech' ? { kind: 'speech', utterance: held.utterance } : never);
const never = new Promise<never>(() => undefined);
const ignore = (): undefined => undefined;
/** Why the loop stops its own waits (shared, so each interval builds no DOMException). */
const INTERVAL_OVER = new DOMException('the interval is over', 'AbortError');
const WAIT_OVER = new DOMException('the wait in the queue is over', 'AbortError');
const OFFER_ARRIVED = new DOMException('an agent is free: the announcement is cut short', 'AbortError');

/** Passes the node's abort (the caller hung up) on to the whole wait: a listener object, not a closure. */
class WaitStopper {
  constructor(
    private readonly waiting: AbortController,
    private readonly signal: AbortSignal,
  ) {}

  handleEvent(): void {
    this.waiting.abort(this.signal.reason);
  }
}

/**
 * A caller waiting with `ticket`: announcements, music, offers. Returns how the wait ended; the ticket
 * has then been left (answered, talked) unless the result says `joined: true` — the node leaves it.
 */
export async function waitWithTicket(
  context: WaitContext,
  ticket: QueueTicket,
  queue: QueueInfo,
  treatment: WaitTreatment,
): Promise<WaitEnd> {
  const { call, clock, log, signal } = context;
  const still = { queue, ticket, joined: true as const };
  const deadline = ticket.waitingSince + treatment.maxWaitMs;
  let nextAnnouncement = clock.now();
  const listening = queue.settings.listening;
  // Until the caller has been raised (nothing more to listen for), where the node can recognise speech.
  let listen = listening.enabled && context.speech !== undefined && context.prompt !== undefined && context.language !== undefined;
  const nextPeriodic = treatment.periodic.map((p) => ticket.waitingSince + p.everyMs);
  const keysNow = () => treatment.keys.filter((k) => clock.now() - ticket.waitingSince >= k.fromMs).map((k) => k.key).join('');
  // One controller for the whole wait: it stops the offer and the timers when the caller hangs up or the node ends.
  const waiting = new AbortController();
  const stopWaiting = new WaitStopper(waiting, signal);
  signal.addEventListener('abort', stopWaiting, { once: true });
  try {
    let offer = ticket.nextOffer(waiting.signal);
    offer.catch(ignore);
    /**
     * Plays an announcement unless an agent is offered first: the offer cuts it short and is returned, to
     * be rung at once (the agent was reserved for this caller and their ring time is running).
     */
    const announce = async (segments: PromptSegment[]): Promise<AgentOffer | undefined> => {
      const cut = new AbortController();
      let arrived: AgentOffer | undefined;
      offer.then((o) => {
        arrived = o;
        cut.abort(OFFER_ARRIVED);
      }, ignore);
      try {
        await call.play(segments, { bargeIn: false, signal: AbortSignal.any([signal, cut.signal]) });
      } catch (error) {
        if (signal.aborted || !arrived) throw error;
      }
      log('prompt.played', { text: spokenText(segments), ...(arrived ? { cutShort: true } : {}) });
      return arrived;
    };
    let keysAnnounced = '';
    for (;;) {
      const now = clock.now();
      let early: AgentOffer | undefined;
      // A key that has just become available (the callback offer) is announced at once.
      if (keysNow() !== keysAnnounced) nextAnnouncement = now;
      if (now >= nextAnnouncement) {
        keysAnnounced = keysNow();
        const status = await ticket.status();
        if (!status) return { kind: 'gone', ...still };
        if (!status.open) return { kind: 'closedMidWait', ...still };
        if (treatment.leaveWhenNoAgents && status.agentsLoggedIn === 0) return { kind: 'noAgentsMidWait', ...still };
        const segments = treatment.announcement(status, now - ticket.waitingSince);
        if (segments.length > 0) early = await announce(segments);
        nextAnnouncement = clock.now() + treatment.announceEveryMs;
      }
      for (const [i, periodic] of treatment.periodic.entries()) {
        if (early || clock.now() < nextPeriodic[i]!) continue;
        early = await announce(periodic.segments);
        nextPeriodic[i] = clock.now() + periodic.everyMs;
      }
      if (!early && clock.now() >= deadline) return { kind: 'timeout', ...still };
      let woken: Woken;
      if (early) woken = offered(early);
      else {
        const wakeAt = Math.min(nextAnnouncement, deadline, ...nextPeriodic, ...treatment.keys.map((k) => ticket.waitingSince + k.fromMs).filter((t) => t > clock.now()));
        const keys = keysNow();
        // Music and timer stop when the interval ends; when an offer wins the race they are stopped at once.
        const interval = new AbortController();
        const stopInterval = AbortSignal.any([interval.signal, waiting.signal]);
        // A queue that listens always holds (the media server's own music when none is named): the hold hears the caller.
        const holding =
          treatment.holdMusic || treatment.alwaysHold || listen
            ? call.hold({
                ...(treatment.holdMusic ? { music: treatment.holdMusic } : {}),
                ...(keys ? { keys } : {}),
                ...(listen ? { listen: { maxSpeechMs: listening.maxSpeechSeconds * 1000 } } : {}),
                signal: stopInterval,
              })
            : undefined;
        woken = await Promise.race([
          offer.then(offered),
          clock.sleep(Math.max(0, wakeAt - clock.now()), stopInterval).then(ticked, ticked),
          holding ? holding.then(heldUntil) : never,
        ]);
        interval.abort(INTERVAL_OVER);
        await holding?.catch(ignore);
        if (signal.aborted) throw signal.reason;
      }
      if (woken.kind === 'tick') continue;
      if (woken.kind === 'key') return { kind: 'key', key: woken.key, ...still };
      if (woken.kind === 'speech') {
        if (await overheard(context as OverhearContext, ticket, listening, woken.utterance)) listen = false;
        continue;
      }
      const rung = await ring(context, ticket, queue, woken.offer, treatment);
      if (rung.kind === 'completed') return { kind: 'answered', offer: woken.offer, talkMs: rung.talkMs };
      if (rung.kind === 'referred') return { kind: 'referred', offer: woken.offer, talkMs: rung.talkMs, target: rung.target };
      offer = ticket.nextOffer(waiting.signal);
      offer.catch(ignore);
    }
  } finally {
    signal.removeEventListener('abort', stopWaiting);
    waiting.abort(WAIT_OVER);
  }
}

/** Ring the offered agent and connect the caller; tells the ticket how it went. */
async function ring(context: Pick<NodeContext<unknown>, 'call' | 'log' | 'signal'>, ticket: QueueTicket, queue: QueueInfo, offer: AgentOffer, treatment: WaitTreatment): Promise<BridgeResult> {
  let answered: Promise<void> | undefined;
  const told = () => {
    if (answered) return answered;
    // In the call's log as the agent answers: a caller who hangs up mid-conversation never reads as one who gave up waiting.
    context.log('agent.connected', { agentId: offer.agentId, agentName: offer.agentName, queueId: queue.id, queueName: queue.name });
    return (answered = ticket.answered(offer));
  };
  const result = await context.call.bridge(offer.destination, {
    ringTimeoutMs: treatment.ringTimeoutMs,
    ...(treatment.whisper ? { whisper: treatment.whisper } : {}),
    ...(treatment.record ? { record: true } : {}),
    ...(treatment.holdMusic ? { waitMusic: treatment.holdMusic } : {}),
    onAnswer: () => {
      void told();
    },
    signal: context.signal,
  });
  if (result.kind === 'completed' || result.kind === 'referred') {
    // A channel that does not report the answer as it happens: it has certainly happened now.
    await told();
    await ticket.talkEnded(offer, { talkMs: result.talkMs, ...(result.kind === 'referred' ? { transferredTo: result.target } : {}) });
    return result;
  }
  await answered;
  await ticket.missed(offer, result.kind);
  return result;
}

/** Join, then wait; a queue that will not take the caller says why. */
export async function waitInQueue(
  context: WaitContext & Pick<NodeContext<unknown>, 'queue'>,
  request: Omit<QueueJoinRequest, 'signal'>,
  treatment: (queue: QueueInfo) => WaitTreatment,
): Promise<WaitEnd> {
  const joined = await context.queue.join({ ...request, signal: context.signal });
  if (joined.kind !== 'joined') return { kind: joined.kind, queue: joined.queue, joined: false };
  let result: WaitEnd | undefined;
  try {
    result = await waitWithTicket(context, joined.ticket, joined.queue, treatment(joined.queue));
    return result;
  } finally {
    // Hung up, or a fault: the caller is out of the queue (an abandoned caller, or talk ended by their hang-up).
    if (!result) await joined.ticket.leave(context.signal.aborted ? 'abandoned' : 'exit').catch(ignore);
  }
}
