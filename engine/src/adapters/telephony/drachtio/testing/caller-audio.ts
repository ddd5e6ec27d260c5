/**
 * Made-up caller audio for tests (16-bit mono PCM): silence, a tone at a given loudness standing in
 * for a voice, and deterministic noise standing in for a line's hiss or a burst of interference.
 */

const samplesFor = (ms: number, rate: number) => Math.round((rate * ms) / 1000);

export function silence(ms: number, rate: number): Int16Array {
  return new Int16Array(samplesFor(ms, rate));
}

/** A sine at `db` dBFS (RMS). */
export function tone(hz: number, db: number, ms: number, rate: number): Int16Array {
  const amplitude = 32768 * 10 ** (db / 20) * Math.SQRT2;
  const out = new Int16Array(samplesFor(ms, rate));
  for (let i = 0; i < out.length; i += 1) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

/** White noise at about `db` dBFS (RMS), the same for the same seed. */
export function noise(db: number, ms: number, rate: number, seed: number): Int16Array {
  const rms = 32768 * 10 ** (db / 20);
  const out = new Int16Array(samplesFor(ms, rate));
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < out.length; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    // Uniform in [-1, 1) has an RMS of 1/sqrt(3).
    out[i] = Math.round(((state / 2 ** 32) * 2 - 1) * rms * Math.sqrt(3));
  }
  return out;
}

/** Samples as the little-endian bytes FreeSWITCH sends (L16). */
export function l16(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength).slice();
}
