import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Recognition, RecognizeOptions, Recognizer, Utterance } from '../../../ports/index.js';

/**
 * Speech recognition that runs on this machine: CMU PocketSphinx (Debian's `pocketsphinx` +
 * `pocketsphinx-en-us`) decoding against a JSGF grammar built from the phrases the flow listens
 * for. Measured here: reliable for short intents ("blue badge", "I have fallen"), useless for free
 * dictation — so the grammar is the phrases plus a few filler words, which is what a menu-style
 * speech node needs. It wants wideband audio (16 kHz: G.722, Opus, a browser microphone); narrowband
 * 8 kHz phone audio, upsampled, loses about half the phrases (measured). English only; other languages recognise nothing, and the flow falls back to
 * keypresses. Google Cloud Speech is the production recogniser.
 *
 * No Node binding installs, so it spawns `pocketsphinx_continuous`; audio is resampled to the
 * model's 16 kHz with sox. Both read stdin through `sh -c` because Node's child stdin is a socket.
 */
export interface PocketSphinxOptions {
  /** Folder of the acoustic model; Debian's default. */
  modelDir?: string;
  /** Pronunciation dictionary; words not in it cannot be in the grammar. */
  dictionary?: string;
  /** Words a caller often says around the phrase ("I want to report a …"). */
  fillers?: string[];
}

const DEFAULT_MODEL = '/usr/share/pocketsphinx/model/en-us/en-us';
const DEFAULT_DICTIONARY = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';
const DEFAULT_FILLERS = [
  'i', 'i have', "i've", 'i am', "i'm", 'my', 'the', 'a', 'about', 'please', 'i want to', 'i need to',
  'report a', "it's", 'calling about', 'yes', 'no',
];

export class PocketSphinxRecognizer implements Recognizer {
  private readonly modelDir: string;
  private readonly dictionaryPath: string;
  private readonly fillers: string[];
  private dictionary: Promise<Set<string>> | undefined;

  constructor(options: PocketSphinxOptions = {}) {
    this.modelDir = options.modelDir ?? DEFAULT_MODEL;
    this.dictionaryPath = options.dictionary ?? DEFAULT_DICTIONARY;
    this.fillers = options.fillers ?? DEFAULT_FILLERS;
  }

  async recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition> {
    if (utterance.kind !== 'audio') {
      throw new TypeError('PocketSphinxRecognizer needs caller audio; typed speech goes to the text recogniser');
    }
    const audio = await collect(utterance.audio, options.signal);
    if (!options.language.toLowerCase().startsWith('en')) return { kind: 'nothing' };
    const grammar = await this.grammar(options.phrases);
    if (!grammar || audio.length === 0) return { kind: 'nothing' };
    const transcript = await decode(audio, utterance.sampleRateHz, grammar, this.modelDir, this.dictionaryPath, options.signal);
    return transcript ? { kind: 'transcript', transcript, confidence: 0.6 } : { kind: 'nothing' };
  }

  /** A JSGF grammar: optional fillers, one of the phrases, optional fillers. Undefined if no phrase is speakable. */
  async grammar(phrases: readonly string[]): Promise<string | undefined> {
    const known = await this.knownWords();
    const speakable = (p: string) => {
      const words = normalise(p);
      return words.length > 0 && words.every((w) => known.has(w)) ? words.join(' ') : undefined;
    };
    const heard = [...new Set(phrases.map(speakable).filter((p): p is string => p !== undefined))];
    if (heard.length === 0) return undefined;
    const fillers = [...new Set(this.fillers.map(speakable).filter((p): p is string => p !== undefined))];
    return [
      '#JSGF V1.0;',
      'grammar caller;',
      `public <utterance> = ${fillers.length ? '[<filler>] <phrase> [<filler>]' : '<phrase>'};`,
      ...(fillers.length ? [`<filler> = ${fillers.join(' | ')};`] : []),
      `<phrase> = ${heard.join(' | ')};`,
      '',
    ].join('\n');
  }

  private knownWords(): Promise<Set<string>> {
    this.dictionary ??= readFile(this.dictionaryPath, 'utf8').then(
      (text) => new Set(text.split('\n').map((line) => line.slice(0, line.indexOf(' '))).filter(Boolean)),
    );
    return this.dictionary;
  }
}

/** Lower-case words with punctuation other than apostrophes removed. */
function normalise(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

async function collect(audio: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of audio) {
    signal.throwIfAborted();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function decode(
  pcm: Buffer,
  sampleRateHz: number,
  grammar: string,
  modelDir: string,
  dictionary: string,
  signal: AbortSignal,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'frontdoor-asr-'));
  try {
    const grammarFile = join(dir, 'caller.jsgf');
    await writeFile(grammarFile, grammar);
    const script =
      `sox -t raw -r ${sampleRateHz} -e signed -b 16 -c 1 - -t wav -r 16000 -e signed -b 16 -c 1 - 2>/dev/null | ` +
      `pocketsphinx_continuous -infile /dev/stdin -hmm "$1" -dict "$2" -jsgf "$3" -logfn /dev/null`;
    const output = await run('sh', ['-c', script, 'asr', modelDir, dictionary, grammarFile], pcm, signal);
    return output.trim().split('\n').filter(Boolean).join(' ');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], input: Buffer, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { signal, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`pocketsphinx exited with ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 500)}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
