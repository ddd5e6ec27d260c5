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
 * - a caller talking nonsense is asked again, then reaches the keypad fallback;
 * - a caller who keys 3 (adult social care) and, waiting in that queue (set here to listen), says
 *   their mum has fallen: their priority is raised (issue 10, always listening in the queue).
 *
 * Each call's record (GET /api/calls/:id/events) says what the flow did; the engine's log says the
 * prompt was cut by speech; the queue's own log (read from the engine's database once it has stopped)
 * says whose priority was raised. The calls run at once, on an engine of their own.
 * SPEECH_LATENCY_CALLS=N then measures end of speech → decision over N more calls (bench/speech/stack-latency.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureStackLatency } from '../../bench/speech/stack-latency.js';
import { render } from '../../bench/speech/render.js';
import { PocketSphinxRecognizer } from '../../engine/src/adapters/speech/offline/pocketsphinx-recognizer.js';
import { openDatabase } from '../../engine/src/adapters/storage/postgres/database.js';
import { speechNode } from '../../engine/src/core/nodes/speech/speech.node.js';
import { EngineProcess } from './harness/engine.js';
import { check, type Report } from './harness/report.js';
import type { Stack } from './harness/stack.js';
import { mainLineClock } from './engine-scenarios.js';
import { callerLine, callEvents, CLEAR_VOICE, placeCall, type CallEvent } from './speech-caller.js';

export const SPEECH_SCENARIOS = {
  payments: 'speech: a caller says "I want to pay my council tax" over the open question (barge-in) and is transferred to the payments line by REFER',
  paymentsAfter: 'speech: a caller who waits for the open question to end, then says "I want to pay my council tax", is transferred to the payments line by REFER',
  safeguarding:
    'speech: a caller says "my mum has fallen and hurt herself" over the open question and reaches the safeguarding queue (no agent is signed in here: on to the duty team by REFER)',
  silent: 'speech: a silent caller (line noise only) reaches the keypad fallback (main menu) without being routed by speech',
  nonsense: 'speech: a caller talking nonsense is asked again, then reaches the keypad fallback (main menu)',
  inQueue:
    'speech: a caller waiting in a queue that listens (adult social care, an adviser on a break) says "my mum has fallen and hurt herself" over the hold music; their priority is raised',
} as const;

/** The queue that listens in this run, and the adviser who keeps it staffed without answering. */
const LISTENING_QUEUE = 'adult-social-care';
const ADVISER = 'speech-test-adviser';

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
  template: 'speech-to-transfer.xml' | 'speech-until-hangup.xml' | 'speech-in-queue.xml';
  /** When the words start on the caller's line (ms from when it starts playing). */
  wordsAtMs?: number;
  /** Where the REFER must point (speech-to-transfer.xml). */
  targetRegexp?: string;
  waitMs: number;
  /** Throws (check) when the call's record or the engine's log says the flow did not do what it should. */
  check(events: CallEvent[], log: string, callId: string, queueEvents: QueueEvent[]): void;
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

