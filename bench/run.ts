/**
 * npm run bench: the engine holding many concurrent simulated calls, against a hand-written baseline;
 * the speech bench (bench/speech/): the main line's open question answered by a corpus of residents'
 * words, typed and as phone audio through the on-machine recogniser; and the ACD as a discrete-event
 * simulation through the real dispatcher and PostgreSQL with two engine instances (bench/acd-bench.ts).
 * Each run is its own process (clean heap figures); the figures and the machine go into BENCHMARKS.md.
 *
 *   npm run bench [-- --calls 20000 --runs 3 --only engine|speech|acd --renderings 1 --every 1 --acd-hours 24 --no-write]
 *
 * The machine may be shared, so each side runs `--runs` times (engine and baseline back to back) and
 * every figure is the median of the runs; the cost ratio is the median of the back-to-back ratios.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallBenchResult } from './call-bench.js';
import { writeBenchmarkSection } from './benchmarks-md.js';
import { speechSection } from './speech/report.js';
import { acdSection } from './acd-section.js';
import type { SpeechBenchResult } from './speech/speech-bench.js';

const repo = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    renderings: { type: 'string', default: '1' },
    every: { type: 'string', default: '1' },
    'acd-hours': { type: 'string', default: '24' },
    'no-write': { type: 'boolean', default: false },
  },
});
if (args.only !== undefined && !['engine', 'speech', 'acd'].includes(args.only)) throw new Error(`--only must be engine, speech or acd, not "${args.only}"`);
const acdHours = Number(args['acd-hours']);
if (!(acdHours >= 1)) throw new Error(`--acd-hours must be at least 1, not "${args['acd-hours']}"`);
const calls = Number(args.calls);
if (!Number.isInteger(calls) || calls < 100) throw new Error(`--calls must be a whole number of at least 100, not "${args.calls}"`);
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1, not "${args.runs}"`);

const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;

function engineBench(): string {
  const TARGETS = { calls: 20_000, p99StepMs: 5, heapPerCallBytes: 20_000, ratio: 2 };

  function run(mode: 'engine' | 'baseline', round: number): CallBenchResult {
    process.stderr.write(`bench: ${calls} concurrent calls, ${mode}, run ${round} of ${runs}…\n`);
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(repo, 'bench/call-bench.ts'), mode, String(calls)], {
      cwd: repo,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return JSON.parse(out.trim().split('\n').at(-1)!) as CallBenchResult;
  }

  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  /** Each numeric figure as the median over the runs. */
  const medianOf = (results: CallBenchResult[]): CallBenchResult => {
    const first = results[0]!;
    const figures = Object.fromEntries(
      Object.entries(first).map(([key, value]) => [key, typeof value === 'number' ? median(results.map((r) => r[key as keyof CallBenchResult] as number)) : value]),
    );
    return { ...first, ...figures };
  };

  const engineRuns: CallBenchResult[] = [];
  const baselineRuns: CallBenchResult[] = [];
  for (let round = 1; round <= runs; round++) {
    engineRuns.push(run('engine', round));
    baselineRuns.push(run('baseline', round));
  }
  const engine = medianOf(engineRuns);
  const baseline = medianOf(baselineRuns);
  const cpuRatio = median(engineRuns.map((e, i) => e.cpuMs / baselineRuns[i]!.cpuMs));
  const memoryRatio = median(engineRuns.map((e, i) => e.heapPerCallBytes / baselineRuns[i]!.heapPerCallBytes));
  const cpuRatios = engineRuns.map((e, i) => (e.cpuMs / baselineRuns[i]!.cpuMs).toFixed(2)).join(', ');
  const ms = (n: number) => n.toFixed(n < 1 ? 3 : 1);
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB (${bytes.toLocaleString('en-GB')} B)`;
  const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

  const row = (r: CallBenchResult) =>
    `| ${r.mode} | ${r.held.toLocaleString('en-GB')} | ${Math.round(r.eventsPerSecond).toLocaleString('en-GB')} | ${ms(r.p50StepMs)} | ${ms(r.p99StepMs)} | ${ms(r.maxStepMs)} | ${kib(Math.round(r.heapPerCallBytes))} | ${Math.round(r.cpuMs).toLocaleString('en-GB')} | ${Math.round(r.wallMs).toLocaleString('en-GB')} |`;

  const section = `## Engine: concurrent calls

