import { describe, expect, it } from 'vitest';
import { FRAME_MS, levelDb, samplesOf, VoiceActivityDetector, type VoiceEvent } from './voice-activity.js';
import { noise, silence, tone } from './testing/caller-audio.js';

const RATE = 8000;

/** Feeds audio through the detector in 20 ms frames; returns each event with the time (ms) of its frame's end. */
function run(detector: VoiceActivityDetector, audio: Int16Array): Array<{ event: VoiceEvent; atMs: number }> {
  const frame = (RATE * FRAME_MS) / 1000;
  const events: Array<{ event: VoiceEvent; atMs: number }> = [];
  for (let start = 0; start + frame <= audio.length; start += frame) {
    const event = detector.push(audio.subarray(start, start + frame));
    if (event) events.push({ event, atMs: ((start + frame) / RATE) * 1000 });
  }
  return events;
}

const concat = (...parts: Int16Array[]) => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('VoiceActivityDetector', () => {
  it('measures loudness in dBFS', () => {
    expect(levelDb(tone(1000, -20, 20, RATE))).toBeCloseTo(-20, 0);
    expect(levelDb(silence(20, RATE))).toBe(-Infinity);
    const bytes = new Uint8Array([0, 1, 0, 2, 9]);
    expect(Array.from(samplesOf(bytes))).toEqual([256, 512]);
    expect(Array.from(samplesOf(bytes.subarray(1)))).toEqual([1, 2306]); // unaligned: copied
  });

  it('starts speech after the minimum voiced time and ends it after the trailing silence', () => {
    const detector = new VoiceActivityDetector({ minSpeechMs: 200, endSilenceMs: 800 });
    const events = run(detector, concat(silence(500, RATE), tone(300, -20, 1200, RATE), silence(1500, RATE)));
    expect(events).toEqual([
      { event: 'speechStarted', atMs: 700 },
      { event: 'speechEnded', atMs: 2500 },
    ]);
    expect(detector.inSpeech).toBe(false);
  });

  it('a click, a cough or a burst of line noise shorter than the minimum never starts speech', () => {
    const detector = new VoiceActivityDetector({ minSpeechMs: 200 });
    const bursts = concat(silence(300, RATE), noise(-15, 60, RATE, 1), silence(400, RATE), tone(200, -18, 120, RATE), silence(400, RATE), noise(-25, 140, RATE, 2), silence(300, RATE));
    expect(run(detector, bursts)).toEqual([]);
  });

  it('bridges the short gaps between syllables while speech is starting, but not longer pauses', () => {
    const syllables = concat(silence(200, RATE), tone(250, -22, 120, RATE), silence(80, RATE), tone(250, -22, 120, RATE), silence(1000, RATE));
    expect(run(new VoiceActivityDetector({ minSpeechMs: 200, bridgeGapMs: 100 }), syllables).map((e) => e.event)).toEqual(['speechStarted', 'speechEnded']);
    const apart = concat(silence(200, RATE), tone(250, -22, 120, RATE), silence(300, RATE), tone(250, -22, 120, RATE), silence(1000, RATE));
    expect(run(new VoiceActivityDetector({ minSpeechMs: 200, bridgeGapMs: 100 }), apart)).toEqual([]);
  });

  it('quiet line hiss never counts as speech; speech well above the hiss does', () => {
    const detector = new VoiceActivityDetector();
    expect(run(detector, noise(-55, 3000, RATE, 3))).toEqual([]);
    const speech = run(detector, concat(tone(200, -24, 600, RATE), noise(-55, 1000, RATE, 4)));
    expect(speech.map((e) => e.event)).toEqual(['speechStarted', 'speechEnded']);
  });

  it('learns a loud steady hum as the line’s noise, then hears speech over it', () => {
    const detector = new VoiceActivityDetector({ thresholdDb: -40, noiseMarginDb: 10 });
    // A hum above the absolute threshold from the first frame: calibration takes it as the noise.
    const hum = tone(50, -35, 3000, RATE);
    expect(run(detector, hum)).toEqual([]);
    const words = concat(tone(400, -15, 700, RATE), tone(50, -35, 1200, RATE));
    expect(run(detector, words).map((e) => e.event)).toEqual(['speechStarted', 'speechEnded']);
  });

  it('ends a long utterance only after its pauses exceed the trailing silence', () => {
    const detector = new VoiceActivityDetector({ endSilenceMs: 800 });
    const talk = concat(silence(200, RATE), tone(300, -20, 1000, RATE), silence(500, RATE), tone(300, -20, 1000, RATE), silence(900, RATE));
    expect(run(detector, talk)).toEqual([
      { event: 'speechStarted', atMs: 400 },
      { event: 'speechEnded', atMs: 3500 },
    ]);
  });
});
