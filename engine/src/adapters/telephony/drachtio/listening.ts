import type { ListenOptions, ListenResult, PromptSegment } from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import type { CallerSpeech } from './caller-speech.js';
import { TelephonyError, type MediaLeg } from './media-leg.js';
import type { TelephonyLogger } from './media-pool.js';

/**
 * One listening turn with the caller's audio streamed live (caller-speech.ts): the prompt plays while
 * the engine hears them, so speaking stops it (barge-in, when allowed) and a recogniser decodes while
 * they talk; the utterance ends after a trailing silence or at `maxSpeechMs`. A key (when allowed)
 * wins: before speech it is the answer, during speech it ends the utterance and is reported by
 * `keysPressed`. Nothing said or pressed within `noInputTimeoutMs` after the prompt is no input. If the
 * stream turns out not to work, the answer is recorded after the prompt instead.
 */

/** What a listening turn needs from the call (DrachtioCall provides it). */
export interface ListenHost {
  readonly callId: string;
  readonly clock: Clock;
  readonly logger: TelephonyLogger;
  /** The caller's FreeSWITCH channel now. */
  readonly media: MediaLeg;
  /** Plays the prompt; with `breakOnKey` a key ends it, and `speech` starting ends it too. Keys stay waiting. */
  playPrompt(prompt: PromptSegment[], breakOnKey: boolean, signal: AbortSignal, speech?: Promise<void>): Promise<unknown>;
  /** Keys pressed and not yet taken (the type-ahead). */
  keysWaiting(): number;
  /** Called at each key until the returned function is called. */
  onKey(listener: () => void): () => void;
  /** Takes up to `max` waiting keys. */
  takeKeys(max: number): string;
  /** The keys answer: waiting ones and any that follow (up to `maxDigits`). */
  collectKeys(maxDigits: number, signal: AbortSignal): Promise<ListenResult>;
  /** The turn without a live stream: the answer recorded after the prompt. */
  listenByRecording(options: ListenOptions, signal: AbortSignal): Promise<ListenResult>;
}

type FirstAnswer = 'speech' | 'key' | 'none' | 'unavailable';

export async function listenLive(host: ListenHost, speech: CallerSpeech, options: ListenOptions, signal: AbortSignal): Promise<ListenResult> {
  let handedOver = false;
  try {
    if (options.bargeIn) speech.arm();
    // With digits allowed, a key ends the prompt (and the digits are collected below); speech too, with barge-in.
    await host.playPrompt(options.prompt, options.bargeIn && options.allowDigits, signal, options.bargeIn ? speech.started : undefined);
    if (options.bargeIn && options.prompt.length > 0 && speech.speaking) host.logger.info(`call ${host.callId}: the caller spoke over the prompt (barge-in)`);
    speech.arm();
    const heard = await firstAnswer(host, speech, options, signal);
    if (heard === 'key') return await host.collectKeys(options.maxDigits, signal);
    if (heard === 'none') return { kind: 'noInput' };
    if (heard === 'unavailable') return await host.listenByRecording({ ...options, prompt: [] }, signal);
    handedOver = true;
    return utteranceOf(host, speech, options, signal);
  } finally {
    if (!handedOver) await speech.stop();
  }
}

/** Waits for the caller's first move after the prompt: speech, a key (when allowed), or nothing. */
function firstAnswer(host: ListenHost, speech: CallerSpeech, options: ListenOptions, signal: AbortSignal): Promise<FirstAnswer> {
  if (options.allowDigits && host.keysWaiting()) return Promise.resolve('key');
  return new Promise((resolve, reject) => {
    const done = new AbortController();
    let stopKeys = () => undefined as unknown;
    const settle = () => {
      if (done.signal.aborted) return false;
      done.abort();
      stopKeys();
      lost();
      return true;
    };
    const finish = (answer: FirstAnswer) => {
      if (settle()) resolve(answer);
    };
    const lost = host.media.onGone(() => {
      if (settle()) reject(signal.aborted ? signal.reason : new TelephonyError('mediaServerLost', 'the media server dropped the call while listening'));
    });
    if (options.allowDigits) stopKeys = host.onKey(() => finish('key'));
    void speech.started.then(() => finish('speech'));
    void speech.failed.then(() => finish('unavailable'));
    host.clock.sleep(options.noInputTimeoutMs, AbortSignal.any([done.signal, signal])).then(
      () => finish('none'),
      () => {
        if (signal.aborted && settle()) reject(signal.reason);
      },
    );
  });
}

/** The caller has started talking: their utterance, live, ending on silence, at the limit, on a key or a hang-up. */
function utteranceOf(host: ListenHost, speech: CallerSpeech, options: ListenOptions, signal: AbortSignal): ListenResult {
  speech.limit(host.clock, options.maxSpeechMs, signal);
  if (options.allowDigits) speech.onEnd(host.onKey(() => speech.end('key')));
  return {
    kind: 'speech',
    utterance: { kind: 'audio', sampleRateHz: speech.sampleRateHz, audio: speech.utterance() },
    ...(options.allowDigits ? { keysPressed: () => (speech.endedBy === 'key' ? host.takeKeys(options.maxDigits) : '') } : {}),
  };
}
