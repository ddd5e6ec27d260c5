/**
 * A simulated call bridged to a real adviser's desk (a designer's test call that rings the desk): it
 * rings there until the adviser answers or declines (or the ring timeout), then lasts until they end
 * their part from the desk — hanging up, or transferring the caller, which the queue node reads as an
 * agent's REFER. No sound crosses: the caller hears a note of what happens.
 */
import type { BridgeOptions, BridgeResult, Clock, PromptSegment } from '../../../ports/index.js';
import type { DeskLegs } from '../../../ports/desk.js';
import { referUriOf } from '../../../core/nodes/queue/refer-uri.js';

export async function bridgeToDesk(
  desk: DeskLegs,
  clock: Clock,
  leg: { callId: string; agentId: string },
  options: BridgeOptions,
  announce: (prompt: PromptSegment[]) => void,
): Promise<BridgeResult> {
  const ringing = new AbortController();
  const stopRinging = () => ringing.abort(options.signal.reason);
  options.signal.addEventListener('abort', stopRinging, { once: true });
  let timedOut = false;
  clock.sleep(options.ringTimeoutMs, ringing.signal).then(
    () => {
      timedOut = true;
      ringing.abort(new Error('ring timeout'));
    },
    () => undefined,
  );
  let answer: 'answered' | 'declined';
  try {
    answer = await desk.ring(leg, ringing.signal);
  } catch (error) {
    if (timedOut && !options.signal.aborted) return { kind: 'noAnswer' };
    throw error;
  } finally {
    options.signal.removeEventListener('abort', stopRinging);
    ringing.abort(new Error('ringing over'));
  }
  if (answer === 'declined') return { kind: 'busy' };
  options.onAnswer?.();
  announce([{ language: 'en-GB', text: `(connected to ${leg.agentId} on the desk)` }]);
  const answeredAt = clock.now();
  const end = await desk.talk(leg, options.signal);
  const talkMs = clock.now() - answeredAt;
  if (end.kind === 'hungUp') return { kind: 'completed', talkMs };
  return { kind: 'referred', target: referUriOf(end.target), talkMs };
}
