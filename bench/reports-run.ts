/** The reports benchmark on both databases (bench/reports-bench.ts, one process each), written into BENCHMARKS.md. */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');

interface ReportsBenchResult {
  kind: 'embedded' | 'postgres';
  counts: Record<string, number>;
  seedMs: number;
  rollupMs: number;
  queries: Record<string, { medianMs: number; maxMs: number }>;
  wallboard: { medianMs: number; p95Ms: number; maxMs: number; rounds: number; refreshMs: number };
  loadAverage: number[];
}

/** Runs the reports benchmark on both databases and returns its BENCHMARKS.md section. */
export function reportsSection(calls: number, machine: string): string {
  if (!Number.isInteger(calls) || calls < 1000) throw new Error(`--report-calls must be a whole number of at least 1000, not ${calls}`);
  const results = (['embedded', 'postgres'] as const).map((kind) => {
    process.stderr.write(`bench: reports over ${calls.toLocaleString('en-GB')} calls on the ${kind} database…\n`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'bench/reports-bench.ts'), kind, String(calls)], {
      cwd: repo,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 3_600_000,
    });
    return JSON.parse(out.trim().split('\n').at(-1)!) as ReportsBenchResult;
  });
  const [embedded, postgres] = results as [ReportsBenchResult, ReportsBenchResult];
  const ms = (n: number) => `${Math.round(n).toLocaleString('en-GB')} ms`;
  const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
  const load = (r: ReportsBenchResult) => r.loadAverage.map((l) => l.toFixed(2)).join(' / ');
  const queryRows = Object.keys(embedded.queries)
    .map((name) => {
      const e = embedded.queries[name]!;
      const p = postgres.queries[name]!;
      return `| ${name} | ${ms(e.medianMs)} (worst ${ms(e.maxMs)}) | ${ms(p.medianMs)} (worst ${ms(p.maxMs)}) | ${mark(e.maxMs < 1000 && p.maxMs < 1000)} |`;
    })
    .join('\n');
  const wb = (r: ReportsBenchResult) => `median ${ms(r.wallboard.medianMs)}, p95 ${ms(r.wallboard.p95Ms)}, worst ${ms(r.wallboard.maxMs)} (one board: ${ms(r.wallboard.refreshMs)})`;
  const c = embedded.counts;
  const section = `## Reports: history over a year of calls, the live wallboard

\`npm run bench -- --only reports\` (bench/reports-run.ts, bench/reports-bench.ts), ${new Date().toISOString().slice(0, 10)}.
Machine: ${machine}. **The machine was shared and busy**: load average (1 / 5 / 15 min) when each run finished —
embedded ${load(embedded)}, PostgreSQL ${load(postgres)} — on 2 cores, so times are upper bounds.

Stored: ${c.calls?.toLocaleString('en-GB')} real calls over 365 days, ${c.visits?.toLocaleString('en-GB')} queue visits, ${c.queue_events?.toLocaleString('en-GB')} queue events,
${c.agent_state_log?.toLocaleString('en-GB')} adviser state changes and ${c.call_events?.toLocaleString('en-GB')} call events; 50 queues in 10 service lines, 500 agents. The
first roll-up (every settled half-hour and day) took ${ms(embedded.rollupMs)} on the embedded database and ${ms(postgres.rollupMs)} on PostgreSQL
(it runs in the background; after that each run rolls up only what settled since). Each query ran 5 times.

| history query (as the API answers it) | embedded (PGlite) | PostgreSQL 15 | under 1 s |
|---|---|---|---|
${queryRows}

Wallboard, 50 queues and 500 agents: from a change committed (a caller joins a queue, or an adviser takes a break) to the new
board reaching a subscriber, 20 changes. On PostgreSQL the change's own NOTIFY (migration 0008's trigger: the ACD signal
\`changed\`, as from any engine) wakes the hub; the embedded database delivers no notifications, so there the hub's change
check every 250 ms finds it: embedded ${wb(embedded)}; PostgreSQL ${wb(postgres)}.
Target: within a second — ${mark(embedded.wallboard.maxMs < 1000 && postgres.wallboard.maxMs < 1000)}.
`;
  return section;
}