\`npm run bench\` (bench/run.ts, bench/call-bench.ts, bench/baseline-call.ts), ${new Date().toISOString().slice(0, 10)}.
Machine: ${machine}. The machine was shared with other work while this ran; treat times as indicative.
Each side ran ${runs} time${runs === 1 ? '' : 's'} (engine and baseline back to back); every figure is the median of the runs, and the
cost ratio is the median of the back-to-back ratios (CPU ratios of the runs: ${cpuRatios}).

${calls.toLocaleString('en-GB')} callers ring the main line (flows/main-line.flow.json) on one process and one simulated clock, one every
3 simulated ms: they hear the welcome, say "I want to report a pothole on Mill Lane", press 1 at the highways menu, hear the
pothole advice and wait in the highways queue (announcements every 30 s) for two simulated minutes, then hang up — so all of
them are in progress at once. Simulated time jumps whenever every call is waiting, so the run measures processing cost only.
The **baseline** is the same journey hand-written as plain async functions over the same SimulatedCall, clock, recogniser and
queue, logging the same ${(engine.events / calls).toFixed(0)} events per call — no XState, no node definitions, no runtime.
Both wait in a queue where nobody is ever free (bench/holding-queue.ts), not the ACD: this bench measures the call-flow runtime;
the ACD — dispatch through PostgreSQL with two engine instances — has its own section.

- *step latency*: real time from one channel operation finishing (a prompt ended, the caller answered) to the call's next one
  starting at the same simulated instant — how long the engine takes to react to the caller.
- *memory per call*: heap in use with every call held, minus heap before, after forced GC (\`--expose-gc\`), divided by calls.
- *CPU*: process CPU time for the measured run (a 1,000-call warm-up before it; forced collections excluded).

| | calls held | events/s | p50 step ms | p99 step ms | max step ms | memory per call | CPU ms | wall ms |
|---|---|---|---|---|---|---|---|---|
${row(engine)}
${row(baseline)}

| target | engine | |
|---|---|---|
| ≥ ${TARGETS.calls.toLocaleString('en-GB')} concurrent calls in one process | ${engine.held.toLocaleString('en-GB')} | ${mark(engine.held >= TARGETS.calls)} |
| p99 step latency ≤ ${TARGETS.p99StepMs} ms | ${ms(engine.p99StepMs)} ms | ${mark(engine.p99StepMs <= TARGETS.p99StepMs)} |
| ≤ 20 KB (20,000 B) per call | ${kib(Math.round(engine.heapPerCallBytes))} | ${mark(engine.heapPerCallBytes <= TARGETS.heapPerCallBytes)} |
| engine/baseline cost ≤ ${TARGETS.ratio} | CPU ${cpuRatio.toFixed(2)}×, memory ${memoryRatio.toFixed(2)}× | ${mark(cpuRatio <= TARGETS.ratio && memoryRatio <= TARGETS.ratio)} |

Where the engine's extra cost goes (CPU profile of a 5,000-call run, \`node --cpu-prof\`): about a third of the time is garbage
collection — young-generation collections above all (\`--trace-gc\`: about 4.5× the baseline's scavenge time), because every
node step allocates an invoked XState actor (its options, mailbox, bound functions and closures) and snapshots that live as long as
the step, so they survive and are copied — and about a quarter is XState's own work (creating that actor, transitions, snapshots).
Done so far: one machine per flow version shared by every call; the calls on it share one XState actor system (a call's actor is
a child of one do-nothing actor, not a root with a system of its own); node steps take their abort signal from one AbortController
per call's run instead of one per step (a running step is only ever stopped when the run ends); the queue node keeps one controller
for the whole wait, not one per announcement, and aborts with a shared reason (no DOMException per cycle); no named closures or
suspended async frames held per call (tsx keeps function names, which makes each named closure ~300 B); no subflow-runner closure
per step for kinds that run no subflows; O(log n) queue positions in the holding queue. What is left is mostly the per-step invoked
actor, which the architecture asks for (one named actor per node step, aborted on hang-up).
`;

  return section;
}

function speechBench(): string {
  process.stderr.write('bench: speech — the main line\'s open question, typed and as phone audio…\n');
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'bench/speech/speech-bench.ts'), '--renderings', args.renderings!, '--every', args.every!], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as SpeechBenchResult;
  return speechSection(result, new Date().toISOString().slice(0, 10), machine);
}

for (const [name, bench] of [
  ['engine', engineBench],
  ['speech', speechBench],
  ['acd', () => acdSection(Number(args.runs), acdHours, machine)],
] as const) {
  if (args.only !== undefined && args.only !== name) continue;
  const section = bench();
  process.stdout.write(`${section}\n`);
  if (!args['no-write']) {
    writeBenchmarkSection(section);
    process.stderr.write(`bench: ${name} figures written to BENCHMARKS.md\n`);
  }
}
