import { spawn } from 'node:child_process';
import { AudioCache } from './audio-cache.js';

/** Text to speech on this machine: espeak-ng renders, sox resamples for the phone network. */
export interface SpeechRenderer {
  /** A WAV file of `text` spoken in `language` (BCP 47), cached on disk; resolves to its bytes. */
  render(text: string, language: string): Promise<Buffer>;
}

export interface EspeakOptions {
  /** Where rendered WAV files are kept, one per (voice, rate, text): a folder of this engine's own. */
  cacheDir: string;
  /** The most the cache may hold (default 64 MiB); the least recently used files go first. */
  maxBytes?: number;
  /** Resample with sox to this rate (8000 for G.711 phone audio); espeak-ng's own rate (22050 Hz) when unset. */
  sampleRateHz?: number;
}

/** espeak-ng voice for a BCP 47 tag: en-GB → en-gb, cy-GB → cy, fr → fr. */
export function espeakVoice(language: string): string {
  const [primary, region] = language.toLowerCase().split('-');
  if (primary === 'en') return region === 'us' ? 'en-us' : 'en-gb';
  return primary ?? 'en-gb';
}

function run(command: string, args: string[], input: Buffer | string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new Error(`${command} could not start: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${command} exited with ${code}: ${Buffer.concat(err).toString().trim()}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

export const DEFAULT_TTS_CACHE_BYTES = 64 * 1024 * 1024;

/** Thrown by render for a language espeak-ng has no voice for (a request error, not a server fault). */
export class NoVoice extends Error {
  constructor(readonly language: string) {
    super(`there is no text-to-speech voice for ${language}`);
    this.name = 'NoVoice';
  }
}

let installedVoices: Promise<Set<string>> | undefined;

/** The voices espeak-ng has on this machine (`espeak-ng --voices`), read once. */
function voices(): Promise<Set<string>> {
  installedVoices ??= run('espeak-ng', ['--voices'], '').then(
    (listing) =>
      new Set(
        listing
          .toString()
          .split('\n')
          .slice(1)
          .map((line) => line.trim().split(/\s+/)[1]?.toLowerCase())
          .filter((voice): voice is string => Boolean(voice)),
      ),
    (error: unknown) => {
      installedVoices = undefined;
      throw error;
    },
  );
  return installedVoices;
}

export function espeakRenderer(options: EspeakOptions): SpeechRenderer {
  const inFlight = new Map<string, Promise<Buffer>>();
  let cache: AudioCache | undefined;
  // Opened on first use: an engine that never renders leaves no folder behind.
  const opened = () => (cache ??= new AudioCache({ dir: options.cacheDir, maxBytes: options.maxBytes ?? DEFAULT_TTS_CACHE_BYTES }));

  async function renderUncached(text: string, voice: string, parts: readonly unknown[]): Promise<Buffer> {
    // Text goes in on stdin, never as an argument, so nothing in it is read as an option.
    let wav = await run('espeak-ng', ['-v', voice, '--stdout', '--stdin'], text);
    if (options.sampleRateHz) {
      wav = await run('sox', ['-t', 'wav', '-', '-r', String(options.sampleRateHz), '-c', '1', '-b', '16', '-t', 'wav', '-'], wav);
    }
    await opened().put(parts, wav);
    return wav;
  }

  return {
    async render(text, language) {
      const voice = espeakVoice(language);
      if (!(await voices()).has(voice)) throw new NoVoice(language);
      const parts = [voice, options.sampleRateHz ?? 0, text];
      const cached = await opened().get(parts);
      if (cached) return cached;
      const key = JSON.stringify(parts);
      const running = inFlight.get(key);
      if (running) return running;
      const rendering = renderUncached(text, voice, parts).finally(() => inFlight.delete(key));
      inFlight.set(key, rendering);
      return rendering;
    },
  };
}
