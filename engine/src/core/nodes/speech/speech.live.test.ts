import { describe, expect, it } from 'vitest';
import type { CallChannel, ListenOptions, ListenResult, Recognition, RecognizeOptions, Recognizer } from '../../../ports/index.js';
import { runNodeOnChannel, simulatedTime } from '../../../testing/node-harness.js';
import { settledSafeguarding } from './early.js';
import { speechNode } from './speech.node.js';

/**
 * The speech node on live phone audio: a recogniser that hears the caller while they talk (interim
 * words, early decisions), the flow's other languages, keys pressed while talking, and the time from
 * the end of the caller's words to the decision.
 */

const groups = [
  { outcome: 'payments', label: 'Payments', phrases: ['pay', 'council tax', 'fallen behind'], digit: '5' },
  { outcome: 'blue-badge', label: 'Blue badge', phrases: ['blue badge', 'disabled parking permit'], digit: '2' },
  { outcome: 'safeguarding', label: 'Safeguarding', phrases: ['fallen', 'not safe', 'hurt'], vulnerable: true, digit: '6' },
];
const params = { prompt: { text: { 'en-GB': 'What are you calling about?', 'cy-GB': 'Am beth rydych chi’n ffonio?' } }, groups, noInput: { retries: 0 }, noMatch: { retries: 0 } };

/** What the recogniser does with one utterance: interim words it offers for an early decision, then its result. */
interface Hearing {
  interim?: string[];
  final: Recognition;
  /** The result when it was asked to settle early (default: `final`). */
  settled?: Recognition;
}

class ScriptedRecognizer implements Recognizer {
  readonly asked: RecognizeOptions[] = [];
  readonly early: boolean[] = [];
  constructor(
    private readonly hearings: Hearing[],
    private readonly decodeMs: (ms: number) => Promise<void>,
  ) {}
  async recognize(utterance: Parameters<Recognizer['recognize']>[0], options: RecognizeOptions): Promise<Recognition> {
    this.asked.push(options);
    const hearing = this.hearings.shift() ?? { final: { kind: 'nothing' } };
    if (utterance.kind !== 'audio') throw new Error('expected audio');
    const frames = utterance.audio[Symbol.asyncIterator]();
    for (const words of hearing.interim ?? []) {
      await frames.next();
      if (options.decideEarly?.(words)) {
        await frames.return?.();
        this.early.push(true);
        const settled = hearing.settled ?? hearing.final;
        return settled.kind === 'transcript' ? { ...settled, early: true } : settled;
      }
    }
    while (!(await frames.next()).done);
    this.early.push(false);
    await this.decodeMs(120); // decoding after the last frame
    return hearing.final;
  }
}

/** A phone channel whose caller says (audio) or presses what each turn scripts. */
function channel(turns: Array<{ speech?: true; keysPressed?: string; press?: string } | 'silence'>): CallChannel & { heard: string[] } {
  const heard: string[] = [];
  const stub = {
    callId: 'live-1',
    from: '+447700900123',
    to: '+441234500000',
    hungUp: false,
    heard,
    async listen(options: ListenOptions): Promise<ListenResult> {
      heard.push(options.prompt.map((p) => p.text).join(' '));
      const turn = turns.shift() ?? 'silence';
      if (turn === 'silence') return { kind: 'noInput' };
      if (turn.press) return { kind: 'digits', digits: turn.press };
      let pressed = turn.keysPressed ?? '';
      return {
        kind: 'speech',
        utterance: { kind: 'audio', sampleRateHz: 8000, audio: (async function* () { for (let i = 0; i < 10; i += 1) yield new Uint8Array(320); })() },
        keysPressed: () => {
          const keys = pressed;
          pressed = '';
          return keys;
        },
      };
    },
  };
  return stub as unknown as CallChannel & { heard: string[] };
}

async function run(options: { hearings: Hearing[]; turns: Parameters<typeof channel>[0]; params?: object; language?: string }) {
  const clock = simulatedTime();
  const recognizer = new ScriptedRecognizer(options.hearings, (ms) => clock.sleep(ms));
  const call = channel(options.turns);
  const { outcome, set, events } = await runNodeOnChannel(speechNode as never, options.params ?? params, {
    call,
    speech: recognizer,
    clock,
    vars: options.language ? { language: options.language } : {},
    languages: ['en-GB', 'cy-GB'],
  });
  return { result: { outcome, set }, recognizer, heard: call.heard, events };
}

const said = (transcript: string, confidence: number, extra: Partial<Extract<Recognition, { kind: 'transcript' }>> = {}): Recognition => ({ kind: 'transcript', transcript, confidence, ...extra });

