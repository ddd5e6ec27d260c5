/**
 * npm run bench:sip — real calls through drachtio-server + FreeSWITCH, placed by sipp, answered by a
 * bare drachtio-srf + drachtio-fsmrf app (bench/sip/bare-app.ts) and by frontdoor (embedded database
 * and PostgreSQL 15), back to back at each rate. Same stack variables as test:sip:
 *
 *   DRACHTIO_HOST DRACHTIO_PORT DRACHTIO_SECRET FREESWITCH_HOST FREESWITCH_PORT FREESWITCH_SECRET SIP_TARGET
 *   [FRONTDOOR_LISTEN_ADDRESS FRONTDOOR_ADVERTISED_ADDRESS SIPP_LOCAL_IP]
 *   [SIP_STACK_LOCK=/tmp/fdstack.lock]   take this flock(1) lock around each app's run on a shared stack
 *
 *   npm run bench:sip -- [--rates 10,15,20,25,30] [--seconds 60] [--runs 2] [--apps bare,embedded,postgres]
 *                        [--held 250] [--hold-seconds 30] [--overload-factor 1.5] [--skip held,overload]
 *                        [--cpu-prof DIR] [--every-rate] [--no-write] [--admission '{"maxSetupMs":2000}']
 *
 * --admission JSON: frontdoor's telephony.admission settings for this run instead of the shipped defaults
 * (the report says so). --cpu-prof DIR: each app writes DIR/<run>.cpuprofile covering the measured load only (summarise
 * one with bench/sip/profile-summary.ts).
 *
 * Each run starts the app fresh, warms it up (5 calls/s for 5 s), then offers `rate` calls/s for
 * `seconds`. Per run: calls completed, CPU of the app, FreeSWITCH and drachtio (/proc), INVITE→200 and
 * DTMF→next prompt (FreeSWITCH's events, identically for every app). Then calls held at once (30 s
 * each) and an overload run (1.5 × the app's clean rate for 30 s, then a minute at the clean rate).
 * Without the stack variables it runs nothing and says what it did not run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { APP_NAMES, holdStackLock, killApps, startApp, startBenchPostgres, type AppKind, type StackEnv } from './apps.js';
import { watchDtmfToPrompt, type DtmfToPromptWatch } from './fs-events.js';
import { cpuMeter, loadAverage, pidOf, rssMeter } from './proc-cpu.js';
import { benchSection, type BenchReport } from './report.js';
import { cleanRate, failed, summarise, type LoadResult } from './results.js';
import { runSipp } from './sipp.js';
import { writeBenchmarkSection } from '../benchmarks-md.js';

const repo = resolve(import.meta.dirname, '../..');
const DID = '+441234599000';
/** The caller stays silent this long after the answer ("Press one." has played), then presses 1. */
const PRESS_AFTER_MS = 2_500;

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '10,15,20,25,30' },
    seconds: { type: 'string', default: '60' },
    runs: { type: 'string', default: '2' },
    apps: { type: 'string', default: 'bare,embedded,postgres' },
    held: { type: 'string', default: '250' },
    'hold-seconds': { type: 'string', default: '30' },
    'overload-factor': { type: 'string', default: '1.5' },
    skip: { type: 'string', default: '' },
    'every-rate': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    admission: { type: 'string' },
  },
});

