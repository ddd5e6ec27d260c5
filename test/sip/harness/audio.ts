/**
 * What a test phone heard: 16-bit PCM WAV files (baresip's sndfile dumps, FreeSWITCH recordings) read
 * into samples, loudness over time, and whether a given tone is in them (Goertzel), so a scenario can
 * say "the agent heard speech after answering" and "the caller sent back the agent's own tone".
 */
import { readFileSync } from 'node:fs';

export interface Pcm {
  rate: number;
  samples: Float32Array;
}

/** Reads a mono or stereo 16-bit PCM WAV (stereo is mixed down), walking its chunks. */
export function readWav(path: string): Pcm {
  const bytes = readFileSync(path);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path} is not a WAV file`);
  let offset = 12;
  let rate = 0;
  let channels = 1;
  let bits = 16;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = bytes.readUInt16LE(body + 2);
      rate = bytes.readUInt32LE(body + 4);
      bits = bytes.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`${path}: ${bits}-bit audio, expected 16`);
      const end = Math.min(bytes.length, body + (size === 0 || size === 0xffffffff ? bytes.length : size));
      const frames = Math.floor((end - body) / (2 * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i += 1) {
        let sum = 0;
        for (let c = 0; c < channels; c += 1) sum += bytes.readInt16LE(body + (i * channels + c) * 2);
        samples[i] = sum / channels / 32768;
      }
      return { rate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no audio data`);
}

/** Loudness of each `windowMs` slice, in dBFS (silence is -Infinity). */
export function loudness(pcm: Pcm, windowMs = 500): number[] {
  const size = Math.max(1, Math.round((pcm.rate * windowMs) / 1000));
  const out: number[] = [];
  for (let start = 0; start + size <= pcm.samples.length; start += size) {
    let sum = 0;
    for (let i = start; i < start + size; i += 1) sum += pcm.samples[i]! ** 2;
    out.push(10 * Math.log10(sum / size));
  }
  return out;
}

/** Seconds of `pcm` louder than `thresholdDb` (speech and music through a phone sit around -30 to -10 dBFS). */
export function secondsAbove(pcm: Pcm, thresholdDb = -45, windowMs = 500): number {
  return (loudness(pcm, windowMs).filter((db) => db > thresholdDb).length * windowMs) / 1000;
}

/** How much of the signal's power in a window is at `frequency` (0..1), by the Goertzel algorithm. */
function toneShare(samples: Float32Array, rate: number, frequency: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / rate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (const x of samples) {
    const s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return energy > 0 ? (2 * power) / (samples.length * energy) : 0;
}

/** Seconds of `pcm` (in 200 ms windows) where a tone at `frequency` carries at least `share` of the power. */
export function secondsOfTone(pcm: Pcm, frequency: number, share = 0.3): number {
  const size = Math.round(pcm.rate * 0.2);
  let windows = 0;
  for (let start = 0; start + size <= pcm.samples.length; start += size) {
    const window = pcm.samples.subarray(start, start + size);
    let sum = 0;
    for (const x of window) sum += x * x;
    if (10 * Math.log10(sum / size) > -50 && toneShare(window, pcm.rate, frequency) >= share) windows += 1;
  }
  return windows * 0.2;
}
