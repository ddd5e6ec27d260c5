import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Recognition, RecognizeOptions, Recognizer, Utterance } from '../../../ports/index.js';
import { parseWordTimes, utteranceConfidence } from './decoder-output.js';
import { bandFill, LoudnessMeter, stripWavHeader } from './narrowband.js';

/**
 * Speech recognition that runs on this machine: CMU PocketSphinx 0.8 (Debian's `pocketsphinx` +
 * `pocketsphinx-en-us`), decoding free English with its general language model and reporting each
 * word's posterior probability from the decoder's lattice as its confidence.
 *
 * Why not a grammar of the flow's phrases (what this recogniser did before): a grammar forces every
 * sound onto some phrase — "no match" almost never happens, the lattice holds one path so every
 * posterior is 1.0, and off-topic callers get routed. Decoding free English is the garbage path:
 * unknown speech comes out as other words, which match nothing, and a flagged word the decoder was
 * unsure of carries a low posterior, so the speech node confirms it or asks again instead of routing.
 *
 * Phone audio is narrowband (8 kHz, nothing above 4 kHz) and the only acoustic model Debian ships is
 * wideband (16 kHz). Audio is resampled with sox and the empty band is filled with low-level noise
 * (narrowband.ts): measured on synthetic G.711 speech, that roughly doubles the phrases heard
 * correctly, because the model's upper filters otherwise see log-energies of nothing.
 *
 * Audio is streamed into the decoder as it arrives, so a caller's words are decoded while they speak;
 * the decision comes when the audio ends. English only: other languages recognise nothing, and the
 * flow falls back to keys. No Node binding installs here, so it spawns the Debian programs.
 */
export interface PocketSphinxOptions {
  /** Folder of the acoustic model; Debian's default. */
  modelDir?: string;
  /** The language model (n-gram) decoded against; Debian's general English one. */
  languageModel?: string;
  /** Pronunciation dictionary. */
  dictionary?: string;
  /** Level (dB relative to full scale) of the noise filling the empty band of narrowband audio. */
  bandFillDb?: number;
  /** More pocketsphinx_continuous options (search beams, passes), e.g. ['-fwdflat', 'no']. */
  decoderArgs?: string[];
}

const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const DEFAULTS = {
  modelDir: `${MODEL_DIR}/en-us`,
  languageModel: `${MODEL_DIR}/en-us.lm.bin`,
  dictionary: `${MODEL_DIR}/cmudict-en-us.dict`,
  bandFillDb: -25,
  decoderArgs: [] as string[],
};
const MODEL_RATE = 16_000;
/** At least this many loud 20 ms frames (60 ms) before the audio counts as speech. */
const MIN_SPEECH_FRAMES = 3;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

interface Decoder {
  child: Child;
  /** What it printed, once it has exited. */
  output: Promise<string>;
}

/** Whether a child process (and its pipes) keeps Node's event loop running. */
function holdOpen(child: Child, held: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<{ ref?(): void; unref?(): void }>) {
    if (held) handle.ref?.();
    else handle.unref?.();
  }
}

export class PocketSphinxRecognizer implements Recognizer {
  private readonly options: typeof DEFAULTS;
  /** A decoder started after the last recognition, its models loaded, waiting for the next caller's audio. */
  private spare: Decoder | undefined;

