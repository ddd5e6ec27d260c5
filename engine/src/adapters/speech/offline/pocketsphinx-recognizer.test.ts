import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findKeywords } from '../../../core/keywords.js';
import { parseWordTimes, utteranceConfidence } from './decoder-output.js';
import { stripWavHeader } from './narrowband.js';
import { PocketSphinxRecognizer } from './pocketsphinx-recognizer.js';

const haveTools = ['/usr/bin/pocketsphinx_continuous', '/usr/bin/flite', '/usr/bin/sox'].every(existsSync);

/** What a caller says, spoken by flite's slt voice: 16 kHz linear PCM, or 8 kHz through G.711 µ-law and back (a phone call). */
function speak(text: string, phone = false): Buffer {
  const toPcm = phone
    ? 'sox -t wav - -r 8000 -c 1 -e u-law -t raw - | sox -t raw -r 8000 -e u-law -c 1 - -t raw -e signed -b 16 -'
    : 'sox -t wav - -t raw -r 16000 -e signed -b 16 -c 1 -';
  return execFileSync('sh', ['-c', `flite -voice slt -t "$1" -o /dev/stdout | ${toPcm}`, 'speak', text]);
}
const frames = (pcm: Uint8Array, frameBytes = 640) =>
  (async function* () {
    for (let i = 0; i < pcm.length; i += frameBytes) yield pcm.subarray(i, i + frameBytes);
  })();

const groups = [
  { outcome: 'payments', phrases: ['pay', 'council tax', 'parking fine'] },
  { outcome: 'safeguarding', phrases: ['fallen', 'can not get up', 'scared'], vulnerable: true },
  { outcome: 'libraries', phrases: ['library', 'renew'] },
];
const phrases = groups.flatMap((g) => g.phrases);
const options = (language = 'en-GB') => ({ language, phrases, signal: new AbortController().signal });

describe('parseWordTimes and utteranceConfidence', () => {
  const output = ['<s> 0.000 0.120 1.000000', 'i 0.130 0.200 0.912000', 'read(2) 0.210 0.500 0.400000', '<sil> 0.5 0.6 1.0', '[NOISE] 0.6 0.7 0.9', 'fallen 0.71 1.2 0.25', '</s> 1.2 1.3 1.0', 'i read fallen'].join('\n');

  it('keeps words with their posteriors and drops silence, noise, markers and the hypothesis line', () => {
    expect(parseWordTimes(output)).toEqual([
      { word: 'i', confidence: 0.912 },
      { word: 'read', confidence: 0.4 },
      { word: 'fallen', confidence: 0.25 },
    ]);
  });

  it('is the mean of the words, 0 for none', () => {
    expect(utteranceConfidence(parseWordTimes(output))).toBeCloseTo((0.912 + 0.4 + 0.25) / 3);
    expect(utteranceConfidence([])).toBe(0);
  });
});

