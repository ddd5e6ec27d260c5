import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NoVoice, espeakRenderer, espeakVoice } from './espeak-tts.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'frontdoor-tts-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Sample rate from a canonical WAV header. */
const sampleRate = (wav: Buffer) => wav.readUInt32LE(24);

describe('espeak-ng text to speech', () => {
  it('picks the espeak voice for a language tag', () => {
    expect(espeakVoice('en-GB')).toBe('en-gb');
    expect(espeakVoice('cy-GB')).toBe('cy');
    expect(espeakVoice('en-US')).toBe('en-us');
  });

  it('renders WAV audio, resampled to 8 kHz for the phone, and caches it on disk', async () => {
    const tts = espeakRenderer({ cacheDir, sampleRateHz: 8000 });
    const wav = await tts.render('Welcome to the council. Press one for bins.', 'en-GB');
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.subarray(8, 12).toString()).toBe('WAVE');
    expect(sampleRate(wav)).toBe(8000);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.wav'))).toHaveLength(1);
    const again = await tts.render('Welcome to the council. Press one for bins.', 'en-GB');
    expect(again.equals(wav)).toBe(true);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.wav'))).toHaveLength(1);
  });

  it('reads text starting with a dash as text, not an option', async () => {
    const tts = espeakRenderer({ cacheDir });
    const wav = await tts.render('--help', 'cy-GB');
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
  });

  // Issue 9: the cache lived at a shared, predictable /tmp path where a planted file was served as speech.
  it('never serves a file planted where the old cache would have looked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontdoor-tts-planted-'));
    try {
      const planted = Buffer.from('RIFF....WAVEplanted by someone else');
      const oldName = createHash('sha256').update(JSON.stringify(['en-gb', 0, 'Your balance is'])).digest('hex');
      writeFileSync(join(dir, `${oldName}.wav`), planted);
      const wav = await espeakRenderer({ cacheDir: dir }).render('Your balance is', 'en-GB');
      expect(wav.equals(planted)).toBe(false);
      expect(wav.subarray(8, 12).toString()).toBe('WAVE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says when a language has no voice', async () => {
    await expect(espeakRenderer({ cacheDir }).render('Hello', 'xx-YY')).rejects.toBeInstanceOf(NoVoice);
  });
});
