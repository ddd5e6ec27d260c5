/**
 * A FAKE of Google Cloud Speech's v1 gRPC service, for tests: a real gRPC server on 127.0.0.1
 * loading Google's own protos (shipped in @google-cloud/speech), answering StreamingRecognize the
 * way Google does — config first, then audio; in single-utterance mode, interim results while the
 * caller talks (stable words first with stability 0.9, then the still-changing rest with 0.01, as
 * separate results) and END_OF_SINGLE_UTTERANCE when they stop; then the final result (is_final, word
 * confidences, the language it was heard in) once the client half-closes — also when the client
 * half-closes early, mid-utterance: Google then finalises what it has; end of stream. It cannot recognise speech: each test says
 * what it "hears" and can inspect exactly what was sent.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const require = createRequire(import.meta.url);
const speechProtos = join(dirname(require.resolve('@google-cloud/speech/package.json')), 'build/protos');
// google-gax's main module is build/src/index.js; its protos sit beside build/src.
const gaxProtos = join(dirname(require.resolve('google-gax')), '..', 'protos');

export interface ReceivedStream {
  config: {
    encoding: string;
    sampleRateHertz: number;
    languageCode: string;
    alternativeLanguageCodes: string[];
    model: string;
    speechContexts: Array<{ phrases: string[]; boost: number }>;
    enableWordConfidence: boolean;
  };
  singleUtterance: boolean;
  interimResults: boolean;
  audioBytes: number;
}

export type FakeAnswer =
  | {
      transcript: string;
      confidence: number;
      /** Word confidences (sent when the client asked for them). */
      words?: Array<{ word: string; confidence: number }>;
      /** In single-utterance mode: after this much audio the caller "stops talking" — interim results, then END_OF_SINGLE_UTTERANCE. */
      endOfUtteranceAfterBytes?: number;
      interim?: string[];
      /** Interim results while the caller talks: once this much audio has arrived, `stable` words (and `unstable` ones after them). */
      hearing?: Array<{ afterBytes: number; stable: string; unstable?: string }>;
      /** The language Google heard (a result's language_code, lower case as Google sends it). */
      languageCode?: string;
      /** Google ends the stream without a final result (it has nothing better than what it said on the way). */
      noFinal?: true;
    }
  | { nothing: true }
  | { error: grpc.status; message: string }
  /** Never answer (to test timeouts and hang-ups). */
  | { silent: true };

export interface FakeGoogleSpeech {
  /** host:port to point a SpeechClient at. */
  address: { host: string; port: number };
  received: ReceivedStream[];
  /** What the fake "recognises" in the next stream. */
  answerNext(answer: FakeAnswer): void;
  close(): Promise<void>;
}

export async function startFakeGoogleSpeech(): Promise<FakeGoogleSpeech> {
  const definition = await protoLoader.load('google/cloud/speech/v1/cloud_speech.proto', {
    includeDirs: [speechProtos, gaxProtos],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { cloud: { speech: { v1: { Speech: { service: grpc.ServiceDefinition } } } } };
  };
  const received: ReceivedStream[] = [];
  const answers: FakeAnswer[] = [];
  const server = new grpc.Server();

  server.addService(loaded.google.cloud.speech.v1.Speech.service, {
    streamingRecognize(call: grpc.ServerDuplexStream<Record<string, unknown>, unknown>) {
      const stream: ReceivedStream = { config: undefined as never, singleUtterance: false, interimResults: false, audioBytes: 0 };
      received.push(stream);
      const answer = answers.shift() ?? { nothing: true };
      let utteranceEnded = false;
      call.on('data', (request: { streamingConfig?: { config: ReceivedStream['config']; singleUtterance: boolean; interimResults: boolean }; audioContent?: Buffer }) => {
        if (request.streamingConfig) {
          stream.config = request.streamingConfig.config;
          stream.singleUtterance = request.streamingConfig.singleUtterance;
          stream.interimResults = request.streamingConfig.interimResults;
        } else if (request.audioContent) {
          if (!stream.config) {
            call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'streaming_config must come first' });
            return;
          }
          if (utteranceEnded) return; // Google ignores audio after the end of a single utterance
          stream.audioBytes += request.audioContent.length;
          if ('transcript' in answer && stream.interimResults) {
            while (answer.hearing?.length && stream.audioBytes >= answer.hearing[0]!.afterBytes) {
              const { stable, unstable } = answer.hearing.shift()!;
              call.write({
                results: [
                  { alternatives: [{ transcript: stable }], isFinal: false, stability: 0.9 },
                  ...(unstable ? [{ alternatives: [{ transcript: ` ${unstable}` }], isFinal: false, stability: 0.01 }] : []),
                ],
              });
            }
          }
          if ('transcript' in answer && answer.endOfUtteranceAfterBytes !== undefined && stream.singleUtterance && stream.audioBytes >= answer.endOfUtteranceAfterBytes) {
            utteranceEnded = true;
            if (stream.interimResults) {
              for (const text of answer.interim ?? []) call.write({ results: [{ alternatives: [{ transcript: text }], isFinal: false, stability: 0.5 }] });
            }
            call.write({ speechEventType: 'END_OF_SINGLE_UTTERANCE', results: [] });
          }
        }
      });
      call.on('end', () => {
        if ('silent' in answer) return;
        if ('error' in answer) {
          call.emit('error', { code: answer.error, details: answer.message });
          return;
        }
        if ('transcript' in answer && !answer.noFinal) {
          const words = stream.config.enableWordConfidence && answer.words ? { words: answer.words } : {};
          const language = answer.languageCode ? { languageCode: answer.languageCode } : {};
          call.write({ results: [{ alternatives: [{ transcript: answer.transcript, confidence: answer.confidence, ...words }], isFinal: true, ...language }] });
        }
        call.end();
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: { host: '127.0.0.1', port },
    received,
    answerNext: (answer) => answers.push(answer),
    close: async () => server.forceShutdown(),
  };
}
