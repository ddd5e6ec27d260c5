/**
 * Audio preparation for the on-machine decoder: WAV headers kept out of the samples, and the empty
 * upper band of narrowband phone audio filled.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const fills = new Map<number, Promise<Int16Array>>();

/**
 * Two seconds of white noise above 4.1 kHz at `db` dB below full scale (16 kHz, made once by sox),
 * and a function adding it, looped, to 16 kHz samples that started `offsetBytes` into the stream.
 *
 * Why: audio resampled from 8 kHz has nothing above 4 kHz, so the wideband model's upper mel filters
 * see log-energies of nothing and its features are far from anything it was trained on. A steady
 * low noise floor there — as a wideband microphone would have — keeps them in range. Measured on
 * synthetic G.711 speech with the Debian model: about twice the flagged phrases heard correctly.
 */
export async function bandFill(db: number): Promise<(pcm: Buffer, offsetBytes: number) => Buffer> {
  let noise = fills.get(db);
  if (!noise) {
    noise = run(
      'sox',
      ['-n', '-r', '16000', '-b', '16', '-e', 'signed', '-c', '1', '-t', 'raw', '-', 'synth', '2', 'whitenoise', 'gain', '-6', 'highpass', '4100', 'highpass', '4100', 'gain', String(db)],
      { encoding: 'buffer', maxBuffer: 1 << 20 },
    ).then(({ stdout }) => new Int16Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.byteLength - (stdout.byteLength % 2))));
    fills.set(db, noise);
    noise.catch(() => fills.delete(db));
  }
  const samples = await noise;
  return (pcm, offsetBytes) => {
    const out = Buffer.alloc(pcm.length - (pcm.length % 2));
    const start = offsetBytes >> 1;
    for (let i = 0; i < out.length >> 1; i++) {
      const mixed = pcm.readInt16LE(i * 2) + samples[(start + i) % samples.length]!;
      out.writeInt16LE(Math.max(-32768, Math.min(32767, mixed)), i * 2);
    }
    return out;
  };
}

/**
 * The audio's samples with any WAV header left out: an utterance is raw 16-bit PCM by contract, but a
 * WAV file passed by mistake must not be decoded as sound (its header is 44+ bytes of clicks). A WAV
 * that is not 16-bit mono PCM is refused.
 */
export async function* stripWavHeader(audio: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let head = Buffer.alloc(0);
  let passing = false;
  for await (const chunk of audio) {
    if (passing) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < 12) continue;
    if (head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
      passing = true;
      yield head;
      continue;
    }
    const data = dataOffset(head);
    if (data === undefined) continue; // header not complete yet
    passing = true;
    if (data < head.length) yield head.subarray(data);
  }
  if (!passing && head.length > 0) {
    if (head.toString('latin1', 0, 4) === 'RIFF') throw new TypeError('WAV audio without a data chunk');
    yield head;
  }
}

/** Where the samples of a WAV start, once the header up to the data chunk is in `head`. */
function dataOffset(head: Buffer): number | undefined {
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = head.toString('latin1', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (offset + 8 + 16 > head.length) return undefined;
      const format = head.readUInt16LE(offset + 8);
      const channels = head.readUInt16LE(offset + 10);
      const bits = head.readUInt16LE(offset + 22);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new TypeError(`expected 16-bit mono PCM, got a WAV with format ${format}, ${channels} channels, ${bits} bits`);
    }
    if (id === 'data') return offset + 8;
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

/**
 * Counts 20 ms frames louder than `rms` (16-bit samples) in audio passed through `measure`: the
 * decoder is only asked about audio that held some speech, since the band fill alone can sound like
 * words to it.
 */
export class LoudnessMeter {
  loudFrames = 0;
  private frame: number[] = [];

  constructor(
    private readonly sampleRateHz: number,
    private readonly rms = 500,
  ) {}

  measure(chunk: Uint8Array): void {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength - (chunk.byteLength % 2));
    const frameSamples = Math.max(1, Math.round(this.sampleRateHz / 50));
    for (let i = 0; i < view.byteLength; i += 2) {
      this.frame.push(view.getInt16(i, true));
      if (this.frame.length === frameSamples) {
        const energy = this.frame.reduce((sum, s) => sum + s * s, 0) / frameSamples;
        if (Math.sqrt(energy) > this.rms) this.loudFrames++;
        this.frame = [];
      }
    }
  }
}