/** A row of the ACD's queue log for the call. */
interface QueueEvent {
  type: string;
  queueId: string;
  data: Record<string, unknown>;
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
    name: SPEECH_SCENARIOS.paymentsAfter,
    from: '+447700900206',
    words: 'I want to pay my council tax',
    // The question (about 20 s of it after a 6 s welcome) is over: the caller answers in the silence after it.
    wordsAtMs: 28_000,
    tailMs: 30_000,
    template: 'speech-to-transfer.xml',
    targetRegexp: '\\+441632960700',
    waitMs: 70_000,
    check(events) {
      const heard = spoken(events)[0]?.data;
      check(heard, 'the speech node logged no speech');
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
  {
    name: SPEECH_SCENARIOS.inQueue,
    from: '+447700900205',
    // Keyed 3 at 14 s (speech-in-queue.xml), their line starts a second later: the words come 25 s into it, in the queue.
    words: 'my mum has fallen and hurt herself',
    wordsAtMs: 25_000,
    tailMs: 45_000,
    template: 'speech-in-queue.xml',
    waitMs: 70_000,
    check(events, _log, _callId, queueEvents) {
      check(outcomeOf(events, 'ask-reason') === 'social-care', `ask-reason ended "${String(outcomeOf(events, 'ask-reason'))}", not social-care (the caller keyed 3)`);
      check(entered(events, 'social-care-queue'), 'the caller never reached the social care queue');
      const overheard = events.filter((e) => e.type === 'input.speech' && e.data.inQueue === true);
      check(overheard.length > 0, 'nothing the caller said in the queue was heard');
      const raised = queueEvents.filter((e) => e.type === 'priority_raised');
      check(raised.length === 1 && raised[0]!.queueId === LISTENING_QUEUE, `the queue log has ${raised.length} priority raises for the call (heard in the queue: ${overheard.map((e) => `"${String(e.data.transcript)}"`).join(', ')})`);
    },
  },
];

/** Turns on listening for LISTENING_QUEUE and signs an adviser in on a break, so callers wait there (nobody is offered them). */
async function listeningQueueStaffed(engine: EngineProcess): Promise<void> {
  const queue = await engine.api<{ name: string; serviceLine: string; scheduleId?: string; settings: Record<string, unknown> }>('GET', `/api/queues/${LISTENING_QUEUE}`);
  check(queue.status === 200, `GET /api/queues/${LISTENING_QUEUE}: ${queue.status}`);
  const { name, serviceLine, scheduleId, settings } = queue.json;
  const put = await engine.api('PUT', `/api/queues/${LISTENING_QUEUE}`, { name, serviceLine, ...(scheduleId ? { scheduleId } : {}), settings: { ...settings, listening: { enabled: true } } });
  check(put.status === 200, `PUT /api/queues/${LISTENING_QUEUE}: ${put.status} ${JSON.stringify(put.json)}`);
  const adviser = await engine.api('POST', '/api/agents', { id: ADVISER, name: 'Speech test adviser', queueIds: [LISTENING_QUEUE] });
  check(adviser.status === 201 || adviser.status === 200, `POST /api/agents: ${adviser.status} ${JSON.stringify(adviser.json)}`);
  const reasons = await engine.api<{ items?: { id: string }[] } | { id: string }[]>('GET', '/api/break-reasons');
  const list = Array.isArray(reasons.json) ? reasons.json : (reasons.json.items ?? []);
  check(list[0], 'no break reasons are seeded');
  const state = await engine.api('PUT', `/api/agents/${ADVISER}/state`, { state: 'break', reasonId: list[0].id });
  check(state.status === 200, `PUT /api/agents/${ADVISER}/state: ${state.status} ${JSON.stringify(state.json)}`);
}

/** What the on-machine recogniser makes of `words` as rendered for the caller's line, decoded straight from the rendering. */
async function decodedDirectly(words: string): Promise<string> {
  const flow = JSON.parse(readFileSync(join(import.meta.dirname, '../../flows/main-line.flow.json'), 'utf8')) as { nodes: { id: string; params: unknown }[] };
  const params = speechNode.params.parse(flow.nodes.find((n) => n.id === 'ask-reason')!.params);
  const phrases = [...new Set([...params.groups.flatMap((g) => g.phrases), ...params.synonyms.flat()])];
  const pcm = render(words, CLEAR_VOICE, join(import.meta.dirname, '../../.cache/test-sip-speech'));
  const audio = (async function* () {
    for (let at = 0; at < pcm.length; at += 320) yield new Uint8Array(pcm.subarray(at, at + 320));
  })();
  const heard = await new PocketSphinxRecognizer().recognize({ kind: 'audio', sampleRateHz: 8000, audio }, { language: 'en-GB', phrases, signal: AbortSignal.timeout(60_000) }).catch((e: Error) => e);
  if (heard instanceof Error) return `(could not decode: ${heard.message})`;
  return heard.kind === 'transcript' ? `"${heard.transcript}" (confidence ${Math.round(heard.confidence * 1000) / 1000})` : 'nothing';
}

/** The ACD's log for these calls, from the engine's embedded database (the engine has stopped). */
async function queueEventsOf(dataDir: string, callIds: string[]): Promise<Map<string, QueueEvent[]>> {
  const database = await openDatabase({ dataDir, poolSize: 2, onError: () => undefined });
  try {
    const { rows } = await database.pool.query<{ call_id: string; type: string; queue_id: string; data: Record<string, unknown> }>(
      'SELECT call_id, type, queue_id, data FROM queue_events WHERE call_id = ANY($1) ORDER BY at',
      [callIds],
    );
    const byCall = new Map<string, QueueEvent[]>();
    for (const row of rows) byCall.set(row.call_id, [...(byCall.get(row.call_id) ?? []), { type: row.type, queueId: row.queue_id, data: row.data }]);
    return byCall;
  } finally {
    await database.close();
  }
}

export async function runSpeechScenarios(stack: Stack, workDir: string, report: Report): Promise<void> {
  const httpPort = Number(process.env.FRONTDOOR_TEST_HTTP_PORT ?? 18080) + 5;
  console.log(`test:sip: starting an engine on 127.0.0.1:${httpPort} for callers who talk (embedded database, example flows, mod_audio_fork)…`);
  let engine: EngineProcess;
  try {
    engine = await EngineProcess.start({ name: 'engine-speech', stack, workDir, httpPort, clockEnv: mainLineClock().env });
  } catch (error) {
    for (const name of Object.values(SPEECH_SCENARIOS)) report.failed(name, `the engine did not start: ${(error as Error).message}`);
    return;
  }
  let stopped = false;
  try {
    await listeningQueueStaffed(engine);
    console.log('test:sip: callers who talk, all at once…');
    const placed = await Promise.all(
      SCENARIOS.map((s, slot) =>
        placeCall({
          template: s.template,
          from: s.from,
          line: callerLine({ ...(s.words ? { words: s.words } : {}), wordsAtMs: s.wordsAtMs ?? WORDS_AT_MS, tailMs: s.tailMs, seed: slot * 10 }),
          waitMs: s.waitMs,
          slot,
          dir: join(workDir, `speech-${slot}`),
          ...(s.targetRegexp ? { targetRegexp: s.targetRegexp } : {}),
        }),
      ),
    );
    const log = readFileSync(engine.logFile, 'utf8');
    const records = await Promise.all(placed.map((run) => (run.callId ? callEvents(engine, run.callId).catch((error: Error) => error) : undefined)));
    const latencyCalls = Number(process.env.SPEECH_LATENCY_CALLS ?? 0);
    if (latencyCalls > 0) {
      console.log(`test:sip: measuring end of speech → decision over ${latencyCalls} calls, one at a time…`);
      const markdown = await measureStackLatency(engine, workDir, latencyCalls);
      writeFileSync(join(workDir, 'latency.md'), markdown);
      console.log(markdown);
    }
    if (report.anyFailed) console.log(`test:sip: speech engine log: ${engine.logFile}`);
    await engine.stop();
    stopped = true;
    const queueEvents = await queueEventsOf(join(workDir, 'engine-speech', 'data'), placed.flatMap((run) => (run.callId ? [run.callId] : [])));
    for (const [i, scenario] of SCENARIOS.entries()) {
      const run = placed[i]!;
      await report.run(scenario.name, async () => {
        check(run.callId, `sipp placed no call:\n${run.output}`);
        const record = records[i];
        if (record instanceof Error) throw record;
        const events = record!;
        const heard = events.filter((e) => e.type === 'input.speech' && e.data.transcript !== undefined).map((e) => `"${String(e.data.transcript)}" (confidence ${String(e.data.confidence)}${typeof e.data.decisionMs === 'number' ? `, decided ${e.data.decisionMs} ms after the end of speech` : ''})`);
        check(run.ok, `sipp failed:\n${run.output}${heard.length ? `\nheard: ${heard.join('; ')}` : ''}`);
        try {
          scenario.check(events, log, run.callId, queueEvents.get(run.callId) ?? []);
        } catch (error) {
          // Was it the call's audio or the recogniser? The same words decoded straight from their rendering say which.
          const direct = scenario.words ? await decodedDirectly(scenario.words) : undefined;
          throw new Error(`${(error as Error).message}${heard.length ? ` — heard: ${heard.join('; ')}` : ''}${direct ? ` — the same rendering decoded directly: ${direct}` : ''}`);
        }
        return heard.length ? `heard: ${heard.join('; ')}` : undefined;
      });
    }
  } catch (error) {
    // Set-up failed (the queue, the adviser): no call was judged.
    for (const name of Object.values(SPEECH_SCENARIOS)) if (!report.results.some((r) => r.name === name)) report.failed(name, (error as Error).message);
  } finally {
    if (report.anyFailed) console.log(`test:sip: speech engine log: ${engine.logFile}`);
    if (!stopped) await engine.stop();
  }
}