describe('speech node on live phone audio', () => {
  it('logs how long after the end of the caller’s words the route was known', async () => {
    const { result, events } = await run({ hearings: [{ final: said('I want to pay my council tax', 0.9) }], turns: [{ speech: true }] });
    expect(result.outcome).toBe('payments');
    expect(events.find((e) => e.type === 'input.speech')?.data).toMatchObject({ transcript: 'I want to pay my council tax', decisionMs: 120 });
  });

  it('listens for the flow’s other languages, and matches in the language the words were heard in', async () => {
    const { result, recognizer, events } = await run({
      hearings: [{ final: said('rydw i wedi cwympo', 0.9, { language: 'cy-GB' }) }],
      turns: [{ speech: true }],
      params: { ...params, groups: [...groups.slice(0, 2), { ...groups[2]!, phrases: [...groups[2]!.phrases, 'wedi cwympo'] }] },
    });
    expect(recognizer.asked[0]).toMatchObject({ language: 'en-GB', alternativeLanguages: ['cy-GB'] });
    expect(result.outcome).toBe('safeguarding');
    expect(events.find((e) => e.type === 'input.speech')?.data).toMatchObject({ language: 'cy-GB' });
    const welsh = await run({ hearings: [{ final: said('talu', 0.9) }], turns: [{ speech: true }], language: 'cy-GB' });
    expect(welsh.recognizer.asked[0]).toMatchObject({ language: 'cy-GB', alternativeLanguages: ['en-GB'] });
  });

  it('a key pressed while talking wins over the words', async () => {
    const { result, events } = await run({ hearings: [{ final: said('I want to pay', 0.9) }], turns: [{ speech: true, keysPressed: '2' }] });
    expect(result.outcome).toBe('blue-badge');
    expect(events.map((e) => e.type)).toContain('input.digits');
  });

  describe('early decisions on interim words', () => {
    it('decides safeguarding while the caller is still talking, once nothing they add could change it', async () => {
      const { result, recognizer, events } = await run({
        hearings: [{ interim: ['my mum has', 'my mum has fallen', 'my mum has fallen in the', 'my mum has fallen in the kitchen'], final: said('never used', 0), settled: said('my mum has fallen in the kitchen', 0.92) }],
        turns: [{ speech: true }],
      });
      expect(recognizer.early).toEqual([true]);
      expect(result).toMatchObject({ outcome: 'safeguarding', set: { vulnerable: true } });
      expect(events.find((e) => e.type === 'input.speech')?.data).toMatchObject({ early: true, transcript: 'my mum has fallen in the kitchen' });
    });

    it('never decides early against safeguarding: another service is only decided on the whole answer', async () => {
      const { result, recognizer } = await run({
        hearings: [{ interim: ['I want to pay my', 'I want to pay my council tax but', 'I want to pay my council tax but my mum'], final: said('I want to pay my council tax but my mum has fallen', 0.9) }],
        turns: [{ speech: true }],
      });
      expect(recognizer.early).toEqual([false]);
      expect(result.outcome).toBe('safeguarding');
    });

    it('waits while a longer phrase of another service could still take the flagged words ("fallen behind")', () => {
      const options = { language: 'en-GB' };
      expect(settledSafeguarding('I have fallen', groups, options)).toBeUndefined();
      expect(settledSafeguarding('I have fallen behind with my', groups, options)).toBeUndefined();
      // "disabled parking permit" is the longest other phrase: two words after the flagged one settle it.
      expect(settledSafeguarding('I have fallen and I', groups, options)?.outcome).toBe('safeguarding');
      expect(settledSafeguarding("I'm not hurt and I", groups, options)).toBeUndefined();
    });

    it('a final result that no longer says safeguarding is confirmed with the caller, never routed elsewhere', async () => {
      const confirming = { ...params, confirm: { enabled: true } };
      const declined = await run({
        hearings: [{ interim: ['my mum has fallen in the'], final: said('unused', 0), settled: said('my mum has paid in the', 0.7) }, { final: said('no', 0.95) }],
        turns: [{ speech: true }, { speech: true }],
        params: confirming,
      });
      expect(declined.heard[1]).toContain('It sounds like someone may be hurt or at risk');
      expect(declined.result.outcome).toBe('noMatch'); // not "payments": those words were cut short
      const accepted = await run({
        hearings: [{ interim: ['my mum has fallen in the'], final: said('unused', 0), settled: said('my mum has paid in the', 0.7) }],
        turns: [{ speech: true }, { press: '1' }],
        params: confirming,
      });
      expect(accepted.result).toMatchObject({ outcome: 'safeguarding', set: { vulnerable: true } });
    });

    it('without confirmation, a doubtful early safeguarding result is asked again, not routed', async () => {
      const { result } = await run({
        hearings: [{ interim: ['my mum has fallen in the'], final: said('unused', 0), settled: said('my mum has fallen in the', 0.3) }],
        turns: [{ speech: true }],
      });
      expect(result.outcome).toBe('noMatch');
    });
  });
});
