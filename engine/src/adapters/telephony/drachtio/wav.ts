/**
 * Reading the WAV files FreeSWITCH records (16-bit PCM): finding speech in them and streaming
 * them to a recogniser as 20 ms L16 frames.
 */

interface PcmView {
  sampleRateHz: number;
  samples: Int16Array;
}

function chunkOffset(bytes: Uint8Array, id: string): { offset: number; size: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const name = String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
    const size = view.getUint32(offset + 4, true);
    if (name === id) return { offset: offset + 8, size: Math.min(size, bytes.byteLength - offset - 8) };
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

/** The 16-bit mono PCM in a WAV file; throws on anything else. */
export function readPcm(bytes: Uint8Array): PcmView {
  const riff = String.fromCharCode(...bytes.subarray(0, 4));
  const wave = String.fromCharCode(...bytes.subarray(8, 12));
  if (riff !== 'RIFF' || wave !== 'WAVE') throw new Error('not a WAV file');
  const fmt = chunkOffset(bytes, 'fmt ');
  const data = chunkOffset(bytes, 'data');
  if (!fmt || !data) throw new Error('WAV file without fmt or data chunk');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint16(fmt.offset, true);
  const channels = view.getUint16(fmt.offset + 2, true);
  const sampleRateHz = view.getUint32(fmt.offset + 4, true);
  const bits = view.getUint16(fmt.offset + 14, true);
  if (format !== 1 || bits !== 16 || channels !== 1) throw new Error(`expected 16-bit mono PCM, got format ${format}, ${bits} bits, ${channels} channels`);
  const copy = bytes.slice(data.offset, data.offset + data.size - (data.size % 2));
  return { sampleRateHz, samples: new Int16Array(copy.buffer, copy.byteOffset, copy.byteLength / 2) };
}

/** True when any 20 ms frame's RMS energy exceeds `threshold`. */
export function hasSpeech(wav: Uint8Array, threshold: number): boolean {
  let pcm: PcmView;
  try {
    pcm = readPcm(wav);
  } catch {
    return false;
  }
  const frame = Math.max(1, Math.round(pcm.sampleRateHz / 50));
  for (let start = 0; start < pcm.samples.length; start += frame) {
    let sum = 0;
    const end = Math.min(start + frame, pcm.samples.length);
    for (let i = start; i < end; i += 1) sum += pcm.samples[i]! * pcm.samples[i]!;
    if (Math.sqrt(sum / (end - start)) > threshold) return true;
  }
  return false;
}

/** The recording's audio as 20 ms frames of 16-bit little-endian PCM. */
export async function* wavToL16Frames(wav: Uint8Array): AsyncIterable<Uint8Array> {
  const pcm = readPcm(wav);
  const bytes = new Uint8Array(pcm.samples.buffer, pcm.samples.byteOffset, pcm.samples.byteLength);
  const frameBytes = Math.round(pcm.sampleRateHz / 50) * 2;
  for (let start = 0; start < bytes.byteLength; start += frameBytes) {
    yield bytes.slice(start, start + frameBytes);
  }
}
