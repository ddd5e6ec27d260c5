import { v1 } from '@google-cloud/speech';
import type { Recognition, RecognizeOptions, Recognizer, Utterance } from '../../../ports/index.js';

type SpeechClient = InstanceType<typeof v1.SpeechClient>;

export interface GoogleRecognizerOptions {
  /** Google's model for the audio: `telephony` is trained on 8 kHz phone calls. */
  model?: string;
  /** How much Google favours the flow's phrases (speech adaptation boost, 0–20). */
  phraseBoost?: number;
  /** Longest wait for Google's final result after the caller stops talking (default 3 s); then the node offers its keys. */
  resultTimeoutMs?: number;
}

/** Google Cloud Speech refused or failed: an infrastructure fault the flow's error path handles. */
export class SpeechServiceError extends Error {
  constructor(
    message: string,
    readonly grpcCode?: number,
  ) {
    super(message);
    this.name = 'SpeechServiceError';
  }
}

/**
 * Google Cloud Speech-to-Text (v1 streaming recognition), the production recogniser. The caller's
 * audio is streamed as it arrives, with the flow's phrases as speech-adaptation hints, the telephony
 * model, single-utterance mode and interim results: Google says when the caller has stopped talking
 * (END_OF_SINGLE_UTTERANCE), the audio stops there, and the first final result is the transcript,
 * with a confidence for each word and the language it was heard in (the flow's other languages are
 * offered as alternatives). While the caller talks, the words Google has marked stable (stability
 * ≥ 0.8) are offered to the node's `decideEarly`; when it says so, the audio stops there and
 * Google's final result for what it heard so far is returned, marked `early`. Credentials come from the standard environment
 * (GOOGLE_APPLICATION_CREDENTIALS or the platform's), unless the config names a key file.
 * Google refusing, failing or not answering in time is a SpeechServiceError: the speech node then
 * offers its keypad fallback, so the caller never meets silence.
 */
export class GoogleRecognizer implements Recognizer {
  private readonly model: string;
  private readonly phraseBoost: number;
  private readonly resultTimeoutMs: number;

  constructor(
    private readonly client: SpeechClient,
    options: GoogleRecognizerOptions = {},
  ) {
    this.model = options.model ?? 'telephony';
    this.phraseBoost = options.phraseBoost ?? 10;
    this.resultTimeoutMs = options.resultTimeoutMs ?? 3000;
  }

  recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition> {
    if (utterance.kind !== 'audio') {
      return Promise.reject(new TypeError('GoogleRecognizer needs caller audio; typed speech goes to the text recogniser'));
    }
    options.signal.throwIfAborted();
    return new Promise<Recognition>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const alternatives = (options.alternativeLanguages ?? []).filter((l) => l.toLowerCase() !== options.language.toLowerCase()).slice(0, MAX_ALTERNATIVE_LANGUAGES);
      const stream = this.client.streamingRecognize({
        config: {
          encoding: 'LINEAR16',
          sampleRateHertz: utterance.sampleRateHz,
          languageCode: options.language,
          ...(alternatives.length ? { alternativeLanguageCodes: alternatives } : {}),
          model: this.model,
          useEnhanced: true,
          maxAlternatives: 1,
          enableWordConfidence: true,
          speechContexts: options.phrases.length ? [{ phrases: options.phrases, boost: this.phraseBoost }] : [],
        },
        singleUtterance: true,
        interimResults: true,
      });
      let speechEnded = false;
      /** The stable words `decideEarly` settled on, once it has. */
      let earlyWords: string | undefined;
      const endAudio = () => {
        if (speechEnded) return;
        speechEnded = true;
        stream.end();
        timer = setTimeout(
          () => finish(() => reject(new SpeechServiceError(`Google Speech gave no result within ${this.resultTimeoutMs} ms`))),
          this.resultTimeoutMs,
        );
      };
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        outcome();
      };
      const onAbort = () => {
        finish(() => reject(options.signal.reason));
        stream.destroy();
      };
      options.signal.addEventListener('abort', onAbort, { once: true });
      const languageOf = (code: string | undefined) =>
        code ? [options.language, ...alternatives].find((l) => l.toLowerCase() === code.toLowerCase()) ?? code : undefined;

