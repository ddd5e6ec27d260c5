/**
 * The speech bench: every corpus utterance asked at the main line's open question (the real speech
 * node with the flow's own params), once as typed text (the designer's test call) and once as phone
 * audio through the on-machine recogniser. The caller behaves truthfully after the first answer: asked
 * to confirm safeguarding, they press 1 if that is why they called and 2 if not; asked again after
 * "no match", they press the key the question offered for their service (6 for someone at risk), or
 * say nothing if they called about something else.
 *
 *   node --import tsx bench/speech/speech-bench.ts [--renderings 1] [--every 1] [--latency 24] [--concurrency 2] [--cache .cache/speech-corpus]
 *
 * Prints one JSON line (SpeechBenchResult) last.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { CallChannel, ListenOptions, ListenResult, Recognizer, Utterance as ChannelUtterance } from '../../engine/src/ports/index.js';
import { PocketSphinxRecognizer } from '../../engine/src/adapters/speech/offline/pocketsphinx-recognizer.js';
import { SimulatedClock } from '../../engine/src/adapters/telephony/simulator/simulated-clock.js';
import { DEFAULT_CALL_TIME, simulatedKit } from '../../engine/src/adapters/telephony/simulator/simulated-ports.js';
import { TextRecognizer } from '../../engine/src/adapters/telephony/simulator/text-recognizer.js';
import { defaultWorld } from '../../engine/src/adapters/telephony/simulator/world.js';
import { speechNode } from '../../engine/src/core/nodes/speech/speech.node.js';
import { CallEventLog, MemoryEventSink } from '../../engine/src/core/runtime/event-log.js';
import { createNodeContext } from '../../engine/src/core/runtime/node-context.js';
import { CONDITIONS, render } from './render.js';
import { generatedCorpus, type Route, type Utterance } from './corpus.js';

const repo = resolve(import.meta.dirname, '../..');

export interface Trial {
  id: string;
  route: Route;
  heldOut: boolean;
  condition: string;
  /** What the node decided from the first answer: a route, or "none" (not understood, asked again). */
  spoken: string;
  /** Where the caller ended up after confirmation and keys. */
  final: string;
  confirmAsked: boolean;
  transcript: string;
  /** The recogniser's confidence in the utterance, and in the words of the phrase matched (when one was). */
  confidence?: number;
  matchConfidence?: number;
  /** Real time from the end of the caller's audio (or the typed text) to the node's decision, ms. */
  latencyMs?: number;
}

export interface RecognizerRun {
  recognizer: string;
  trials: Trial[];
  /** Latencies measured with audio streamed in real time (20 ms frames), ms. */
  latencyMs: number[];
  latencyNote: string;
  /** The machine's 1-minute load average, sampled every 5 s while the recogniser ran (a shared machine). */
  loadAverage?: { min: number; max: number; mean: number };
}

export interface SpeechBenchResult {
  utterances: number;
  heldOut: number;
  conditions: string[];
  runs: RecognizerRun[];
  machine: string;
}

const flow = JSON.parse(readFileSync(join(repo, 'flows/main-line.flow.json'), 'utf8')) as { nodes: Array<{ id: string; params: unknown }> };
const params = speechNode.params.parse(flow.nodes.find((n) => n.id === 'ask-reason')!.params);
const keyFor = (route: Route): string | undefined => params.groups.find((g) => g.outcome === route)?.digit;

/** A caller for one question: first answer given, then truthful keys. Only what the speech node uses is implemented. */
class BenchCaller implements Partial<CallChannel> {
  readonly callId = 'speech-bench';
  readonly from = '+447700900123';
  readonly to = '+441632960000';
  readonly hungUp = false;
  answered = false;
  confirmAsked = false;
  askedAgain = false;
  decisionAt: number | undefined;
  answerEndedAt: number | undefined;

  constructor(
    private readonly route: Route,
    private readonly firstAnswer: () => ChannelUtterance,
  ) {}

  async listen(options: ListenOptions): Promise<ListenResult> {
    if (!this.answered) {
      this.answered = true;
      return { kind: 'speech', utterance: this.firstAnswer() };
    }
    this.decisionAt ??= performance.now();
    if (options.prompt.some((p) => p.text.startsWith('It sounds like'))) {
      this.confirmAsked = true;
      return { kind: 'digits', digits: this.route === 'safeguarding' ? '1' : '2' };
    }
    this.askedAgain = true;
    const key = keyFor(this.route);
    return key ? { kind: 'digits', digits: key } : { kind: 'noInput' };
  }

  onHangup(): () => void {
    return () => undefined;
  }
}

async function ask(u: Utterance, recognizer: Recognizer, answer: (caller: BenchCaller) => ChannelUtterance, condition: string): Promise<Trial> {
  const caller: BenchCaller = new BenchCaller(u.route, () => answer(caller));
  const clock = new SimulatedClock(DEFAULT_CALL_TIME);
  const ports = { ...simulatedKit(defaultWorld(), { clock }), speech: recognizer };
  const sink = new MemoryEventSink();
  const context = createNodeContext({
    definition: speechNode as never,
    nodeId: 'ask-reason',
    params,
    vars: {},
    defaultLanguage: 'en-GB',
    call: caller as unknown as CallChannel,
    ports,
    log: new CallEventLog(caller.callId, clock, sink),
    runSubflow: () => Promise.reject(new Error('no subflows here')),
    signal: new AbortController().signal,
  });
  const result = await speechNode.run(context as never);
  const decidedAt = caller.decisionAt ?? performance.now();
  const spokenRoute = caller.askedAgain ? 'none' : result.outcome;
  const heard = sink.events.find((e) => e.type === 'input.speech')?.data ?? {};
  const transcript = String(heard.transcript ?? '');
  const final = result.outcome === 'noMatch' || result.outcome === 'noInput' ? 'none' : result.outcome;
  return {
    id: u.id,
    route: u.route,
    heldOut: u.heldOut,
    condition,
    spoken: spokenRoute === 'noMatch' || spokenRoute === 'noInput' ? 'none' : spokenRoute,
    final,
    confirmAsked: caller.confirmAsked,
    transcript,
    ...(typeof heard.confidence === 'number' ? { confidence: heard.confidence } : {}),
    ...(typeof heard.matchConfidence === 'number' ? { matchConfidence: heard.matchConfidence } : {}),
    ...(caller.answerEndedAt !== undefined ? { latencyMs: decidedAt - caller.answerEndedAt } : {}),
  };
}

