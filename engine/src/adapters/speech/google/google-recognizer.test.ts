import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGoogleSpeech, type FakeGoogleSpeech } from './fake-google-speech.js';
import { createSpeechClient, GoogleRecognizer, SpeechServiceError } from './google-recognizer.js';

/** 8 kHz 16-bit audio: `ms` milliseconds of it in 20 ms frames, as a phone call delivers (`paceMs` apart when live). */
function callerAudio(ms: number, paceMs = 0, read?: { frames: number }): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let t = 0; t < ms; t += 20) {
      if (paceMs) await new Promise((resolve) => setTimeout(resolve, paceMs));
      if (read) read.frames += 1;
      yield new Uint8Array(320).fill(t % 251);
    }
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

  it("offers the flow's other languages and says which one the caller spoke", async () => {
    fake.answerNext({ transcript: 'rydw i wedi cwympo', confidence: 0.9, languageCode: 'cy-gb' });
    const result = await recognizer.recognize(
      { kind: 'audio', sampleRateHz: 8000, audio: callerAudio(400) },
      { ...options(), alternativeLanguages: ['en-GB', 'cy-GB', 'fr-FR', 'de-DE', 'pl-PL'] },
    );
    expect(result).toEqual({ kind: 'transcript', transcript: 'rydw i wedi cwympo', confidence: expect.closeTo(0.9, 5), language: 'cy-GB' });
    // The call's own language is not repeated, and Google takes three alternatives at most.
    expect(fake.received.at(-1)!.config.alternativeLanguageCodes).toEqual(['cy-GB', 'fr-FR', 'de-DE']);
    fake.answerNext({ transcript: 'pothole', confidence: 0.9, languageCode: 'en-gb' });
    expect(await recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(200) }, options())).not.toHaveProperty('language');
    expect(fake.received.at(-1)!.config.alternativeLanguageCodes).toEqual([]);
  });

  describe('early decisions on the words Google is sure of', () => {
    it('offers only stable words; when the node settles on them, the audio stops there and the final result is marked early', async () => {
      fake.answerNext({
        transcript: 'my mum has fallen in the',
        confidence: 0.91,
        hearing: [
          { afterBytes: 10 * 320, stable: 'my mum', unstable: 'has fall' },
          { afterBytes: 25 * 320, stable: 'my mum has fallen in the', unstable: 'kit' },
        ],
      });
      const offered: string[] = [];
      const read = { frames: 0 };
      const result = await recognizer.recognize(
        { kind: 'audio', sampleRateHz: 8000, audio: callerAudio(6000, 5, read) },
        { ...options(), decideEarly: (words) => offered.push(words) > 0 && /fallen in the$/.test(words) },
      );
      expect(offered).toEqual(['my mum', 'my mum has fallen in the']);
      expect(result).toEqual({ kind: 'transcript', transcript: 'my mum has fallen in the', confidence: expect.closeTo(0.91, 5), early: true });
      // Six seconds of audio were on offer: reading stopped soon after the words settled.
      expect(read.frames).toBeLessThan(100);
    });

    it('goes on to the end of the utterance when the node does not settle', async () => {
      fake.answerNext({ transcript: 'I want to pay my council tax', confidence: 0.9, hearing: [{ afterBytes: 5 * 320, stable: 'I want to pay' }], endOfUtteranceAfterBytes: 40 * 320 });
      const result = await recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(1000, 2) }, { ...options(), decideEarly: () => false });
      expect(result).toEqual({ kind: 'transcript', transcript: 'I want to pay my council tax', confidence: expect.closeTo(0.9, 5) });
    });

    it('with no final result after stopping early, the settled words come back with no confidence', async () => {
      fake.answerNext({ transcript: 'unused', confidence: 0, noFinal: true, hearing: [{ afterBytes: 5 * 320, stable: 'someone hurt me and' }] });
      const result = await recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: callerAudio(3000, 5) }, { ...options(), decideEarly: () => true });
      expect(result).toEqual({ kind: 'transcript', transcript: 'someone hurt me and', confidence: 0, early: true });
    });
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
