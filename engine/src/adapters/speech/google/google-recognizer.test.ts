import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGoogleSpeech, type FakeGoogleSpeech } from './fake-google-speech.js';
import { createSpeechClient, GoogleRecognizer, SpeechServiceError } from './google-recognizer.js';

/** 8 kHz 16-bit audio: `ms` milliseconds of it in 20 ms frames, as a phone call delivers. */
function callerAudio(ms: number): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let t = 0; t < ms; t += 20) yield new Uint8Array(320).fill(t % 251);
  })();
}

describe('GoogleRecognizer against a fake of Google Speech v1 (real gRPC, Google protos)', () => {
  let fake: FakeGoogleSpeech;
  let recognizer: GoogleRecognizer;
  let client: ReturnType<typeof createSpeechClient>;
  const options = (signal = new AbortController().signal) => ({ language: 'en-GB', phrases: ['blue badge', 'fallen'], signal });

  beforeAll(async () => {
    fake = await startFakeGoogleSpeech();
    client = createSpeechClient({
      apiEndpoint: fake.address.host,
      port: fake.address.port,
      sslCreds: grpc.credentials.createInsecure(),
    });
    recognizer = new GoogleRecognizer(client, { resultTimeoutMs: 500 });
  });
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  it('streams the caller audio with the flow phrases as hints and returns the final transcript', async () => {
    fake.answerNext({ transcript: 'my mother has fallen', confidence: 0.87 });
    const result = await recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(1000) }, options());
    expect(result).toEqual({ kind: 'transcript', transcript: 'my mother has fallen', confidence: expect.closeTo(0.87, 5) });
    const sent = fake.received.at(-1)!;
    expect(sent.config).toMatchObject({
      encoding: 'LINEAR16',
      sampleRateHertz: 8000,
      languageCode: 'en-GB',
      model: 'telephony',
      enableWordConfidence: true,
      speechContexts: [{ phrases: ['blue badge', 'fallen'], boost: 10 }],
    });
    expect(sent).toMatchObject({ singleUtterance: true, interimResults: true });
    expect(sent.audioBytes).toBe(50 * 320);
  });

  it("stops sending audio when Google says the caller has stopped talking, and returns each word's confidence", async () => {
    fake.answerNext({
      transcript: 'my dad fell',
      confidence: 0.8,
      words: [
        { word: 'my', confidence: 0.9 },
        { word: 'dad', confidence: 0.85 },
        { word: 'fell', confidence: 0.4 },
      ],
      interim: ['my', 'my dad'],
      endOfUtteranceAfterBytes: 20 * 320,
    });
    const result = await recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(10_000) }, options());
    expect(result).toEqual({
      kind: 'transcript',
      transcript: 'my dad fell',
      confidence: expect.closeTo(0.8, 5),
      words: [
        { word: 'my', confidence: expect.closeTo(0.9, 5) },
        { word: 'dad', confidence: expect.closeTo(0.85, 5) },
        { word: 'fell', confidence: expect.closeTo(0.4, 5) },
      ],
    });
    // Ten seconds of audio were on offer; Google heard the end of speech after 0.4 s and no more was sent.
    expect(fake.received.at(-1)!.audioBytes).toBeLessThan(30 * 320);
  });

  it('returns nothing when Google hears no speech', async () => {
    fake.answerNext({ nothing: true });
    expect(await recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(200) }, options())).toEqual({
      kind: 'nothing',
    });
  });

  it('turns a refusal from Google into a SpeechServiceError naming the cause', async () => {
    fake.answerNext({ error: grpc.status.PERMISSION_DENIED, message: 'Cloud Speech-to-Text API has not been used in project' });
    const attempt = recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(200) }, options());
    await expect(attempt).rejects.toBeInstanceOf(SpeechServiceError);
    await expect(attempt).rejects.toThrow(/has not been used in project/);
  });

  it('gives up with a clear error when no result comes', async () => {
    fake.answerNext({ silent: true });
    await expect(
      recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(200) }, options()),
    ).rejects.toThrow(/no result within 500 ms/);
  });

  it('reports an unreachable Google as a SpeechServiceError (the node then offers its keys)', async () => {
    const closed = await startFakeGoogleSpeech();
    await closed.close();
    const nowhere = createSpeechClient({ apiEndpoint: closed.address.host, port: closed.address.port, sslCreds: grpc.credentials.createInsecure() });
    try {
      const attempt = new GoogleRecognizer(nowhere, { resultTimeoutMs: 2000 }).recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(200) }, options());
      await expect(attempt).rejects.toBeInstanceOf(SpeechServiceError);
    } finally {
      await nowhere.close();
    }
  });

  it('stops at once when the caller hangs up', async () => {
    fake.answerNext({ silent: true });
    const hangup = new AbortController();
    const attempt = recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(200) }, options(hangup.signal));
    hangup.abort(new Error('caller hung up'));
    await expect(attempt).rejects.toThrow('caller hung up');
  });
});
