import { v1 } from '@google-cloud/speech';
import type { Recognition, RecognizeOptions, Recognizer, Utterance } from '../../../ports/index.js';

type SpeechClient = InstanceType<typeof v1.SpeechClient>;

export interface GoogleRecognizerOptions {
  /** Google's model for the audio: `phone_call` suits 8 kHz PSTN audio. */
  model?: string;
  /** How much Google favours the flow's phrases (speech adaptation boost, 0–20). */
  phraseBoost?: number;
  /** Longest wait for Google's final result after the caller stops talking. */
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
 * audio is streamed as it arrives, with the flow's phrases as speech-adaptation hints, and the
 * first final result is the transcript.
 */
export class GoogleRecognizer implements Recognizer {
  private readonly model: string;
  private readonly phraseBoost: number;
  private readonly resultTimeoutMs: number;

  constructor(
    private readonly client: SpeechClient,
    options: GoogleRecognizerOptions = {},
  ) {
    this.model = options.model ?? 'phone_call';
    this.phraseBoost = options.phraseBoost ?? 10;
    this.resultTimeoutMs = options.resultTimeoutMs ?? 5000;
  }

  recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition> {
    if (utterance.kind !== 'audio') {
      return Promise.reject(new TypeError('GoogleRecognizer needs caller audio; typed speech goes to the text recogniser'));
    }
    options.signal.throwIfAborted();
    return new Promise<Recognition>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const stream = this.client.streamingRecognize({
        config: {
          encoding: 'LINEAR16',
          sampleRateHertz: utterance.sampleRateHz,
          languageCode: options.language,
          model: this.model,
          useEnhanced: true,
          maxAlternatives: 1,
          speechContexts: options.phrases.length ? [{ phrases: options.phrases, boost: this.phraseBoost }] : [],
        },
        singleUtterance: true,
        interimResults: false,
      });
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

      stream.on('data', (response: { results?: Array<{ isFinal?: boolean; alternatives?: Array<{ transcript?: string; confidence?: number }> }> }) => {
        const final = response.results?.find((r) => r.isFinal);
        const best = final?.alternatives?.[0];
        if (best?.transcript?.trim()) {
          finish(() => resolve({ kind: 'transcript', transcript: best.transcript!.trim(), confidence: best.confidence ?? 0 }));
          stream.end();
        }
      });
      stream.on('error', (error: Error & { code?: number }) =>
        finish(() => reject(new SpeechServiceError(`Google Speech failed: ${error.message}`, error.code))),
      );
      stream.on('end', () => finish(() => resolve({ kind: 'nothing' })));

      void (async () => {
        try {
          for await (const chunk of utterance.audio) {
            if (settled) return;
            stream.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          }
          if (settled) return;
          stream.end();
          timer = setTimeout(
            () => finish(() => reject(new SpeechServiceError(`Google Speech gave no result within ${this.resultTimeoutMs} ms`))),
            this.resultTimeoutMs,
          );
        } catch (error) {
          finish(() => reject(error));
          stream.destroy();
        }
      })();
    });
  }
}

/** A client for Google's servers, or for any address speaking the same gRPC API (tests point it at a fake). */
export function createSpeechClient(options: ConstructorParameters<typeof v1.SpeechClient>[0] = {}): SpeechClient {
  return new v1.SpeechClient(options);
}
