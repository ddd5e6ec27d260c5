import { describe, expect, it } from 'vitest';
import { alawDecode, alawEncode, throughPhoneLine } from './phone-line.js';

const pcm = (samples: number[]) => {
  const bytes = new Uint8Array(samples.length * 2);
  samples.forEach((s, i) => new DataView(bytes.buffer).setInt16(i * 2, s, true));
  return bytes;
};
const samples = (bytes: Uint8Array) => Array.from({ length: bytes.length / 2 }, (_, i) => new DataView(bytes.buffer, bytes.byteOffset).getInt16(i * 2, true));

describe('G.711 A-law', () => {
  it('matches the standard for known values (silence is 0xD5, full scale 0xAA / 0x2A)', () => {
    expect(alawEncode(0)).toBe(0xd5);
    expect(alawEncode(32767)).toBe(0xaa);
    expect(alawEncode(-32768)).toBe(0x2a);
    expect(alawDecode(0xd5)).toBe(8);
    expect(alawDecode(0xaa)).toBe(32256);
  });

  it('round-trips every sample to within its segment step (about 3 % of its size)', () => {
    for (let s = -32768; s <= 32767; s += 97) {
      const back = alawDecode(alawEncode(s));
      expect(Math.abs(back - s)).toBeLessThanOrEqual(Math.max(16, Math.abs(s) / 32 + 8));
    }
  });
});

describe('throughPhoneLine', () => {
  it('keeps 8 kHz audio at 8 kHz and halves 16 kHz audio', () => {
    expect(throughPhoneLine(pcm([0, 1000, -1000, 5000]), 8000).length).toBe(8);
    expect(throughPhoneLine(pcm([0, 1000, -1000, 5000]), 16000).length).toBe(4);
  });

  it('removes what a phone line cannot carry: a 6 kHz tone at 16 kHz comes out nearly silent', () => {
    const tone = Array.from({ length: 1600 }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 6000 * i) / 16000)));
    const out = samples(throughPhoneLine(pcm(tone), 16000));
    const rms = Math.sqrt(out.reduce((sum, s) => sum + s * s, 0) / out.length);
    expect(rms).toBeLessThan(10000 / Math.SQRT2 / 3);
  });

  it('refuses other sample rates', () => {
    expect(() => throughPhoneLine(pcm([0]), 44100)).toThrow(/8000 or 16000 Hz/);
  });
});
