/**
 * Rendering the corpus as phone audio, at bench time, into a cache folder (never committed):
 * espeak-ng and flite voices at several speeds, noise mixed in with sox, then through G.711 (A-law,
 * as UK networks use, or µ-law) and back to 16-bit linear PCM at 8 kHz — what a recogniser on a
 * real call receives.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Condition {
  name: string;
  tts: string[];
  noise: 'none' | 'pink' | 'brown';
  /** Noise level, dB below full scale (speech is normalised to -3 dBFS peak). */
  noiseDb: number;
  law: 'a-law' | 'u-law';
}

/** Eight speakers: four espeak-ng voices and four flite voices, at different speeds, in different noise. */
export const CONDITIONS: Condition[] = [
  { name: 'espeak en-gb 160wpm, pink noise, A-law', tts: ['espeak-ng', '-v', 'en-gb', '-s', '160'], noise: 'pink', noiseDb: -38, law: 'a-law' },
  { name: 'espeak en-gb-x-rp+f3 140wpm, quiet, µ-law', tts: ['espeak-ng', '-v', 'en-gb-x-rp+f3', '-s', '140'], noise: 'none', noiseDb: 0, law: 'u-law' },
  { name: 'espeak en-gb-scotland 175wpm, brown noise, A-law', tts: ['espeak-ng', '-v', 'en-gb-scotland', '-s', '175'], noise: 'brown', noiseDb: -30, law: 'a-law' },
  { name: 'espeak en-gb-x-gbcwmd+m3 150wpm, pink noise, A-law', tts: ['espeak-ng', '-v', 'en-gb-x-gbcwmd+m3', '-s', '150'], noise: 'pink', noiseDb: -34, law: 'a-law' },
  { name: 'flite slt, quiet, A-law', tts: ['flite', '-voice', 'slt'], noise: 'none', noiseDb: 0, law: 'a-law' },
  { name: 'flite rms slower (x1.15), pink noise, µ-law', tts: ['flite', '-voice', 'rms', '--setf', 'duration_stretch=1.15'], noise: 'pink', noiseDb: -36, law: 'u-law' },
  { name: 'flite awb faster (x0.9), brown noise, A-law', tts: ['flite', '-voice', 'awb', '--setf', 'duration_stretch=0.9'], noise: 'brown', noiseDb: -32, law: 'a-law' },
  { name: 'flite kal16, pink noise, A-law', tts: ['flite', '-voice', 'kal16'], noise: 'pink', noiseDb: -40, law: 'a-law' },
];

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The utterance as 8 kHz 16-bit PCM after G.711, rendered once and kept in `cacheDir`. */
export function render(text: string, condition: Condition, cacheDir: string): Buffer {
  mkdirSync(cacheDir, { recursive: true });
  const key = createHash('sha256').update(JSON.stringify([text, condition])).digest('hex').slice(0, 24);
  const path = join(cacheDir, `${key}.raw`);
  if (existsSync(path)) return readFileSync(path);
  const tts = condition.tts[0] === 'flite' ? `${condition.tts.map(quote).join(' ')} -t ${quote(text)} -o /dev/stdout` : `${condition.tts.map(quote).join(' ')} --stdout ${quote(text)}`;
  const speech = `${tts} | sox -t wav - -t wav -r 8000 -c 1 -b 16 - gain -n -3`;
  const noisy =
    condition.noise === 'none'
      ? speech
      : `sox -m -t wav <(${speech}) -t wav <(sox -n -r 8000 -c 1 -b 16 -t wav - synth 30 ${condition.noise}noise gain ${condition.noiseDb}) -t wav - trim 0 $(${speech} | sox -t wav - -n stat 2>&1 | awk '/Length/ {print $3}')`;
  const g711 = `${noisy} | sox -t wav - -t raw -e ${condition.law} -r 8000 -c 1 - | sox -t raw -e ${condition.law} -r 8000 -c 1 - -t raw -e signed -b 16 -`;
  const pcm = execFileSync('bash', ['-o', 'pipefail', '-c', g711], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (pcm.length < 1600) throw new Error(`rendering "${text}" with ${condition.name} gave ${pcm.length} bytes`);
  writeFileSync(`${path}.tmp`, pcm);
  renameSync(`${path}.tmp`, path);
  return pcm;
}
