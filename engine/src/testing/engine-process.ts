/**
 * The real engine as a child process (`node bin/frontdoor.js start`), for tests that kill it, cut its
 * database or run two side by side: the crash-recovery and database-outage tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { runAdminCommand } from '../cli/admin-command.js';

const REPO = resolve(import.meta.dirname, '../../..');

export interface EngineProcess {
  process: ChildProcess;
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

/** `node bin/frontdoor.js start` on a free port; resolves once it prints its URL. */
export function startEngine(env: Record<string, string>): Promise<EngineProcess> {
  const child = spawn(process.execPath, [join(REPO, 'bin/frontdoor.js'), 'start'], {
    cwd: REPO,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', FRONTDOOR_ENGINE_NAME: 'test-engine-process', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /frontdoor is running at (http:\/\/\S+)/.exec(output);
      if (match) resolvePromise({ process: child, url: match[1]!, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the engine exited (${code}) before it was running:\n${output}`)));
  });
}

/** How a child process ended (at once if it already has). */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
}

/** True while the process has neither exited nor been killed. */
export const alive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/** A stand-in for the built designer in `dir`, so an engine neither builds nor needs designer/dist. */
export function designerStandIn(dir: string): string {
  const designerDir = join(dir, 'designer');
  mkdirSync(designerDir, { recursive: true });
  writeFileSync(join(designerDir, 'index.html'), '<!doctype html><title>frontdoor designer</title>');
  return designerDir;
}

/** `frontdoor admin create` for the engine's database (env: DATABASE_URL or FRONTDOOR_DATA_DIR). */
export async function createAdmin(env: Record<string, string>, username: string, password: string): Promise<void> {
  const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
  const code = await runAdminCommand(['create', '--username', username, '--password-stdin'], { ...quiet, stdin: Readable.from([password]) }, env);
  if (code !== 0) throw new Error(`frontdoor admin create ${username} failed (${code})`);
}

/** Signs in through the API; the session cookie (name=value) to send with later requests. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`could not sign in as ${username}: ${response.status} ${await response.text()}`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}
