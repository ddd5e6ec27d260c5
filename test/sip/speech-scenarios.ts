/**
 * Callers who TALK to the main line over real SIP (sipp playing a pcap of their line into the call),
 * with the engine listening live through FreeSWITCH's mod_audio_fork and the on-machine recogniser
 * (issue 10):
 *
 * - a caller says "I want to pay my council tax" while the open question is still being asked: the
 *   prompt stops (barge-in) and the flow transfers them to the payments line by REFER;
 * - a caller says "my mum has fallen and hurt herself" over the open question: routed to the
 *   safeguarding queue (its own priority queue, never the general social care one);
 * - a silent caller (only line noise) reaches the keypad fallback (the main menu), never routed by speech;
 * - a caller talking nonsense is asked again, then reaches the keypad fallback.
 *
 * Each call's record (GET /api/calls/:id/events) says what the flow did; the engine's log says the
 * prompt was cut by speech. The calls run at once, on an engine of their own.
 * SPEECH_LATENCY_CALLS=N then measures end of speech → decision over N more calls (bench/speech/stack-latency.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureStackLatency } from '../../bench/speech/stack-latency.js';
import { EngineProcess } from './harness/engine.js';
import { check, type Report } from './harness/report.js';
import type { Stack } from './harness/stack.js';
import { mainLineClock } from './engine-scenarios.js';
import { callerLine, callEvents, placeCall, type CallEvent } from './speech-caller.js';

export const SPEECH_SCENARIOS = {
  payments: 'speech: a caller says "I want to pay my council tax" over the open question (barge-in) and is transferred to the payments line by REFER',
  safeguarding:
    'speech: a caller says "my mum has fallen and hurt herself" over the open question and reaches the safeguarding queue (no agent is signed in here: on to the duty team by REFER)',
  silent: 'speech: a silent caller (line noise only) reaches the keypad fallback (main menu) without being routed by speech',
  nonsense: 'speech: a caller talking nonsense is asked again, then reaches the keypad fallback (main menu)',
} as const;

/**
 * When the caller starts talking: the welcome (about 6 s, longer when mod_flite is starved of CPU) is over and
 * the open question (about 20 s) is being asked.
 */
const WORDS_AT_MS = 14_000;

interface Scenario {
  name: string;
  from: string;
  words?: string;
  /** Line length after the words (or in all, for a silent caller), ms. */
  tailMs: number;
  template: 'speech-to-transfer.xml' | 'speech-until-hangup.xml';
  /** Where the REFER must point (speech-to-transfer.xml). */
  targetRegexp?: string;
  waitMs: number;
  /** Throws (check) when the call's record or the engine's log says the flow did not do what it should. */
  check(events: CallEvent[], log: string, callId: string): void;
}

const outcomeOf = (events: CallEvent[], nodeId: string) => events.filter((e) => e.type === 'node.outcome' && e.nodeId === nodeId).map((e) => e.data.outcome).at(-1);
const entered = (events: CallEvent[], nodeId: string) => events.some((e) => e.type === 'node.entered' && e.nodeId === nodeId);
const spoken = (events: CallEvent[]) => events.filter((e) => e.type === 'input.speech' && e.nodeId === 'ask-reason');

/** The caller started talking over the open question (so the words barged in), and was heard and decided on. */
function heardOverTheQuestion(events: CallEvent[], log: string, callId: string): Record<string, unknown> {
  const started = events.find((e) => e.type === 'call.started')?.at ?? 0;
  const asked = events.find((e) => e.type === 'node.entered' && e.nodeId === 'ask-reason')?.at ?? 0;
  check(asked - started <= WORDS_AT_MS, `the open question began ${asked - started} ms into the call, after the caller had started talking (the machine is too slow for this timing)`);
  const heard = spoken(events)[0]?.data;
  check(heard, 'the speech node logged no speech');
  check(typeof heard.decisionMs === 'number', 'no decision time was logged');
  check(log.includes(`call ${callId}: the caller spoke over the prompt (barge-in)`), 'the engine did not log a barge-in for this call');
  return heard;
}

