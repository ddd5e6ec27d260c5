/**
 * What the phone network does to a caller's voice, for audio spoken into a test call: narrowband
 * 8 kHz and G.711 A-law (the codec UK networks use) there and back. The designer's microphone is far
 * better than a phone line; recognising its audio as it is would flatter the recogniser.
 */

/** 16-bit sample → A-law byte (ITU-T G.711). */
export function alawEncode(sample: number): number {
  let s = sample >> 3; // 13-bit magnitude
  let mask: number;
  if (s >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    s = -s - 1;
  }
  const segmentEnds = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
  let segment = segmentEnds.findIndex((end) => s <= end);
  if (segment < 0) return 0x7f ^ mask;
  const value = (segment << 4) | ((segment < 2 ? s >> 1 : s >> segment) & 0x0f);
  return value ^ mask;
}

/** A-law byte → 16-bit sample. */
export function alawDecode(byte: number): number {
  const a = byte ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t = segment === 0 ? t + 8 : segment === 1 ? t + 0x108 : (t + 0x108) << (segment - 1);
  return a & 0x80 ? t : -t;
}

/**
 * 16-bit little-endian mono PCM at `sampleRateHz` (8 or 16 kHz) as it arrives after a phone line: at
 * 8 kHz (16 kHz is low-passed and halved), each sample through A-law and back.
 */
export function throughPhoneLine(pcm: Uint8Array, sampleRateHz: number): Uint8Array {
  if (sampleRateHz !== 8000 && sampleRateHz !== 16000) throw new RangeError(`phone line audio must be 8000 or 16000 Hz, not ${sampleRateHz}`);
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength - (pcm.byteLength % 2));
  const input = Array.from({ length: view.byteLength / 2 }, (_, i) => view.getInt16(i * 2, true));
  // Halving 16 kHz: a short low-pass (1-2-1 over neighbours, then pairs averaged) keeps 4 kHz+ from folding back.
  const narrow = sampleRateHz === 8000 ? input : Array.from({ length: input.length >> 1 }, (_, i) => {
    const at = (k: number) => input[Math.min(input.length - 1, Math.max(0, k))]!;
    return Math.round((at(2 * i - 1) + 2 * at(2 * i) + 2 * at(2 * i + 1) + at(2 * i + 2)) / 6);
  });
  const out = new Uint8Array(narrow.length * 2);
  const outView = new DataView(out.buffer);
  narrow.forEach((sample, i) => outView.setInt16(i * 2, alawDecode(alawEncode(sample)), true));
  return out;
}