describe('stripWavHeader', () => {
  const collect = async (audio: AsyncIterable<Uint8Array>) => {
    const parts: Uint8Array[] = [];
    for await (const part of stripWavHeader(audio)) parts.push(part);
    return Buffer.concat(parts);
  };
  const samples = Buffer.from([1, 0, 2, 0, 3, 0, 4, 0]);
  const wav = (format = 1, channels = 1, bits = 16) => {
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(36 + samples.length, 4);
    header.write('WAVEfmt ', 8, 'latin1');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(format, 20);
    header.writeUInt16LE(channels, 22);
    header.writeUInt32LE(8000, 24);
    header.writeUInt32LE(16000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(bits, 34);
    header.write('data', 36, 'latin1');
    header.writeUInt32LE(samples.length, 40);
    return Buffer.concat([header, samples]);
  };

  it('passes raw samples through untouched and leaves a WAV header out, however the bytes are split', async () => {
    expect(await collect(frames(samples, 3))).toEqual(samples);
    expect(await collect(frames(wav(), 5))).toEqual(samples);
    expect(await collect(frames(wav(), 100))).toEqual(samples);
  });

  it('refuses a WAV that is not 16-bit mono PCM', async () => {
    await expect(collect(frames(wav(1, 2)))).rejects.toThrow(/16-bit mono PCM, got a WAV with format 1, 2 channels/);
  });
});

describe.skipIf(!haveTools)('PocketSphinxRecognizer (runs pocketsphinx on this machine)', () => {
  const recognizer = new PocketSphinxRecognizer();

  it('hears wideband speech, with word confidences from the decoder', async () => {
    const result = await recognizer.recognize({ kind: 'audio', sampleRateHz: 16000, audio: frames(speak('I want to pay my council tax')) }, options());
    expect(result.kind).toBe('transcript');
    if (result.kind !== 'transcript') return;
    expect(findKeywords(result.transcript, groups).match?.group.outcome).toBe('payments');
    expect(result.words?.map((w) => w.word).join(' ')).toBe(result.transcript);
    for (const w of result.words!) expect(w.confidence).toBeGreaterThanOrEqual(0);
    expect(new Set(result.words!.map((w) => w.confidence)).size).toBeGreaterThan(1); // not a fixed number
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('hears 8 kHz phone audio that went through G.711', async () => {
    const result = await recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: frames(speak('my mum has fallen and she can not get up', true), 320) }, options());
    expect(result.kind === 'transcript' && findKeywords(result.transcript, groups).match?.group.outcome).toBe('safeguarding');
  });

  it('turns speech about something else into words that match nothing (the garbage path)', async () => {
    const result = await recognizer.recognize({ kind: 'audio', sampleRateHz: 16000, audio: frames(speak('I would like to order a pizza with extra cheese')) }, options());
    expect(result.kind === 'transcript' ? findKeywords(result.transcript, groups).match : undefined).toBeUndefined();
  });

  it('decodes a WAV passed by mistake as its samples, not its header', async () => {
    const wav = execFileSync('sh', ['-c', 'flite -voice slt -t "I would like to renew my library books" -o /dev/stdout | sox -t wav - -r 16000 -c 1 -b 16 -e signed -t wav -']);
    const fromWav = await recognizer.recognize({ kind: 'audio', sampleRateHz: 16000, audio: frames(wav) }, options());
    const fromRaw = await recognizer.recognize({ kind: 'audio', sampleRateHz: 16000, audio: frames(wav.subarray(44)) }, options());
    expect(fromWav).toEqual(fromRaw);
  });

  it('recognises nothing in silence, in no audio, or in a language it lacks', async () => {
    expect(await recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: frames(Buffer.alloc(16000)) }, options())).toEqual({ kind: 'nothing' });
    expect(await recognizer.recognize({ kind: 'audio', sampleRateHz: 8000, audio: frames(Buffer.alloc(0)) }, options())).toEqual({ kind: 'nothing' });
    expect(await recognizer.recognize({ kind: 'audio', sampleRateHz: 16000, audio: frames(speak('blue badge')) }, options('cy-GB'))).toEqual({ kind: 'nothing' });
  });

  it('refuses typed speech and reports a decoder that cannot start', async () => {
    await expect(recognizer.recognize({ kind: 'text', text: 'blue badge' }, options())).rejects.toThrow(/needs caller audio/);
    const broken = new PocketSphinxRecognizer({ modelDir: '/nonexistent/model' });
    await expect(broken.recognize({ kind: 'audio', sampleRateHz: 16000, audio: frames(speak('pay')) }, options())).rejects.toThrow(/pocketsphinx exited with/);
  });

  it('keeps a decoder loaded and waiting for the next caller, so loading it is not waited for after they stop talking', async () => {
    const fresh = new PocketSphinxRecognizer();
    expect(fresh.warm).toBe(false);
    const first = await fresh.recognize({ kind: 'audio', sampleRateHz: 16000, audio: frames(speak('I want to pay my council tax')) }, options());
    expect(fresh.warm).toBe(true);
    const second = await fresh.recognize({ kind: 'audio', sampleRateHz: 16000, audio: frames(speak('I want to pay my council tax')) }, options());
    expect(second).toEqual(first);
    fresh.close();
    expect(fresh.warm).toBe(false);
  });

  it('stops the decoder when the call goes away', async () => {
    const controller = new AbortController();
    const endless = (async function* () {
      for (;;) {
        yield Buffer.alloc(640);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const pending = recognizer.recognize({ kind: 'audio', sampleRateHz: 16000, audio: endless }, { ...options(), signal: controller.signal });
    setTimeout(() => controller.abort(new DOMException('the caller hung up', 'AbortError')), 200);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
