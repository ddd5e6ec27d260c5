import { describe, expect, it } from 'vitest';
import { toBase64Pcm } from './microphone.js';

describe('toBase64Pcm', () => {
  it('turns float samples into 16-bit little-endian PCM, clipping anything beyond full scale', () => {
    const bytes = Uint8Array.from(atob(toBase64Pcm([Float32Array.from([0, 1, -1]), Float32Array.from([0.5, 2, -3])])), (c) => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    expect(Array.from({ length: bytes.length / 2 }, (_, i) => view.getInt16(i * 2, true))).toEqual([0, 32767, -32768, 16384, 32767, -32768]);
  });

  it('handles recordings longer than one call to String.fromCharCode can take', () => {
    const long = new Float32Array(16000 * 10).fill(0.25);
    expect(atob(toBase64Pcm([long])).length).toBe(long.length * 2);
  });
});
