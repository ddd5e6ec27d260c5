import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHoldMusic } from './render-hold-music.js';

/** The hold music is rendered with sox (installed wherever prompts are rendered): check what callers will hear. */
const dir = mkdtempSync(join(tmpdir(), 'frontdoor-hold-music-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function samplesOf(wav: Buffer): { rate: number; channels: number; bits: number; samples: Int16Array } {
  const dataAt = wav.indexOf('data', 12) + 8;
  return {
    channels: wav.readUInt16LE(22),
    rate: wav.readUInt32LE(24),
    bits: wav.readUInt16LE(34),
    samples: new Int16Array(wav.buffer.slice(wav.byteOffset + dataAt, wav.byteOffset + wav.length)),
  };
}

const rms = (s: Int16Array) => Math.sqrt(s.reduce((sum, v) => sum + v * v, 0) / s.length);

describe('render-hold-music', () => {
  it('renders 8 kHz mono 16-bit music, never silent, never clipping, that loops without a jump', async () => {
    const { file, seconds } = await renderHoldMusic(join(dir, 'hold.wav'));
    const { rate, channels, bits, samples } = samplesOf(readFileSync(file));
    expect({ rate, channels, bits }).toEqual({ rate: 8000, channels: 1, bits: 16 });
    expect(samples.length).toBe(seconds * 8000);
    expect(seconds).toBeGreaterThanOrEqual(30);
    expect(seconds).toBeLessThanOrEqual(60);
    const peak = samples.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    expect(peak).toBeLessThan(32768 * 0.75); // normalised to -3 dBFS
    // Music all the way through: every second carries sound, not a lone tone burst and silence.
    for (let second = 0; second < seconds; second += 1) {
      expect(rms(samples.subarray(second * 8000, (second + 1) * 8000)), `second ${second}`).toBeGreaterThan(500);
    }
    // Looping: the step from the last sample back to the first is no bigger than steps inside the music.
    const steps = samples.subarray(1).map((v, i) => Math.abs(v - samples[i]!));
    const typicalLargeStep = [...steps].sort((a, b) => a - b)[Math.floor(steps.length * 0.999)]!;
    expect(Math.abs(samples[0]! - samples.at(-1)!)).toBeLessThanOrEqual(typicalLargeStep);
  }, 60_000);
});