const number = (name: string, value: string, min: number): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number of at least ${min}, not "${value}"`);
  return n;
};
const rates = args.rates.split(',').map((r) => number('rates', r, 1));
const seconds = number('seconds', args.seconds, 5);
const runs = number('runs', args.runs, 1);
const heldCalls = number('held', args.held, 1);
const holdSeconds = number('hold-seconds', args['hold-seconds'], 1);
const overloadFactor = number('overload-factor', args['overload-factor'], 1);
const admission = args.admission ? parseAdmission(args.admission) : undefined;
function parseAdmission(text: string): Record<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`--admission must be a JSON object of admission settings, not "${text}"`);
  }
  if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'number')) {
    throw new Error(`--admission must be a JSON object of numbers (e.g. {"maxSetupMs":2000}), not ${text}`);
  }
  return value as Record<string, number>;
}
const skip = new Set(args.skip.split(',').filter(Boolean));
const apps = args.apps.split(',').map((a) => {
  if (!(a in APP_NAMES)) throw new Error(`--apps: "${a}" is not one of ${Object.keys(APP_NAMES).join(', ')}`);
  return a as AppKind;
});

const required = ['DRACHTIO_HOST', 'DRACHTIO_PORT', 'DRACHTIO_SECRET', 'FREESWITCH_HOST', 'FREESWITCH_PORT', 'FREESWITCH_SECRET', 'SIP_TARGET'];
const missing = required.filter((name) => !process.env[name]);
if (missing.length) {
  console.log('bench:sip: NOT RUN — no call was placed and nothing was measured.');
  console.log(`  Why: these variables are unset: ${missing.join(' ')} (the address of a running drachtio-server + FreeSWITCH stack; see docs/telephony.md).`);
  console.log('  Not run, for the bare drachtio-srf + fsmrf app and for frontdoor on the embedded database and on PostgreSQL:');
  console.log(`    - ${seconds} s at each of ${rates.join(', ')} calls/s (${runs} runs): calls completed, CPU, INVITE→200, DTMF→next prompt`);
  console.log(`    - ${heldCalls} calls held at once for ${holdSeconds} s`);
  console.log(`    - overload at ${overloadFactor} × the clean rate for 30 s, then a minute at the clean rate`);
  process.exit(0);
}
try {
  execFileSync('sipp', ['-v'], { stdio: 'ignore' });
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    console.error('bench:sip: sipp is not installed (apt-get install sip-tester).');
    process.exit(1);
  }
}

const env = process.env as Record<string, string>;
const stack: StackEnv = {
  drachtio: { host: env.DRACHTIO_HOST!, port: Number(env.DRACHTIO_PORT), secret: env.DRACHTIO_SECRET! },
  freeswitch: { host: env.FREESWITCH_HOST!, port: Number(env.FREESWITCH_PORT), secret: env.FREESWITCH_SECRET! },
  sipTarget: env.SIP_TARGET!,
  listenAddress: env.FRONTDOOR_LISTEN_ADDRESS ?? '0.0.0.0',
  advertisedAddress: env.FRONTDOOR_ADVERTISED_ADDRESS ?? '127.0.0.1',
  localIp: env.SIPP_LOCAL_IP ?? '127.0.0.1',
};
const lockFile = env.SIP_STACK_LOCK || undefined;
const local = /^(127\.|localhost$|::1$)/.test(stack.freeswitch.host);
const stackPids = () => (local ? { freeswitch: pidOf('freeswitch'), drachtio: pidOf('drachtio') } : {});
const out = join(repo, 'test-results', 'bench-sip', new Date().toISOString().replace(/[:.]/g, '-'));
mkdirSync(out, { recursive: true });
if (args['cpu-prof']) mkdirSync(args['cpu-prof'], { recursive: true });
const profileDir = args['cpu-prof'] ? resolve(args['cpu-prof']) : undefined;
const notes: string[] = [];
if (admission) notes.push(`frontdoor ran with admission settings ${JSON.stringify(admission)} in place of the shipped defaults (--admission).`);
if (!local) notes.push(`FreeSWITCH and drachtio run elsewhere (${stack.freeswitch.host}): their CPU was not measured.`);

const postgres = apps.includes('postgres') ? await startBenchPostgres() : undefined;
// The private PostgreSQL server never outlives the bench, however it ends.
const stopPostgres = () => {
  killApps();
  try {
    postgres?.stop();
  } catch {
    // Already stopped.
  }
};
process.on('exit', stopPostgres);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
if (apps.includes('postgres') && !postgres) notes.push('PostgreSQL 15 is not installed here (postgresql-15): frontdoor on PostgreSQL was NOT run.');
const appsToRun = apps.filter((app) => app !== 'postgres' || postgres);
const watch: DtmfToPromptWatch = await watchDtmfToPrompt(stack.freeswitch);
const say = (message: string) => process.stderr.write(`bench:sip: ${message}\n`);

/**
 * One app started fresh under the stack lock, warmed up, given `load`, stopped. A shared stack may be
 * restarted by someone else meanwhile: an app that cannot connect is tried again (three times in all).
 */
async function withApp<T>(
  app: AppKind,
  label: string,
  load: (pid: number, crashed: () => boolean, profile: string | undefined, metricsUrl: string | undefined) => Promise<T>,
): Promise<T> {
  const profile = profileDir ? join(profileDir, `${label}.cpuprofile`) : undefined;
  for (let attempt = 1; ; attempt++) {
    const release = await holdStackLock(lockFile);
    let running: Awaited<ReturnType<typeof startApp>>;
    try {
      running = await startApp(app, {
        stack,
        did: DID,
        logFile: join(out, `${label}.app.log`),
        postgresUrl: postgres?.url,
        ...(profile ? { cpuProfile: profile } : {}),
        ...(admission ? { admission } : {}),
      });
    } catch (error) {
      release();
      if (attempt >= 3) throw error;
      say(`${APP_NAMES[app]} did not start (${(error as Error).message}); trying again in 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      continue;
    }
    try {
      await runSipp({ target: stack.sipTarget, did: DID, localIp: stack.localIp, rate: 5, calls: 25, holdMs: PRESS_AFTER_MS, dir: out, label: `${label}.warmup` });
      return await load(running.pid, () => running.exited() !== undefined, profile, running.metricsUrl);
    } finally {
      await running.stop();
      release();
    }
  }
}

async function measuredLoad(app: AppKind, label: string, rate: number, calls: number, holdMs: number, run: number): Promise<LoadResult> {
  return withApp(app, label, async (pid, crashed, profile) => measure(app, label, rate, calls, holdMs, run, pid, crashed, profile));
}