  constructor(options: PocketSphinxOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** True when a decoder is loaded and waiting for the next utterance. */
  get warm(): boolean {
    return this.spare !== undefined && this.spare.child.exitCode === null && this.spare.child.signalCode === null;
  }

  /** Stops the waiting decoder (it would also end by itself when the engine's process ends). */
  close(): void {
    this.spare?.child.kill();
    this.spare = undefined;
  }

  /**
   * A decoder for this utterance: the spare one when it is still alive (loading the models costs a
   * second of wall time on a busy machine, which would otherwise come after the caller stopped
   * talking), else a new one. It is stopped if the call goes away.
   */
  private takeDecoder(signal: AbortSignal): Decoder {
    const spare = this.spare;
    this.spare = undefined;
    const decoder = spare && spare.child.exitCode === null && spare.child.signalCode === null ? spare : this.startDecoder();
    if (decoder !== spare) spare?.child.kill();
    holdOpen(decoder.child, true);
    const stop = () => decoder.child.kill();
    signal.addEventListener('abort', stop, { once: true });
    void decoder.output.finally(() => signal.removeEventListener('abort', stop)).catch(() => undefined);
    return decoder;
  }

  /** Readies the next caller's decoder, once this one is done (so loading it never competes with decoding). */
  private warmUp(): void {
    if (this.spare) return;
    const spare = this.startDecoder();
    holdOpen(spare.child, false); // a waiting decoder never keeps the engine's process alive
    this.spare = spare;
  }

  private startDecoder(): Decoder {
    const { modelDir, languageModel, dictionary } = this.options;
    // `-infile /dev/stdin` needs a real pipe; Node's child stdin is a socket, hence `cat |`.
    const child = spawn(
      'sh',
      ['-c', 'm=$1 l=$2 d=$3; shift 3; cat | exec pocketsphinx_continuous -infile /dev/stdin -hmm "$m" -lm "$l" -dict "$d" -time yes -logfn /dev/null "$@"', 'asr', modelDir, languageModel, dictionary, ...this.options.decoderArgs],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    child.stdin.on('error', () => undefined); // a decoder that died is reported by its exit code
    const output = finished(child, 'pocketsphinx');
    output.catch(() => undefined); // awaited by whoever takes it; an abort or close may reject it first
    return { child, output };
  }

  async recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition> {
    if (utterance.kind !== 'audio') {
      throw new TypeError('PocketSphinxRecognizer needs caller audio; typed speech goes to the text recogniser');
    }
    options.signal.throwIfAborted();
    if (!options.language.toLowerCase().startsWith('en')) return { kind: 'nothing' };
    const { child: decoder, output: decoded } = this.takeDecoder(options.signal);
    const narrowband = utterance.sampleRateHz !== MODEL_RATE;
    const resampler = narrowband
      ? start('sox', ['-t', 'raw', '-r', String(utterance.sampleRateHz), '-e', 'signed', '-b', '16', '-c', '1', '-', '-t', 'raw', '-r', String(MODEL_RATE), '-e', 'signed', '-b', '16', '-c', '1', '-'], options.signal)
      : undefined;
    const fill = narrowband ? await bandFill(this.options.bandFillDb) : undefined;
    let filled = 0;
    resampler?.stdout.on('data', (pcm: Buffer) => {
      decoder.stdin.write(fill!(pcm, filled));
      filled += pcm.length;
    });
    const resampled = resampler ? finished(resampler, 'sox', false) : undefined;
    resampled?.catch(() => undefined);
    resampler?.stdout.on('end', () => decoder.stdin.end());

    const input = resampler?.stdin ?? decoder.stdin;
    const loudness = new LoudnessMeter(utterance.sampleRateHz);
    try {
      for await (const chunk of stripWavHeader(utterance.audio)) {
        options.signal.throwIfAborted();
        loudness.measure(chunk);
        if (!input.write(chunk)) await new Promise((resolve) => input.once('drain', resolve));
      }
    } catch (error) {
      resampler?.kill();
      decoder.kill();
      throw error;
    } finally {
      input.end();
    }
    if (resampled) await resampled;
    const output = await decoded;
    this.warmUp();
    if (loudness.loudFrames < MIN_SPEECH_FRAMES) return { kind: 'nothing' };
    const words = parseWordTimes(output);
    if (words.length === 0) return { kind: 'nothing' };
    return { kind: 'transcript', transcript: words.map((w) => w.word).join(' '), confidence: utteranceConfidence(words), words };
  }
}

function start(command: string, args: string[], signal: AbortSignal): Child {
  const child = spawn(command, args, { signal, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined); // a decoder that died is reported by its exit code
  return child;
}

/** Resolves with what the program printed (when `collect`) once it exits 0; rejects with its error output otherwise. */
function finished(child: Child, name: string, collect = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    if (collect) child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${name} exited with ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 500)}`));
    });
  });
}
