/** bench:sip's BENCHMARKS.md section: the figures per rate, the summary against the issue's targets, the machine. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { APP_NAMES, type AppKind, type StackEnv } from './apps.js';
import { pidOf } from './proc-cpu.js';
import { cleanRate, cpuMsPerCall, failed, median, percentile, rssMiBPerCall, type LoadResult } from './results.js';

export interface BenchReport {
  apps: AppKind[];
  rates: number[];
  seconds: number;
  runs: number;
  heldCalls: number;
  holdSeconds: number;
  overloadFactor: number;
  ladder: LoadResult[];
  held: LoadResult[];
  overload: { app: AppKind; clean: number; over: LoadResult; after: LoadResult; refusedBy?: Record<string, number> }[];
  notes: string[];
  stack: StackEnv;
  out: string;
  freeswitchVersion?: string;
}

const ms = (value: number | undefined) => (value === undefined ? '—' : value < 10 ? value.toFixed(1) : value.toFixed(0));
const mib = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(0));
const pct = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(0));
const pair = (values: readonly number[]) => `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))}`;
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
const x = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)}×`);
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : '**missed**');

function drachtioVersion(): string {
  try {
    const pid = pidOf('drachtio');
    if (pid === undefined) return 'drachtio-server (version unknown)';
    return `drachtio-server ${execFileSync(readlinkSync(`/proc/${pid}/exe`), ['--version'], { encoding: 'utf8' }).trim()}`;
  } catch {
    return 'drachtio-server (version unknown)';
  }
}

function machine(report: BenchReport): string {
  const cpu = cpus();
  const loads = [...report.ladder, ...report.held, ...report.overload.flatMap((o) => [o.over, o.after])].map((r) => r.loadAverage);
  return (
    `Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ` +
    `${report.freeswitchVersion ?? 'FreeSWITCH (version unknown)'}, ${drachtioVersion()}, sipp ${spawnSync('sipp', ['-v'], { encoding: 'utf8' }).stdout.match(/v[\d.]+/)?.[0] ?? ''}; ` +
    `all on loopback. 1-minute load average at the start of the runs: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} ` +
    `(the machine is shared: the load is given beside each figure).`
  );
}

function ladderTable(report: BenchReport): string[] {
  const lines = [
    `| calls/s | app | calls completed (each run) | engine CPU % of a core | engine CPU ms/call | FreeSWITCH CPU % | drachtio CPU % | INVITE→200 p50 / p99 ms | DTMF→next prompt p50 / p99 ms | engine peak RSS MiB | load avg |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const rate of report.rates) {
    for (const app of report.apps) {
      const runs = report.ladder.filter((r) => r.rate === rate && r.app === app);
      if (!runs.length) continue;
      const per = (f: (r: LoadResult) => string) => runs.map(f).join(', ');
      lines.push(
        `| ${rate} | ${APP_NAMES[app]} | ${per((r) => `${r.completed}/${r.offered}${r.crashed ? ' (process died)' : ''}`)} | ${per((r) => pct(r.cpu.engine))} | ` +
          `${ms(median(runs.map((r) => cpuMsPerCall(r, 'engine') ?? NaN).filter(Number.isFinite)))} | ${per((r) => pct(r.cpu.freeswitch))} | ${per((r) => pct(r.cpu.drachtio))} | ` +
          `${pair(runs.flatMap((r) => r.answerMs))} | ${pair(runs.flatMap((r) => r.dtmfToPromptMs))} | ${per((r) => mib(r.rss?.peakMiB))} | ${per((r) => r.loadAverage.toFixed(1))} |`,
      );
    }
  }
  return lines;
}

function refusalSummary(r: LoadResult): string {
  const refused = r.refusals.filter((x) => x.status === 503);
  const withRetry = refused.filter((x) => x.retryAfter).length;
  const others = Object.entries(r.statuses).filter(([status]) => status !== '200' && status !== '503');
  return (
    `${refused.length} × 503 (${withRetry} with Retry-After; ${pair(refused.map((x) => x.ms))} ms, max ${ms(Math.max(0, ...refused.map((x) => x.ms)))})` +
    (others.length ? `; ${others.map(([status, n]) => `${n} × ${status === 'none' ? 'no final response' : status}`).join(', ')}` : '')
  );
}

export function benchSection(report: BenchReport): string {
  const bare = report.apps.includes('bare') ? 'bare' : undefined;
  const lines: string[] = [
    '## Real calls: bench:sip (drachtio-server + FreeSWITCH)',
    '',
    '`npm run bench:sip` (bench/sip/): sipp callers against a real drachtio-server and FreeSWITCH. Each call: INVITE with ' +
      'G.711 and RFC 2833 events; the app answers and plays the flite prompt "Press one." (`playback say:`); 2.5 s after the ' +
      'answer the caller presses 1 (sipp\'s stock RFC 2833 capture, one digit per call); the app plays "Thank you. Goodbye." and ' +
      'hangs up. The **bare app** (bench/sip/bare-app.ts) is that journey hand-written on drachtio-srf + drachtio-fsmrf ' +
      '(connectCaller, one multiset, playback, the dtmf event) with nothing else — no call records, no flow engine, no admission ' +
      'control; **frontdoor** runs the same journey as a published flow (bench/sip/flows) with everything it does in production ' +
      '(call records and events, the shipped admission defaults, logging). Each app is started fresh for each run and warmed up ' +
      '(5 calls/s for 5 s); apps run back to back at each rate. CPU is from /proc (all threads of the process; the embedded ' +
      'database runs inside frontdoor\'s process); DTMF → next prompt is measured from FreeSWITCH\'s own events (DTMF to the next ' +
      'playback\'s CHANNEL_EXECUTE on the same channel) for every app alike.',
    '',
    machine(report),
    '',
    `### ${report.seconds} s at each rate (${report.runs} run${report.runs > 1 ? 's' : ''})`,
    '',
    ...ladderTable(report),
    '',
  ];
  const clean = Object.fromEntries(report.apps.map((app) => [app, cleanRate(report.ladder, app)]));
  lines.push(`Highest rate with every call completed in ${report.runs} of ${report.runs} runs: ${report.apps.map((app) => `${APP_NAMES[app]} ${clean[app] ?? 'none'}/s`).join('; ')}.`, '');

  if (report.held.length) {
    lines.push(`### Calls held at once (${report.heldCalls} callers at 20 calls/s, each silent ${report.holdSeconds} s before pressing 1)`, '');
    lines.push(
      '| app | completed | INVITE→200 p50 / p99 ms | refused or failed | engine CPU % | engine RSS before → peak MiB | RSS per call held, MiB | load avg |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const r of report.held) {
      lines.push(
        `| ${APP_NAMES[r.app]} | ${r.completed} of ${r.offered}${r.crashed ? ' (process died)' : ''} | ${pair(r.answerMs)} | ${refusalSummary(r)} | ${pct(r.cpu.engine)} | ` +
          `${mib(r.rss?.startMiB)} → ${mib(r.rss?.peakMiB)} | ${ms(rssMiBPerCall(r))} | ${r.loadAverage.toFixed(1)} |`,
      );
    }
    lines.push('');
  }
  if (report.overload.length) {
    lines.push(`### Overload: ${report.overloadFactor} × the app's clean rate for 30 s, then its clean rate for a minute`, '');
    lines.push('| app | offered | answered 200 / completed | refusals | refused by | process | next minute at the clean rate | load avg |', '|---|---|---|---|---|---|---|---|');
    for (const { app, clean: rate, over, after, refusedBy } of report.overload) {
      const by = refusedBy && Object.keys(refusedBy).length ? Object.entries(refusedBy).map(([reason, n]) => `${reason} ${n}`).join(', ') : '—';
      lines.push(
        `| ${APP_NAMES[app]} | ${over.offered} at ${over.rate}/s | ${over.statuses['200'] ?? 0} / ${over.completed} | ${refusalSummary(over)} | ${by} | ${over.crashed || after.crashed ? '**died**' : 'survived'} | ` +
          `${after.completed} of ${after.offered} at ${rate}/s completed | ${over.loadAverage.toFixed(1)} |`,
      );
    }
    lines.push('');
  }

  const fronts = report.apps.filter((app) => app !== 'bare');
  if (bare && fronts.length) {
    lines.push('### Against the targets', '', '| target | ' + fronts.map((a) => APP_NAMES[a]).join(' | ') + ' |', '|---|' + fronts.map(() => '---|').join(''));
    const row = (name: string, f: (app: AppKind) => string) => lines.push(`| ${name} | ${fronts.map(f).join(' | ')} |`);
    row('highest clean rate ≥ 0.95 × the bare app\'s', (app) => {
      const r = ratio(clean[app], clean.bare);
      return `${clean[app] ?? 'none'} vs ${clean.bare ?? 'none'}/s (${x(r)}) — ${verdict(r === undefined ? undefined : r >= 0.95)}`;
    });
    const at = (app: AppKind, rate: number) => report.ladder.filter((r) => r.app === app && r.rate === rate);
    const cpuRate = report.rates.includes(10) ? 10 : report.rates[0]!;
    row(`engine CPU per call ≤ 1.5 × the bare app's (${cpuRate}/s)`, (app) => {
      const r = ratio(median(at(app, cpuRate).map((l) => cpuMsPerCall(l, 'engine') ?? NaN)), median(at('bare', cpuRate).map((l) => cpuMsPerCall(l, 'engine') ?? NaN)));
      return `${x(r)} — ${verdict(r === undefined || Number.isNaN(r) ? undefined : r <= 1.5)}`;
    });
    const p99Rate = report.rates.includes(20) ? 20 : report.rates.at(-1)!;
    row(`INVITE→200 p99 ≤ 2 × the bare app's (${p99Rate}/s)`, (app) => {
      const mine = percentile(at(app, p99Rate).flatMap((r) => r.answerMs), 99);
      const theirs = percentile(at('bare', p99Rate).flatMap((r) => r.answerMs), 99);
      const r = ratio(mine, theirs);
      return `${ms(mine)} vs ${ms(theirs)} ms (${x(r)}) — ${verdict(r === undefined ? undefined : r <= 2)}`;
    });
    row('DTMF → next prompt p50 ≤ 25 ms, p99 ≤ 45 ms (all clean runs)', (app) => {
      const samples = report.ladder.filter((r) => r.app === app && failed(r) === 0).flatMap((r) => r.dtmfToPromptMs);
      const p50 = percentile(samples, 50);
      const p99 = percentile(samples, 99);
      return `${ms(p50)} / ${ms(p99)} ms — ${verdict(p50 === undefined || p99 === undefined ? undefined : p50 <= 25 && p99 <= 45)}`;
    });
    const heldOf = (app: AppKind) => report.held.find((r) => r.app === app)?.completed;
    row('calls held ≥ 0.95 × the bare app\'s', (app) => {
      const r = ratio(heldOf(app), heldOf('bare'));
      return `${heldOf(app) ?? '—'} vs ${heldOf('bare') ?? '—'} (${x(r)}) — ${verdict(r === undefined ? undefined : r >= 0.95)}`;
    });
    row('(not a target) engine RSS per call held, against the bare app\'s', (app) => {
      const mine = report.held.find((r) => r.app === app);
      const theirs = report.held.find((r) => r.app === 'bare');
      const r = ratio(mine && rssMiBPerCall(mine), theirs && rssMiBPerCall(theirs));
      return `${ms(mine && rssMiBPerCall(mine))} vs ${ms(theirs && rssMiBPerCall(theirs))} MiB (${x(r)})`;
    });
    row('overload: admitted calls complete, 503 + Retry-After ≤ 50 ms, survives, next minute clean', (app) => {
      const o = report.overload.find((v) => v.app === app);
      if (!o) return 'not run';
      const answered = o.over.statuses['200'] ?? 0;
      const refused = o.over.refusals.filter((r) => r.status === 503);
      const others = o.over.offered - answered - refused.length;
      const slowest = Math.max(0, ...refused.map((r) => r.ms));
      const ok = answered === o.over.completed && refused.every((r) => r.retryAfter) && slowest <= 50 && others === 0 && !o.over.crashed && !o.after.crashed && failed(o.after) === 0;
      return `${o.over.completed}/${answered} admitted completed, ${refused.length} × 503 (max ${ms(slowest)} ms), ${others} other, next minute ${o.after.completed}/${o.after.offered} — ${verdict(ok)}`;
    });
    lines.push('');
  }
  for (const note of report.notes) lines.push(`Note: ${note}`);
  return `${lines.join('\n').trimEnd()}\n`;
}