/** One load on a running app; with `profile`, the app's CPU profile of this load is written there. */
async function measure(
  app: AppKind,
  label: string,
  rate: number,
  calls: number,
  holdMs: number,
  run: number,
  pid: number,
  crashed: () => boolean,
  profile?: string,
): Promise<LoadResult> {
  const load = loadAverage();
  watch.reset();
  const startedAt = performance.now();
  const meter = cpuMeter({ engine: pid, ...stackPids() });
  const memory = rssMeter(pid);
  if (profile) process.kill(pid, 'SIGUSR2'); // the app's profile covers the measured load only
  const sipp = await runSipp({ target: stack.sipTarget, did: DID, localIp: stack.localIp, rate, calls, holdMs, dir: out, label });
  const cpu = meter();
  const rss = memory();
  if (profile) {
    process.kill(pid, 'SIGUSR2');
    // The profile is written as the profiler stops: wait for it before the app is stopped.
    for (let i = 0; i < 100 && !existsSync(profile); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const result = summarise({ app, rate, run, loadAverage: load, dtmfToPromptMs: watch.samples(), cpu, rss, wallSeconds: (performance.now() - startedAt) / 1000, crashed: crashed() }, sipp);
  say(`${APP_NAMES[app]} at ${rate}/s: ${result.completed} of ${result.offered} completed, engine CPU ${cpu.engine?.toFixed(0) ?? '?'}%, load ${load}`);
  return result;
}

const ladder: LoadResult[] = [];
const stopped = new Set<AppKind>();
for (const rate of rates) {
  for (let run = 1; run <= runs; run++) {
    for (const app of appsToRun) {
      if (stopped.has(app)) continue;
      say(`${APP_NAMES[app]}: ${rate} calls/s for ${seconds} s, run ${run} of ${runs}…`);
      ladder.push(await measuredLoad(app, `${app}-${rate}cps-run${run}`, rate, Math.round(rate * seconds), PRESS_AFTER_MS, run));
    }
  }
  // An app that failed calls in every run at this rate is past its limit: it climbs no further
  // (unless --every-rate: profiles at each rate).
  for (const app of args['every-rate'] ? [] : appsToRun) {
    const atRate = ladder.filter((r) => r.app === app && r.rate === rate);
    if (atRate.length && atRate.every((r) => failed(r) > 0 || r.crashed)) stopped.add(app);
  }
}

const held: LoadResult[] = [];
if (!skip.has('held')) {
  for (const app of appsToRun) {
    say(`${APP_NAMES[app]}: ${heldCalls} calls held ${holdSeconds} s each (20 calls/s ramp)…`);
    held.push(await measuredLoad(app, `${app}-held`, 20, heldCalls, holdSeconds * 1000, 1));
  }
}

/** frontdoor's admission refusals so far, by reason (from its /metrics). */
async function admissionRefusals(metricsUrl: string): Promise<Record<string, number> | undefined> {
  try {
    const text = await (await fetch(metricsUrl)).text();
    const counts: Record<string, number> = {};
    for (const [, reason, value] of text.matchAll(/^frontdoor_admission_refusals_total\{reason="([^"]+)"[^}]*\} (\d+)/gm)) counts[reason!] = Number(value);
    return counts;
  } catch {
    return undefined;
  }
}

const overload: { app: AppKind; clean: number; over: LoadResult; after: LoadResult; refusedBy?: Record<string, number> }[] = [];
if (!skip.has('overload')) {
  for (const app of appsToRun) {
    const clean = cleanRate(ladder, app) ?? rates[0]!;
    const rate = Math.round(clean * overloadFactor);
    say(`${APP_NAMES[app]}: overload at ${rate} calls/s for 30 s, then ${clean} calls/s for 60 s…`);
    const result = await withApp(app, `${app}-overload`, async (pid, crashed, _profile, metricsUrl) => {
      const over = await measure(app, `${app}-overload-${rate}cps`, rate, rate * 30, PRESS_AFTER_MS, 1, pid, crashed);
      const refusedBy = metricsUrl ? await admissionRefusals(metricsUrl) : undefined;
      const after = await measure(app, `${app}-after-overload-${clean}cps`, clean, clean * 60, PRESS_AFTER_MS, 1, pid, crashed);
      return { over, after, ...(refusedBy ? { refusedBy } : {}) };
    });
    overload.push({ app, clean, ...result });
  }
}

const freeswitchVersion = (await watch.version()).replace(/^FreeSWITCH Version (\S+).*/s, 'FreeSWITCH $1');
watch.close();
stopPostgres();
process.off('exit', stopPostgres);

const report: BenchReport = { apps: appsToRun, rates, seconds, runs, heldCalls, holdSeconds, overloadFactor, ladder, held, overload, notes, stack, out, freeswitchVersion };
writeFileSync(join(out, 'results.json'), JSON.stringify(report, null, 1));
const section = benchSection(report);
console.log(section);
if (!args['no-write']) {
  writeBenchmarkSection(section);
  say('BENCHMARKS.md updated');
}
say(`sipp scenarios, logs and app logs: ${out}`);
