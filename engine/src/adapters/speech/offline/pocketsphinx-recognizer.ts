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

export class PocketSphinxRecognizer implements Recognizer {
  private readonly options: typeof DEFAULTS;

  constructor(options: PocketSphinxOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  async recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition> {
    if (utterance.kind !== 'audio') {
      throw new TypeError('PocketSphinxRecognizer needs caller audio; typed speech goes to the text recogniser');
    }
    options.signal.throwIfAborted();
    if (!options.language.toLowerCase().startsWith('en')) return { kind: 'nothing' };
    const { modelDir, languageModel, dictionary } = this.options;
    // `-infile /dev/stdin` needs a real pipe; Node's child stdin is a socket, hence `cat |`.
    const decoder = start(
      'sh',
      ['-c', 'm=$1 l=$2 d=$3; shift 3; cat | exec pocketsphinx_continuous -infile /dev/stdin -hmm "$m" -lm "$l" -dict "$d" -time yes -logfn /dev/null "$@"', 'asr', modelDir, languageModel, dictionary, ...this.options.decoderArgs],
      options.signal,
    );
    const narrowband = utterance.sampleRateHz !== MODEL_RATE;
    const resampler = narrowband
      ? start('sox', ['-t', 'raw', '-r', String(utterance.sampleRateHz), '-e', 'signed', '-b', '16', '-c', '1', '-', '-t', 'raw', '-r', String(MODEL_RATE), '-e', 'signed', '-b', '16', '-c', '1', '-'], options.signal)
      : undefined;
    const fill = narrowband ? await bandFill(this.options.bandFillDb) : undefined;
    const decoded = finished(decoder, 'pocketsphinx');
    decoded.catch(() => undefined); // awaited below; an abort may reject it first
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
