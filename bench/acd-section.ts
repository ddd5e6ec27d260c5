/**
 * The ACD's BENCHMARKS.md section: dispatch latency with a long line of callers and 50 agents, and the
 * service level measured beside Erlang C's prediction — each run in its own process (bench/acd-bench.ts).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { LatencyResult, ServiceLevelResult } from './acd-bench.js';

const repo = resolve(import.meta.dirname, '..');
const TARGETS = { p99Ms: 50, slPoints: 3 };

function run<T>(args: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'bench/acd-bench.ts'), ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const ms = (n: number) => n.toFixed(1);
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

/** Runs the ACD bench and returns its section (bench/run.ts writes it). */
export function acdSection(runs: number, hours: number, machine: string): string {
  const latency: LatencyResult[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    process.stderr.write(`bench: ACD dispatch latency, 50 agents and 200 callers waiting, run ${seed} of ${runs}…\n`);
    latency.push(run<LatencyResult>(['latency', '--seed', String(seed)]));
  }
  process.stderr.write(`bench: ACD service level, ${hours} simulated hours of Poisson arrivals…\n`);
  const sl = run<ServiceLevelResult>(['service-level', '--hours', String(hours)]);
  const p50 = median(latency.map((l) => l.p50Ms));
  const p99 = median(latency.map((l) => l.p99Ms));
  const gap20 = Math.abs(sl.measured.within20 - sl.erlangC.within20) * 100;
  const gap180 = Math.abs(sl.measured.within180 - sl.erlangC.within180) * 100;
  const row = (l: LatencyResult, i: number) =>
    `| ${i + 1} | ${l.offers} | ${l.waitingMin}–${l.waitingMedian} | ${l.crossEngineOffers} | ${ms(l.p50Ms)} | ${ms(l.p99Ms)} | ${ms(l.maxMs)} | ${(l.wallMs / 1000).toFixed(1)} s |`;

  const section = `## ACD: dispatch latency and service level

\`npm run bench\` (bench/acd-bench.ts, bench/acd-section.ts), ${new Date().toISOString().slice(0, 10)}.
Machine: ${machine}; 1-minute load average ${loadavg()[0]!.toFixed(1)} when the section was written (the machine is shared with
other work: treat times as indicative). PostgreSQL 15 (Debian), a private server started for the run (fsync off).

A discrete-event simulation on simulated time through the real dispatcher (\`acd_dispatch\`, FOR UPDATE SKIP LOCKED) and database,
with **two engine instances** in one process — each its own connection pool, LISTEN connection and engine id, callers alternating
between them, so about half the offers are made by one engine for a caller the other holds and cross by NOTIFY. Simulated agents
answer at once and have no wrap-up; time jumps whenever nothing is in flight (database work, and an offer crossing between the
engines, hold it still), so hours of contact centre run in minutes. The 20,000-call engine bench is the call-flow runtime on its
own; this is the queue half.

**Dispatch latency** — 50 agents, callers talking for exponential handle times (mean 180 s), and a line of about 200 callers
waiting throughout (a new one joins as each is put through). Latency is real time from the moment a caller and an agent are both
ready (the later of the caller joining and the previous call's end being reported) to the caller's engine holding the offer: the
end of the previous call written, the dispatch pass, NOTIFY to the other engine when it holds the caller, the agent looked up. The
first simulated minute is left out. ${runs} runs (seeds 1–${runs}); the figures are the medians of the runs.

| run | offers | callers waiting (min–median) | offers crossing engines | p50 ms | p99 ms | max ms | wall |
|---|---|---|---|---|---|---|---|
${latency.map(row).join('\n')}

**Service level beside Erlang C** — ${sl.agents} agents, Poisson arrivals at ${sl.erlangs} erlangs (occupancy ${pct(sl.erlangs / sl.agents)}),
exponential handle times (mean ${sl.meanHandleSeconds} s), nobody hanging up: the Erlang C model. ${sl.hours} simulated hours after one hour's
warm-up, ${sl.callers.toLocaleString('en-GB')} callers counted (every one answered before counting), ${sl.crossEngineOffers.toLocaleString('en-GB')} offers crossing engines; ${(sl.wallMs / 1000).toFixed(0)} s of real time.

| | answered within 20 s | within 180 s | had to wait | average speed of answer |
|---|---|---|---|---|
| measured | ${pct(sl.measured.within20)} | ${pct(sl.measured.within180)} | ${pct(sl.measured.waited)} | ${sl.measured.asaSeconds.toFixed(1)} s |
| Erlang C | ${pct(sl.erlangC.within20)} | ${pct(sl.erlangC.within180)} | ${pct(sl.erlangC.waited)} | ${sl.erlangC.asaSeconds.toFixed(1)} s |

| target | result | |
|---|---|---|
| dispatch p99 ≤ ${TARGETS.p99Ms} ms with 200 callers waiting and 50 agents | ${ms(p99)} ms (p50 ${ms(p50)} ms) | ${mark(p99 <= TARGETS.p99Ms)} |
| measured service level within ${TARGETS.slPoints} percentage points of Erlang C | ${gap20.toFixed(1)} points at 20 s, ${gap180.toFixed(1)} at 180 s | ${mark(gap20 <= TARGETS.slPoints && gap180 <= TARGETS.slPoints)} |
`;
  return section;
}
