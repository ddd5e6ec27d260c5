/**
 * test:sip — callers who TALK to the main line over real SIP (sipp playing a pcap of their line into
 * the call), with the engine listening live through FreeSWITCH's mod_audio_fork and the on-machine
 * recogniser:
 *
 * - a caller says "I want to pay my council tax" while the open question is still being asked: the
 *   prompt stops (barge-in) and the flow transfers them to the payments line by REFER;
 * - a silent caller (only line noise) reaches the keypad fallback (the main menu), never routed by speech;
 * - a caller talking nonsense is asked again, then reaches the keypad fallback.
 *
 * Each call's record (GET /api/calls/:id/events) says what the flow did; the engine's log says the
 * prompt was cut by speech. The three calls run at once.
 *
 *   node --import tsx test/sip/speech-calls.ts <engine url> <admin password> <engine log> <work dir>
 *   env: SIP_TARGET (drachtio host:port), SIPP_LOCAL_IP (127.0.0.1), MAIN_LINE_DID (+441234500000)
 *
 * Prints one line per scenario ("passed: …" / "FAILED: … why") and, for the spoken ones, the time from the
 * end of the caller's words to the decision; exits 1 when any failed.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { callerLine, EngineRecords, placeCall, type CallEvent } from './speech-caller.js';

const [engineUrl, adminPassword, engineLog, workDir] = process.argv.slice(2);
if (!engineUrl || !adminPassword || !engineLog || !workDir) {
  console.error('usage: speech-calls.ts <engine url> <admin password> <engine log> <work dir>');
  process.exit(2);
}

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
  waitMs: number;
  check(events: CallEvent[], log: string, callId: string): string | undefined;
}

const outcomeOf = (events: CallEvent[], nodeId: string) => events.filter((e) => e.type === 'node.outcome' && e.nodeId === nodeId).map((e) => e.data.outcome).at(-1);
const entered = (events: CallEvent[], nodeId: string) => events.some((e) => e.type === 'node.entered' && e.nodeId === nodeId);
const spoken = (events: CallEvent[]) => events.filter((e) => e.type === 'input.speech' && e.nodeId === 'ask-reason');

const SCENARIOS: Scenario[] = [
  {
    name: 'a caller says what they need over the open question (barge-in) and is routed by it: "I want to pay my council tax" → REFER to the payments line',
    from: '+447700900201',
    words: 'I want to pay my council tax',
    tailMs: 30_000,
    template: 'speech-to-transfer.xml',
    waitMs: 60_000,
    check(events, log, callId) {
      const heard = spoken(events)[0]?.data;
      const started = events.find((e) => e.type === 'call.started')?.at ?? 0;
      const asked = events.find((e) => e.type === 'node.entered' && e.nodeId === 'ask-reason')?.at ?? 0;
      if (asked - started > WORDS_AT_MS) return `the open question began ${asked - started} ms into the call, after the caller had started talking (the machine is too slow for this timing)`;
      if (!heard) return 'the speech node logged no speech';
      if (outcomeOf(events, 'ask-reason') !== 'payments') return `ask-reason ended "${String(outcomeOf(events, 'ask-reason'))}", not payments (heard "${String(heard.transcript)}")`;
      if (!entered(events, 'payments-line')) return 'the payments transfer was not reached';
      if (typeof heard.decisionMs !== 'number') return 'no decision time was logged';
      if (!log.includes(`call ${callId}: the caller spoke over the prompt (barge-in)`)) return 'the engine did not log a barge-in for this call';
      return undefined;
    },
  },
  {
    name: 'a silent caller (line noise only) reaches the keypad fallback (main menu) without being routed by speech',
    from: '+447700900202',
    tailMs: 70_000,
    template: 'speech-until-hangup.xml',
    waitMs: 55_000,
    check(events) {
      if (spoken(events).length) return `line noise was taken for speech: "${String(spoken(events)[0]!.data.transcript)}"`;
      if (outcomeOf(events, 'ask-reason') !== 'noInput') return `ask-reason ended "${String(outcomeOf(events, 'ask-reason'))}", not noInput`;
      if (!entered(events, 'main-menu')) return 'the keypad fallback (main-menu) was not reached';
      return undefined;
    },
  },
  {
    name: 'a caller talking nonsense is asked again, then reaches the keypad fallback (main menu)',
    from: '+447700900203',
    words: 'purple elephants are dancing in the kitchen tonight',
    tailMs: 80_000,
    template: 'speech-until-hangup.xml',
    waitMs: 85_000,
    check(events) {
      const heard = spoken(events);
      if (heard.length === 0) return 'the nonsense was not heard as speech at all';
      const outcome = outcomeOf(events, 'ask-reason');
      if (outcome !== 'noMatch' && outcome !== 'noInput') return `ask-reason ended "${String(outcome)}" on "${String(heard[0]!.data.transcript)}"`;
      if (!entered(events, 'main-menu')) return 'the keypad fallback (main-menu) was not reached';
      return undefined;
    },
  },
];

const results = await Promise.all(
  SCENARIOS.map((s, slot) =>
    placeCall({
      template: s.template,
      from: s.from,
      line: callerLine({ ...(s.words ? { words: s.words } : {}), wordsAtMs: WORDS_AT_MS, tailMs: s.tailMs, seed: slot * 10 }),
      waitMs: s.waitMs,
      slot,
      dir: join(workDir, `speech-${slot}`),
      targetRegexp: '\\+441632960700',
    }),
  ),
);
const records = await EngineRecords.signIn(engineUrl, adminPassword);
const log = readFileSync(engineLog, 'utf8');
let failed = false;
for (const [i, scenario] of SCENARIOS.entries()) {
  const run = results[i]!;
  let problem: string | undefined;
  let events: CallEvent[] = [];
  if (!run.callId) problem = `sipp placed no call:\n${run.output}`;
  else {
    try {
      events = await records.events(run.callId);
      problem = (!run.ok ? `sipp failed:\n${run.output}` : undefined) ?? scenario.check(events, log, run.callId);
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  const speech = spoken(events).map((e) => `"${String(e.data.transcript)}" (confidence ${String(e.data.confidence)}${typeof e.data.decisionMs === 'number' ? `, decided ${e.data.decisionMs} ms after the end of speech` : ''})`);
  if (problem) {
    failed = true;
    console.log(`FAILED: ${scenario.name} — ${problem}`);
  } else {
    console.log(`passed: ${scenario.name}`);
  }
  if (speech.length) console.log(`  heard: ${speech.join('; ')}`);
}
process.exit(failed ? 1 : 0);
