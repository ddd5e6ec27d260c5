/**
 * sipp as a caller, or as the outbound trunk's far end, for test:sip: one run of a scenario in
 * test/sip/scenarios, its exit code and the error file sipp keeps, on ports that do not collide.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';

export const SCENARIOS = join(import.meta.dirname, '..', 'scenarios');

export interface SippRun {
  /** Resolves when sipp exits: passed when every call it was asked to make (or take) followed the scenario. */
  done: Promise<{ passed: boolean; code: number | null; errors: string; output: string }>;
  /** Stop it now (a far end nobody called). */
  kill(): void;
}

export interface SippOptions {
  /** A file in test/sip/scenarios, or an absolute path (a scenario written for this run). */
  scenario: string;
  /** host:port to send to (a UAC); omitted for a far end that only answers. */
  target?: string;
  /** The [service] (Request-URI user): the number dialled. */
  service?: string;
  localPort: number;
  mediaPort: number;
  /** Echo every RTP packet back to its sender. */
  echo?: boolean;
  calls?: number;
  /** Concurrent calls (-l) and calls per second (-r). */
  limit?: number;
  rate?: number;
  /** -d: how long a scenario's bare <pause/> lasts (ms). */
  pauseMs?: number;
  timeoutSeconds?: number;
  workDir: string;
}

export function runSipp(options: SippOptions): SippRun {
  const name = basename(options.scenario).replace(/\.xml$/, '');
  const errors = join(options.workDir, `${name}-${options.localPort}.errors.log`);
  const args = [
    ...(options.target ? [options.target] : []),
    '-sf', isAbsolute(options.scenario) ? options.scenario : join(SCENARIOS, options.scenario),
    '-i', '127.0.0.1',
    '-p', String(options.localPort),
    '-mp', String(options.mediaPort),
    '-m', String(options.calls ?? 1),
    '-timeout', `${options.timeoutSeconds ?? 180}s`, '-timeout_error',
    '-trace_err', '-error_file', errors,
    '-nostdin',
    ...(options.service ? ['-s', options.service] : []),
    ...(options.echo ? ['-rtp_echo'] : []),
    ...(options.limit ? ['-l', String(options.limit)] : []),
    ...(options.rate ? ['-r', String(options.rate)] : []),
    ...(options.pauseMs !== undefined ? ['-d', String(options.pauseMs)] : []),
  ];
  const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const done = new Promise<{ passed: boolean; code: number | null; errors: string; output: string }>((resolve) => {
    child.on('exit', (code) => {
      let text = '';
      try {
        text = readFileSync(errors, 'utf8');
      } catch {
        // no errors written
      }
      resolve({ passed: code === 0, code, errors: text.split('\n').slice(-20).join('\n'), output });
    });
  });
  return { done, kill: () => child.kill('SIGTERM') };
}
