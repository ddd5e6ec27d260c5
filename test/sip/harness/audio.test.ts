import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav, secondsAbove, secondsOfTone } from './audio.js';

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
});