      stream.on('data', (response: StreamingResponse) => {
        // The caller stopped talking: send no more audio, and wait (a while) for the final result.
        if (response.speechEventType === 'END_OF_SINGLE_UTTERANCE') endAudio();
        const final = response.results?.find((r) => r.isFinal);
        const best = final?.alternatives?.[0];
        if (best?.transcript?.trim()) {
          const language = languageOf(final?.languageCode);
          finish(() => resolve(recognition(best, { early: earlyWords !== undefined, ...(language && language !== options.language ? { language } : {}) })));
          if (!speechEnded) stream.end();
          return;
        }
        if (!final && earlyWords === undefined && !speechEnded && options.decideEarly) {
          const stable = stableWords(response.results ?? []);
          if (stable && options.decideEarly(stable)) {
            // Settled while the caller is still talking: stop here and take Google's final result for what it has.
            earlyWords = stable;
            endAudio();
          }
        }
      });
      stream.on('error', (error: Error & { code?: number }) =>
        finish(() => reject(new SpeechServiceError(`Google Speech failed: ${error.message}`, error.code))),
      );
      // No final result: nothing was said — or, after an early stop, the stable words are all there is (with no confidence).
      stream.on('end', () =>
        finish(() => resolve(earlyWords !== undefined ? { kind: 'transcript', transcript: earlyWords, confidence: 0, early: true } : { kind: 'nothing' })),
      );

      void (async () => {
        try {
          for await (const chunk of utterance.audio) {
            if (settled || speechEnded) return;
            stream.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          }
          if (settled) return;
          endAudio();
        } catch (error) {
          finish(() => reject(error));
          stream.destroy();
        }
      })();
    });
  }
}

/** Google takes at most three alternative languages. */
const MAX_ALTERNATIVE_LANGUAGES = 3;
/** Interim words at least this stable are Google's settled guess (its docs: "stability > 0.8"). */
const STABLE = 0.8;

interface StreamingResponse {
  speechEventType?: string;
  results?: Array<{
    isFinal?: boolean;
    stability?: number;
    languageCode?: string;
    alternatives?: Array<{ transcript?: string; confidence?: number; words?: Array<{ word?: string; confidence?: number }> }>;
  }>;
}

type Alternative = NonNullable<NonNullable<StreamingResponse['results']>[number]['alternatives']>[number];

/** Google's best alternative as a Recognition, with its word confidences when they line up with the transcript. */
function recognition(best: Alternative, extra: { early: boolean; language?: string }): Recognition {
  const transcript = best.transcript!.trim();
  const words = (best.words ?? []).filter((w) => w.word).map((w) => ({ word: w.word!, confidence: w.confidence ?? 0 }));
  const aligned = words.length > 0 && words.map((w) => w.word).join(' ') === transcript.split(/\s+/).join(' ');
  return {
    kind: 'transcript',
    transcript,
    confidence: best.confidence ?? 0,
    ...(aligned ? { words } : {}),
    ...(extra.language ? { language: extra.language } : {}),
    ...(extra.early ? { early: true } : {}),
  };
}

/** The words of an interim response Google is sure of: its leading results with stability of at least 0.8. */
function stableWords(results: NonNullable<StreamingResponse['results']>): string {
  let words = '';
  for (const result of results) {
    if ((result.stability ?? 0) < STABLE) break;
    words += result.alternatives?.[0]?.transcript ?? '';
  }
  return words.replace(/\s+/g, ' ').trim();
}

/** A client for Google's servers, or for any address speaking the same gRPC API (tests point it at a fake). */
export function createSpeechClient(options: ConstructorParameters<typeof v1.SpeechClient>[0] = {}): SpeechClient {
  return new v1.SpeechClient(options);
}
