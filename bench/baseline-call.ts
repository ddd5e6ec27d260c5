/**
 * The bench's baseline: the main line's "report a pothole" journey written by hand as plain async
 * functions over the same SimulatedCall and simulated services — no XState, no node definitions, no
 * runtime — logging the same kinds of events. What the engine costs is measured against this.
 */
import type { CallEvent, CallEventSink, Clock, PromptSegment, QueuePort, Recognizer } from '../engine/src/ports/index.js';
import type { Flow } from '../engine/src/core/flow/schema.js';
import { findKeywords, type KeywordGroup } from '../engine/src/core/keywords.js';
import { scheduleSchema, scheduleState } from '../engine/src/core/schedule.js';
import type { SimulatedCall } from '../engine/src/adapters/telephony/simulator/simulated-call.js';

export interface BaselineServices {
  clock: Clock;
  speech: Recognizer;
  queue: QueuePort;
  events: CallEventSink;
}

type Params = Record<string, unknown>;

/** The prompts, hours and keyword groups of the main line, read once from the flow. */
export function baselineScript(flow: Flow) {
  const params = (id: string): Params => {
    const node = flow.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`the main line has no node "${id}"`);
    return node.params;
  };
  const text = (id: string, key = 'prompt'): string => ((params(id)[key] as { text: Record<string, string> }).text['en-GB'] ?? '');
  const speech = params('ask-reason');
  const queue = params('highways-queue');
  return {
    welcome: text('welcome'),
    hours: scheduleSchema.parse(params('hours-check')),
    ask: text('ask-reason'),
    groups: speech.groups as (KeywordGroup & { outcome: string; digit?: string })[],
    synonyms: (speech.synonyms ?? []) as string[][],
    highwaysMenu: text('highways-menu'),
    potholeAdvice: text('pothole-advice'),
    queueId: String(queue.queueId),
    announcement: 'You are number {{queuePosition}} in the queue. Thank you for waiting.',
    announceEveryMs: 30_000,
  };
}

export type BaselineScript = ReturnType<typeof baselineScript>;

const segment = (text: string): PromptSegment[] => [{ language: 'en-GB', text }];

export async function baselineCall(call: SimulatedCall, services: BaselineServices, script: BaselineScript): Promise<string> {
  const { clock, events } = services;
  let seq = 0;
  const log = (type: CallEvent['type'], nodeId: string | undefined, data: CallEvent['data']) => {
    const event: CallEvent = { callId: call.callId, seq: ++seq, at: clock.now(), type, data };
    if (nodeId) event.nodeId = nodeId;
    events.append(event);
  };
  const hungUp = new AbortController();
  const stop = call.onHangup(() => hungUp.abort());
  const signal = hungUp.signal;
  log('call.started', undefined, { from: call.from, to: call.to });
  const journey = async (): Promise<string> => {
    await call.answer();
    log('node.entered', 'welcome', { kind: 'play' });
    await call.play(segment(script.welcome), { bargeIn: false, signal });
    log('prompt.played', 'welcome', { text: script.welcome });
    log('node.outcome', 'welcome', { outcome: 'done' });

    log('node.entered', 'hours-check', { kind: 'schedule' });
    const open = scheduleState(script.hours, clock.now()).state;
    log('node.outcome', 'hours-check', { outcome: open });
    if (open !== 'open') return 'closed';

    log('node.entered', 'ask-reason', { kind: 'speech' });
    const heard = await call.listen({ prompt: segment(script.ask), bargeIn: true, language: 'en-GB', noInputTimeoutMs: 5000, maxSpeechMs: 15_000, allowDigits: true, maxDigits: 1, signal });
    log('prompt.played', 'ask-reason', { text: script.ask });
    if (heard.kind !== 'speech') return 'unexpected';
    const phrases = [...new Set([...script.groups.flatMap((g) => g.phrases), ...script.synonyms.flat()])];
    const recognition = await services.speech.recognize(heard.utterance, { language: 'en-GB', phrases, signal });
    const transcript = recognition.kind === 'transcript' ? recognition.transcript : '';
    const found = findKeywords(transcript, script.groups, { language: 'en-GB', synonyms: script.synonyms });
    const confidence = recognition.kind === 'transcript' ? recognition.confidence : 0;
    log('input.speech', 'ask-reason', { transcript, confidence, heard: [...new Set(found.found.map((f) => f.phrase))].join(', ') });
    const group = confidence >= 0.5 ? found.match?.group : undefined;
    log('node.outcome', 'ask-reason', { outcome: group?.outcome ?? 'noMatch' });
    log('var.set', 'ask-reason', { name: 'reasonTranscript', value: transcript });
    log('var.set', 'ask-reason', { name: 'reason', value: group?.outcome ?? null });

    log('node.entered', 'highways-menu', { kind: 'menu' });
    const key = await call.collectDigits({ prompt: segment(script.highwaysMenu), bargeIn: true, minDigits: 1, maxDigits: 1, terminators: '', firstDigitTimeoutMs: 5000, interDigitTimeoutMs: 5000, signal });
    log('prompt.played', 'highways-menu', { text: script.highwaysMenu });
    if (key.kind !== 'digits') return 'unexpected';
    log('input.digits', 'highways-menu', { digits: key.digits });
    log('node.outcome', 'highways-menu', { outcome: key.digits });

    log('node.entered', 'pothole-advice', { kind: 'play' });
    await call.play(segment(script.potholeAdvice), { bargeIn: false, signal });
    log('prompt.played', 'pothole-advice', { text: script.potholeAdvice });
    log('node.outcome', 'pothole-advice', { outcome: 'done' });

    log('node.entered', 'highways-queue', { kind: 'queue' });
    const joined = await services.queue.join({ callId: call.callId, queueId: script.queueId, priority: 0, skills: ['highways'], vars: {}, signal });
    if (joined.kind !== 'joined') return joined.kind;
    try {
      const offer = joined.ticket.nextOffer(signal);
      offer.catch(() => undefined);
      for (;;) {
        const announcement = script.announcement.replace('{{queuePosition}}', String((await joined.ticket.status())?.position ?? 1));
        await call.play(segment(announcement), { bargeIn: false, signal });
        log('prompt.played', 'highways-queue', { text: announcement });
        const waited = await Promise.race([offer.then(() => 'offer' as const), clock.sleep(script.announceEveryMs, signal).then(() => 'tick' as const)]);
        if (waited === 'offer') return 'answered';
      }
    } finally {
      await joined.ticket.leave(signal.aborted ? 'abandoned' : 'exit');
    }
  };
  let outcome: string;
  try {
    outcome = await journey();
  } catch (error) {
    if (!signal.aborted) throw error;
    outcome = 'callerHungUp';
  } finally {
    stop();
  }
  log('call.ended', undefined, { outcome });
  return outcome;
}
