/**
 * Paying by card on the phone, over real SIP (issue 13): the fake Pay360 runs in a process of its own
 * (REST API and payment line, as the real one would be), the engine is configured for it, the caller
 * (sipp) keys a reference, is handed to the payment line and keys a card there — then the record must
 * say paid with a masked card, and nothing the call left behind (database, engine, FreeSWITCH at debug
 * level, drachtio, API, metrics) may hold the card number or security code.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scenarioWithPcaps } from './generated-pcaps.js';
import { ADMIN_PASSWORD } from './harness/engine.js';
import { check } from './harness/report.js';
import { runSipp, SCENARIOS } from './harness/sipp.js';
import type { Stack } from './harness/stack.js';

const ROOT = resolve(import.meta.dirname, '../..');

export const PAYMENT_SCENARIOS = {
  pay: 'engine: pay by card — handed to the fake Pay360 payment line, card keyed there, record paid with a masked card (payments-line.xml)',
  leakScan: 'engine: the leak scan after the payment call — no card number or security code in the database, logs (FreeSWITCH at debug), API or metrics',
} as const;


/** A line of JSON a child prints when ready; rejects when it exits first or stays silent. */
function firstJsonLine<T>(child: ChildProcess, log: string[], what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${log.join('').slice(-800)}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        try {
          resolvePromise(JSON.parse(line) as T);
        } catch (error) {
          reject(error as Error);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${log.join('').slice(-800)}`));
    });
  });
}

export interface FakePay360 {
  /** The engine's `payments` config section for it. */
  config: Record<string, unknown>;
  logFile: string;
  stop(): void;
}

/** The fake Pay360 in its own process, its payment line a SIP endpoint on `sipPort`. */
export async function startFakePay360(workDir: string, sipPort: number): Promise<FakePay360> {
  const log: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'engine/src/adapters/payments/pay360/fake/main.ts', '--http', '127.0.0.1:0', '--sip', `127.0.0.1:${sipPort}`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = await firstJsonLine<{ baseUrl: string; installationId: string; username: string; password: string; paymentLine: string }>(child, log, 'the fake Pay360').catch((error: unknown) => {
    child.kill();
    throw error;
  });
  const logFile = join(workDir, 'pay360.log');
  const keep = () => writeFileSync(logFile, log.join(''));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    config: { pay360: { ...ready, pollIntervalMs: 500 } },
    logFile,
    stop: () => {
      keep();
      child.kill('SIGTERM');
    },
  };
}

/** Sets FreeSWITCH's log level (FS_CLI from /opt/fdstack/bin/env.sh); false when it cannot. */
function freeswitchLogLevel(level: 'debug' | 'warning'): boolean {
  const fsCli = process.env.FS_CLI;
  if (!fsCli) return false;
  return spawnSync(fsCli, ['-x', `fsctl loglevel ${level}`], { stdio: 'ignore' }).status === 0;
}

const sizeOf = (file: string | undefined) => (file && existsSync(file) ? statSync(file).size : 0);

/** What a log gained since `from` bytes, written to `out` (this run's share of a shared log). */
function sliceLog(file: string, from: number, out: string): string {
  writeFileSync(out, readFileSync(file).subarray(from));
  return out;
}

/**
 * The payment call and the leak scan, against a running engine configured for `pay360`; `engineLog` is
 * its log (the embedded database's URL is in it). Throws for the first scenario; returns the leak scan's
 * verdict for the second.
 */
export async function payByCard(options: { stack: Stack; workDir: string; engineUrl: string; engineLog: string; pay360: FakePay360; did?: string }) {
  const { stack, workDir, engineUrl } = options;
  const setupLog: string[] = [];
  const setup = spawn(process.execPath, ['--import', 'tsx', 'test/sip/payments-line.ts', engineUrl, ADMIN_PASSWORD], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const { token } = await firstJsonLine<{ token: string }>(setup, setupLog, 'the payment line set-up');
    const scenario = scenarioWithPcaps(SCENARIOS, 'payments-line.xml', workDir);

    const fsLog = process.env.FREESWITCH_LOG;
    const drachtioLog = process.env.DRACHTIO_LOG;
    const fsFrom = sizeOf(fsLog);
    const drachtioFrom = sizeOf(drachtioLog);
    // FreeSWITCH at debug level for the payment call: it logs every DTMF key it receives ("RECV DTMF").
    const debugLogged = freeswitchLogLevel('debug');
    if (!debugLogged) console.log('test:sip: NOTE — FS_CLI is unset: FreeSWITCH stays at its configured log level for the payment call');
    let record = '';
    try {
      const caller = runSipp({ scenario, target: stack.sipTarget, service: options.did ?? '+441234500002', localPort: 5130, mediaPort: 16_300, timeoutSeconds: 180, workDir });
      const result = await caller.done;
      check(result.passed, `sipp exit ${result.code}: ${result.errors || result.output.slice(-600)}`);
      const payments = await fetch(`${engineUrl}/api/payments?kind=phone&pageSize=1`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.json() as Promise<{ items: { status?: string; maskedCard?: string; reference?: string; gatewayTransactionId?: string }[] }>,
      );
      const x = payments.items[0] ?? {};
      record = [x.status, x.maskedCard, x.reference, x.gatewayTransactionId].join(' ');
      check(record.startsWith('paid **** 1111 12345678 '), `the payment record is "${record}", expected paid **** 1111 12345678`);
    } finally {
      if (debugLogged) freeswitchLogLevel('warning');
    }

    // The leak scan over what the payment call left: database, engine log, this run's FreeSWITCH and drachtio logs, API, metrics.
    const logs = ['--log', options.engineLog, '--log', options.pay360.logFile];
    if (fsLog && existsSync(fsLog)) logs.push('--log', sliceLog(fsLog, fsFrom, join(workDir, 'freeswitch.log')));
    if (drachtioLog && existsSync(drachtioLog)) logs.push('--log', sliceLog(drachtioLog, drachtioFrom, join(workDir, 'drachtio.log')));
    const databaseUrl = /postgres:\/\/\S+/.exec(readFileSync(options.engineLog, 'utf8'))?.[0] ?? '';
    const dtmfSeen = existsSync(join(workDir, 'freeswitch.log')) ? (readFileSync(join(workDir, 'freeswitch.log'), 'utf8').match(/RECV DTMF/g) ?? []).length : 0;
    const scan = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/leak-scan.ts', '--database-url', databaseUrl, ...logs, '--api', engineUrl, '--token', token, '--security-code', '737'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    writeFileSync(join(workDir, 'leak-scan.out'), `${scan.stdout}${scan.stderr}`);
    return {
      record,
      leakScan: { clean: scan.status === 0, report: `${scan.stdout}${scan.stderr}`.trim(), dtmfSeen },
    };
  } finally {
    setup.kill('SIGTERM');
  }
}