const SCENARIOS: Scenario[] = [
  {
    name: SPEECH_SCENARIOS.payments,
    from: '+447700900201',
    words: 'I want to pay my council tax',
    tailMs: 30_000,
    template: 'speech-to-transfer.xml',
    targetRegexp: '\\+441632960700',
    waitMs: 60_000,
    check(events, log, callId) {
      const heard = heardOverTheQuestion(events, log, callId);
      check(outcomeOf(events, 'ask-reason') === 'payments', `ask-reason ended "${String(outcomeOf(events, 'ask-reason'))}", not payments (heard "${String(heard.transcript)}")`);
      check(entered(events, 'payments-line'), 'the payments transfer was not reached');
    },
  },
  {
    name: SPEECH_SCENARIOS.safeguarding,
    from: '+447700900204',
    words: 'my mum has fallen and hurt herself',
    tailMs: 40_000,
    template: 'speech-to-transfer.xml',
    targetRegexp: '\\+441632960500',
    waitMs: 70_000,
    check(events, log, callId) {
      const heard = heardOverTheQuestion(events, log, callId);
      check(outcomeOf(events, 'ask-reason') === 'safeguarding', `ask-reason ended "${String(outcomeOf(events, 'ask-reason'))}", not safeguarding (heard "${String(heard.transcript)}")`);
      check(entered(events, 'safeguarding-queue'), 'the caller never reached the safeguarding queue (node safeguarding-queue, queue id safeguarding)');
      check(!entered(events, 'social-care-queue'), 'the caller was sent to the general social care queue');
      check(outcomeOf(events, 'safeguarding-queue') === 'noAgents' && entered(events, 'social-care-duty'), 'the safeguarding queue (nobody signed in) did not pass the caller on to the duty team');
    },
  },
  {
    name: SPEECH_SCENARIOS.silent,
    from: '+447700900202',
    tailMs: 70_000,
    template: 'speech-until-hangup.xml',
    waitMs: 55_000,
    check(events) {
      check(spoken(events).length === 0, `line noise was taken for speech: "${String(spoken(events)[0]?.data.transcript)}"`);
      check(outcomeOf(events, 'ask-reason') === 'noInput', `ask-reason ended "${String(outcomeOf(events, 'ask-reason'))}", not noInput`);
      check(entered(events, 'main-menu'), 'the keypad fallback (main-menu) was not reached');
    },
  },
  {
    name: SPEECH_SCENARIOS.nonsense,
    from: '+447700900203',
    words: 'purple elephants are dancing in the kitchen tonight',
    tailMs: 80_000,
    template: 'speech-until-hangup.xml',
    waitMs: 85_000,
    check(events) {
      const heard = spoken(events);
      check(heard.length > 0, 'the nonsense was not heard as speech at all');
      const outcome = outcomeOf(events, 'ask-reason');
      check(outcome === 'noMatch' || outcome === 'noInput', `ask-reason ended "${String(outcome)}" on "${String(heard[0]!.data.transcript)}"`);
      check(entered(events, 'main-menu'), 'the keypad fallback (main-menu) was not reached');
    },
  },
];

export async function runSpeechScenarios(stack: Stack, workDir: string, report: Report): Promise<void> {
  const httpPort = Number(process.env.FRONTDOOR_TEST_HTTP_PORT ?? 18080) + 5;
  console.log(`test:sip: starting an engine on 127.0.0.1:${httpPort} for callers who talk (embedded database, example flows, mod_audio_fork)…`);
  let engine: EngineProcess;
  try {
    engine = await EngineProcess.start({ name: 'engine-speech', stack, workDir, httpPort, clockEnv: mainLineClock() });
  } catch (error) {
    for (const name of Object.values(SPEECH_SCENARIOS)) report.failed(name, `the engine did not start: ${(error as Error).message}`);
    return;
  }
  try {
    console.log('test:sip: callers who talk, all at once…');
    const placed = await Promise.all(
      SCENARIOS.map((s, slot) =>
        placeCall({
          template: s.template,
          from: s.from,
          line: callerLine({ ...(s.words ? { words: s.words } : {}), wordsAtMs: WORDS_AT_MS, tailMs: s.tailMs, seed: slot * 10 }),
          waitMs: s.waitMs,
          slot,
          dir: join(workDir, `speech-${slot}`),
          ...(s.targetRegexp ? { targetRegexp: s.targetRegexp } : {}),
        }),
      ),
    );
    const log = readFileSync(engine.logFile, 'utf8');
    for (const [i, scenario] of SCENARIOS.entries()) {
      const run = placed[i]!;
      await report.run(scenario.name, async () => {
        check(run.callId, `sipp placed no call:\n${run.output}`);
        const events = await callEvents(engine, run.callId);
        const heard = spoken(events).map((e) => `"${String(e.data.transcript)}" (confidence ${String(e.data.confidence)}${typeof e.data.decisionMs === 'number' ? `, decided ${e.data.decisionMs} ms after the end of speech` : ''})`);
        check(run.ok, `sipp failed:\n${run.output}${heard.length ? `\nheard: ${heard.join('; ')}` : ''}`);
        try {
          scenario.check(events, log, run.callId);
        } catch (error) {
          throw new Error(`${(error as Error).message}${heard.length ? ` — heard: ${heard.join('; ')}` : ''}`);
        }
        return heard.length ? `heard: ${heard.join('; ')}` : undefined;
      });
    }
    const latencyCalls = Number(process.env.SPEECH_LATENCY_CALLS ?? 0);
    if (latencyCalls > 0) {
      console.log(`test:sip: measuring end of speech → decision over ${latencyCalls} calls, one at a time…`);
      const markdown = await measureStackLatency(engine, workDir, latencyCalls);
      writeFileSync(join(workDir, 'latency.md'), markdown);
      console.log(markdown);
    }
  } finally {
    if (report.anyFailed) console.log(`test:sip: speech engine log: ${engine.logFile}`);
    await engine.stop();
  }
}
