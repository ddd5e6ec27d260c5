/**
 * Renders frontdoor's own hold music with sox: a gentle 48-second piece — plucked arpeggios over a soft
 * pad and bass, eight chords at 80 beats a minute (Cmaj7 Am7 Fmaj7 G | Cmaj7 Em7 Dm7 G7), ending on the
 * dominant so it leads back into its own beginning — written as 8 kHz mono 16-bit WAV for the phone
 * network, where FreeSWITCH's local_stream `moh` (docker/freeswitch/conf/autoload_configs/
 * local_stream.conf.xml) plays every WAV in media/hold-music. Made here from sine and plucked-string
 * synthesis, so it is free of anyone's rights; the audio is not committed (run this, or `npm run
 * render-prompts`, which runs it too). A council may add its own 8 kHz WAVs beside it.
 *
 * It loops without a seam: the reverb is rendered over two passes of the piece and the second kept, so
 * the tail ringing into the start is the tail of its own ending; every note starts and ends at silence.
 *
 *   node --import tsx media/render-hold-music.ts [outFile]   (default media/hold-music/frontdoor-hold.wav)
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const RATE = 8000;
const BEAT_SECONDS = 60 / 80;
const EIGHTH = BEAT_SECONDS / 2;
/** Each chord lasts two bars of 4/4. */
const CHORD_SECONDS = 8 * BEAT_SECONDS;

interface Chord {
  name: string;
  /** MIDI note of the bass (an octave up from the usual: phones drop much below 150 Hz). */
  bass: number;
  /** The pad's sustained notes. */
  pad: number[];
  /** Eight eighth-notes, played twice over the chord's two bars. */
  arpeggio: number[];
}

const PIECE: Chord[] = [
  { name: 'Cmaj7', bass: 48, pad: [60, 64, 67, 71], arpeggio: [60, 64, 67, 71, 72, 71, 67, 64] },
  { name: 'Am7', bass: 45, pad: [57, 60, 64, 67], arpeggio: [57, 60, 64, 67, 69, 67, 64, 60] },
  { name: 'Fmaj7', bass: 53, pad: [57, 60, 64, 65], arpeggio: [53, 57, 60, 64, 65, 64, 60, 57] },
  { name: 'G', bass: 55, pad: [59, 62, 67], arpeggio: [55, 59, 62, 67, 69, 67, 62, 59] },
  { name: 'Cmaj7', bass: 48, pad: [60, 64, 67, 71], arpeggio: [64, 67, 72, 76, 74, 72, 67, 64] },
  { name: 'Em7', bass: 52, pad: [59, 62, 64, 67], arpeggio: [64, 67, 71, 74, 76, 74, 71, 67] },
  { name: 'Dm7', bass: 50, pad: [57, 60, 62, 65], arpeggio: [62, 65, 69, 72, 74, 72, 69, 65] },
  { name: 'G7', bass: 55, pad: [59, 62, 65, 67], arpeggio: [55, 59, 62, 65, 67, 65, 62, 59] },
];

const hz = (midi: number) => (440 * 2 ** ((midi - 69) / 12)).toFixed(2);

async function sox(args: string[]): Promise<void> {
  await run('sox', args, { maxBuffer: 16 * 1024 * 1024 });
}

export async function renderHoldMusic(outFile: string): Promise<{ file: string; seconds: number }> {
  const work = mkdtempSync(join(tmpdir(), 'frontdoor-hold-music-'));
  const format = ['-r', String(RATE), '-c', '1', '-b', '16'];
  try {
    const arpeggio: string[] = [];
    const pad: string[] = [];
    const bass: string[] = [];
    let n = 0;
    for (const [index, chord] of PIECE.entries()) {
      for (const note of [...chord.arpeggio, ...chord.arpeggio]) {
        const file = join(work, `arp-${String(n++).padStart(4, '0')}.wav`);
        // A plucked string, decaying by itself; a few ms of fade at each end so no note clicks.
        await sox(['-n', ...format, file, 'synth', EIGHTH.toFixed(3), 'pluck', hz(note), 'gain', '-4', 'fade', 'q', '0.004', EIGHTH.toFixed(3), '0.04']);
        arpeggio.push(file);
      }
      const padFile = join(work, `pad-${index}.wav`);
      // Several sine tones at once (one per input channel, mixed to mono), swelling in and out.
      await sox([
        '-c', String(chord.pad.length), '-r', String(RATE), '-n', ...format, padFile,
        'synth', CHORD_SECONDS.toFixed(3), ...chord.pad.flatMap((note) => ['sine', hz(note)]),
        'gain', '-18', 'fade', 'h', '0.6', CHORD_SECONDS.toFixed(3), '0.6',
      ]);
      pad.push(padFile);
      for (let bar = 0; bar < 4; bar += 1) {
        const bassFile = join(work, `bass-${index}-${bar}.wav`);
        await sox(['-n', ...format, bassFile, 'synth', (2 * BEAT_SECONDS).toFixed(3), 'sine', hz(chord.bass), 'gain', '-12', 'fade', 'q', '0.02', (2 * BEAT_SECONDS).toFixed(3), '0.5']);
        bass.push(bassFile);
      }
    }
    const voices = { arpeggio: join(work, 'arpeggio.wav'), pad: join(work, 'pad.wav'), bass: join(work, 'bass.wav') };
    // Softened: a bare plucked string is bright and harsh through a phone.
    await sox([...arpeggio, voices.arpeggio, 'lowpass', '2200']);
    await sox([...pad, voices.pad]);
    await sox([...bass, voices.bass]);
    const dry = join(work, 'dry.wav');
    await sox(['-m', voices.arpeggio, voices.pad, voices.bass, dry]);
    // Reverb over two passes; keep the second, whose start carries the tail of an ending like its own.
    const twice = join(work, 'twice.wav');
    await sox([dry, dry, twice, 'reverb', '40', '50', '70']);
    const seconds = PIECE.length * CHORD_SECONDS;
    mkdirSync(dirname(outFile), { recursive: true });
    // Telephone band, then a steady level: peaks at -3 dBFS so G.711 never clips.
    await sox([twice, ...format, outFile, 'trim', seconds.toFixed(3), seconds.toFixed(3), 'highpass', '150', 'lowpass', '3400', 'gain', '-n', '-3']);
    return { file: outFile, seconds };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const out = resolve(process.argv[2] ?? join(import.meta.dirname, 'hold-music', 'frontdoor-hold.wav'));
  const { file, seconds } = await renderHoldMusic(out);
  console.log(`wrote ${seconds} s of hold music to ${file}`);
}