/** 20 ms frames of 8 kHz audio, as fast as they are read, or paced in real time; marks when the last one was read. */
function stream(pcm: Buffer, caller: BenchCaller, realTime: boolean): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let i = 0; i < pcm.length; i += 320) {
      if (realTime) await new Promise((r) => setTimeout(r, 20));
      yield pcm.subarray(i, i + 320);
    }
    caller.answerEndedAt = performance.now();
  })();
}

async function pool<T, R>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      renderings: { type: 'string', default: '1' },
      /** Phone audio for every Nth utterance only (a busy machine decodes a few a minute). */
      every: { type: 'string', default: '1' },
      latency: { type: 'string', default: '24' },
      concurrency: { type: 'string', default: '2' },
      cache: { type: 'string', default: join(repo, '.cache/speech-corpus') },
      'text-only': { type: 'boolean', default: false },
      /** Append each phone-audio trial to this file as it finishes (JSON lines), to follow a long run. */
      trials: { type: 'string' },
    },
  });
  const renderings = Number(args.renderings);
  const latencySamples = Number(args.latency);
  const concurrency = Number(args.concurrency);
  const utterances = generatedCorpus();

  // Typed text: the matcher on exactly what was said (the designer's test call).
  const text = new TextRecognizer();
  const textTrials = await pool(utterances, 1, (u) =>
    ask(u, text, (caller) => {
      caller.answerEndedAt = performance.now();
      return { kind: 'text', text: u.text };
    }, 'typed'),
  );

  const textRun: RecognizerRun = {
    recognizer: 'typed text (test call)',
    trials: textTrials,
    latencyMs: textTrials.map((t) => t.latencyMs!).filter((n) => Number.isFinite(n)),
    latencyNote: 'from the text arriving to the decision',
  };
  const summary = { utterances: utterances.length, heldOut: utterances.filter((u) => u.heldOut).length, conditions: CONDITIONS.map((c) => c.name), machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores` };
  if (args['text-only']) {
    process.stdout.write(`${JSON.stringify({ ...summary, runs: [textRun] } satisfies SpeechBenchResult)}\n`);
    return;
  }

  // Phone audio through the on-machine recogniser: each utterance in `renderings` of the eight speakers.
  const loads = [loadavg()[0]!];
  const sampling = setInterval(() => loads.push(loadavg()[0]!), 5000);
  sampling.unref();
  const offline = new PocketSphinxRecognizer();
  const every = Number(args.every);
  const jobs = utterances
    .filter((_, i) => i % every === 0)
    .flatMap((u, i) => Array.from({ length: renderings }, (_, r) => ({ u, condition: CONDITIONS[(i * 3 + r * 5) % CONDITIONS.length]! })));
  process.stderr.write(`speech bench: rendering ${jobs.length} utterances (cached in ${args.cache})…\n`);
  for (const job of jobs) render(job.u.text, job.condition, args.cache);
  process.stderr.write(`speech bench: recognising ${jobs.length} renderings…\n`);
  let done = 0;
  const audioTrials = await pool(jobs, concurrency, async ({ u, condition }) => {
    const pcm = render(u.text, condition, args.cache);
    const trial = await ask(u, offline, (caller) => ({ kind: 'audio', sampleRateHz: 8000, audio: stream(pcm, caller, false) }), condition.name);
    if (++done % 50 === 0) process.stderr.write(`speech bench: ${done}/${jobs.length}\n`);
    delete trial.latencyMs; // fed faster than real time: not a latency
    if (args.trials) appendFileSync(args.trials, `${JSON.stringify(trial)}\n`);
    return trial;
  });

  // Latency: a spread of utterances streamed in real time, one at a time, as on a call.
  const step = Math.max(1, Math.floor(jobs.length / Math.max(1, latencySamples)));
  const latencyJobs = jobs.filter((_, i) => i % step === 0).slice(0, latencySamples);
  process.stderr.write(`speech bench: latency of ${latencyJobs.length} renderings streamed in real time…\n`);
  const latencyMs: number[] = [];
  for (const { u, condition } of latencyJobs) {
    const pcm = render(u.text, condition, args.cache);
    const trial = await ask(u, offline, (caller) => ({ kind: 'audio', sampleRateHz: 8000, audio: stream(pcm, caller, true) }), condition.name);
    if (trial.latencyMs !== undefined) latencyMs.push(trial.latencyMs);
  }

  clearInterval(sampling);
  loads.push(loadavg()[0]!);
  const result: SpeechBenchResult = {
    ...summary,
    runs: [
      textRun,
      {
        recognizer: 'PocketSphinx on the machine (phone audio, G.711)',
        trials: audioTrials,
        latencyMs,
        latencyNote: `${latencyMs.length} renderings streamed in real time, one at a time; from the last 20 ms frame to the decision`,
        loadAverage: { min: Math.min(...loads), max: Math.max(...loads), mean: loads.reduce((a, b) => a + b, 0) / loads.length },
      },
    ],
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
