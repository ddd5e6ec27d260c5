import type { Clock, Destination } from '../../../ports/index.js';
import { formatDestination, parseDestination } from '../../../core/destination.js';
import type { CallerAction } from './caller-action.js';
import { simulatedAgent, type FarEnd, type SimulatedAgentSpec, type World } from './world.js';

/** How long a far end rings before it answers, unless the world says otherwise. */
export const RING_MS = 3000;
/** How long a simulated agent or colleague talks before hanging up, unless the world says otherwise. */
export const TALK_MS = 60_000;

/** The destination string as written in the world (so `+44…` and `tel:+44…` find the same entry). */
const canonical = (text: string): string => {
  const parsed = parseDestination(text);
  return parsed.ok ? formatDestination(parsed.destination) : text.trim();
};

export type RingResult =
  | { kind: 'answered'; talkMs: number; referTo?: string; actions: CallerAction[] }
  | { kind: 'busy' }
  | { kind: 'noAnswer' }
  | { kind: 'failed'; reason: string };

/** How the world says a destination behaves (default: answers after RING_MS, talks TALK_MS). */
export function farEndOf(world: World, destination: Destination): FarEnd | 'busy' | 'noAnswer' | 'failed' {
  const key = formatDestination(destination);
  const entry = Object.entries(world.destinations).find(([written]) => canonical(written) === key)?.[1] ?? 'answer';
  return entry === 'answer' ? {} : entry;
}

/**
 * Rings a destination in simulated time, the way the world says it answers: the same for a caller's
 * bridge or transfer and for a call the engine places (SimulatedOutboundCalls). Rejects if `signal` aborts.
 */
export async function ringFarEnd(world: World, clock: Clock, destination: Destination, options: { ringTimeoutMs: number; signal: AbortSignal }): Promise<RingResult> {
  const agent = destination.kind === 'agent' ? simulatedAgent(world, destination.agentId) : undefined;
  if (agent) return ringSimulatedAgent(agent, clock, options);
  const farEnd = farEndOf(world, destination);
  if (farEnd === 'failed') return { kind: 'failed', reason: `${formatDestination(destination)} could not be reached (simulated)` };
  if (farEnd === 'busy') {
    await clock.sleep(1000, options.signal);
    return { kind: 'busy' };
  }
  const answerAfterMs = farEnd === 'noAnswer' ? Infinity : (farEnd.answerAfterSeconds ?? RING_MS / 1000) * 1000;
  if (answerAfterMs > options.ringTimeoutMs) {
    await clock.sleep(options.ringTimeoutMs, options.signal);
    return { kind: 'noAnswer' };
  }
  await clock.sleep(answerAfterMs, options.signal);
  const answered = farEnd as FarEnd;
  return {
    kind: 'answered',
    talkMs: (answered.talkSeconds ?? TALK_MS / 1000) * 1000,
    actions: answered.actions ?? [],
    ...(answered.referTo ? { referTo: answered.referTo } : {}),
  };
}

/** A simulated agent of the world's queues answers their own way: after ringing, busy, rejecting, never, their line failing. */
async function ringSimulatedAgent(agent: SimulatedAgentSpec, clock: Clock, options: { ringTimeoutMs: number; signal: AbortSignal }): Promise<RingResult> {
  if (agent.answers === 'fail') return { kind: 'failed', reason: `agent:${agent.id} could not be reached (simulated)` };
  if (agent.answers === 'busy') {
    await clock.sleep(1000, options.signal);
    return { kind: 'busy' };
  }
  const ringMs = agent.ringSeconds * 1000;
  if (agent.answers === 'noAnswer' || ringMs >= options.ringTimeoutMs) {
    await clock.sleep(options.ringTimeoutMs, options.signal);
    return { kind: 'noAnswer' };
  }
  await clock.sleep(ringMs, options.signal);
  return agent.answers === 'reject' ? { kind: 'busy' } : { kind: 'answered', talkMs: agent.talkSeconds * 1000, actions: [] };
}
