import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dtmfKeys, readWav, secondsAbove, secondsOfTone } from './audio.js';

/** test:sip judges calls by what phones recorded: the judging itself must be right. */
const dir = mkdtempSync(join(tmpdir(), 'frontdoor-audio-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function render(name: string, ...effects: string[]): string {
  const file = join(dir, `${name}.wav`);
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', file, ...effects]);
  return file;
}

describe('test:sip audio checks', () => {
  it('finds a tone where it is, for as long as it lasts, and not in silence, noise or other tones', () => {
    // 2 s of silence, 3 s of the agent's 1020 Hz tone (warbling, as baresip sends it), 2 s of a 600 Hz tone.
    const silence = render('silence', 'trim', '0', '2');
    const agent = render('agent', 'synth', '3', 'sine', '1020', 'tremolo', '3', '40', 'gain', '-12');
    const other = render('other', 'synth', '2', 'sine', '600', 'gain', '-12');
    const noise = render('noise', 'synth', '2', 'whitenoise', 'gain', '-20');
    const file = join(dir, 'call.wav');
    execFileSync('sox', [silence, agent, other, noise, file]);
    const pcm = readWav(file);
    expect(secondsOfTone(pcm, 1020)).toBeCloseTo(3, 0);
    expect(secondsOfTone(pcm, 600)).toBeCloseTo(2, 0);
    expect(secondsOfTone(pcm, 1500)).toBe(0);
    expect(secondsAbove(pcm)).toBe(7);
  });

  it('reads stereo recordings (FreeSWITCH) mixed down, and says a file of silence is silent', () => {
    const stereo = join(dir, 'stereo.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '2', '-b', '16', stereo, 'synth', '2', 'sine', '440', 'gain', '-6']);
    expect(readWav(stereo).samples.length).toBe(16_000);
    expect(secondsAbove(readWav(stereo))).toBe(2);
    expect(secondsAbove(readWav(render('quiet', 'trim', '0', '3')))).toBe(0);
  });

  it('hears DTMF keys in audio (a card keyed where an adviser could hear it), and none in music, speech-like tones or noise', () => {
    const low = [697, 770, 852, 941];
    const high = [1209, 1336, 1477, 1633];
    const keyed = (key: string) => {
      const at = ['123A', '456B', '789C', '*0#D'].findIndex((row) => row.includes(key));
      const column = ['123A', '456B', '789C', '*0#D'][at]!.indexOf(key);
      return render(`key-${key === '#' ? 'hash' : key === '*' ? 'star' : key}`, 'synth', '0.1', 'sine', String(low[at]), 'sine', String(high[column]), 'channels', '1', 'gain', '-10', 'pad', '0', '0.08');
    };
    const card = join(dir, 'card.wav');
    execFileSync('sox', ['4444333322221111#'.split('').map(keyed), render('gap', 'trim', '0', '0.3')].flat().concat(card));
    expect(dtmfKeys(readWav(card))).toBe('4444333322221111#');
    // Hold music stand-in (chords), the agent's warbling tone, noise: no key.
    const music = render('music', 'synth', '4', 'sine', '440', 'sine', '554', 'sine', '659', 'channels', '1', 'tremolo', '5', '30', 'gain', '-12');
    const tone = render('tone', 'synth', '3', 'sine', '1020', 'tremolo', '3', '40', 'gain', '-12');
    const noise = render('noise2', 'synth', '2', 'whitenoise', 'gain', '-20');
    for (const file of [music, tone, noise]) expect(dtmfKeys(readWav(file))).toBe('');
  });
});

