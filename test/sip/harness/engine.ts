/**
 * Engine processes for test:sip: `node bin/frontdoor.js start` with a config written for the stack
 * under test (its own HTTP port; the embedded database, or a PostgreSQL several engines share), on a
 * clock moved by faketime when the main line would be closed; ready once drachtio and FreeSWITCH are
 * connected. Stopped politely, or killed with SIGKILL to play an engine dying.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FrontdoorConfigInput } from '../../../engine/src/config/config.js';
import { telephonyConfig, type PhoneAccount, type Stack } from './stack.js';

const ROOT = resolve(import.meta.dirname, '../../..');
/** The first admin's password on every engine this run starts (random: the password policy refuses guessable ones). */
export const ADMIN_PASSWORD = `Tsip-${randomBytes(12).toString('base64url')}`;

export interface EngineOptions {
  name: string;
  stack: Stack;
  workDir: string;
  httpPort: number;
  /** A PostgreSQL shared with other engines; without it the embedded database under workDir. */
  databaseUrl?: string;
  phones?: PhoneAccount[];
  trunkPort?: number;
  recordCalls?: boolean;
  /** Environment for libfaketime (moves the engine's clock), when the walks need another hour. */
  clockEnv?: Record<string, string>;
  /** Heartbeat and death settings short enough for a test to see an engine die. */
  heartbeatSeconds?: number;
  deadAfterSeconds?: number;
  /** More of the config file (e.g. `payments` for the fake Pay360). */
  extraConfig?: Partial<FrontdoorConfigInput>;
}

export class EngineProcess {
  readonly url: string;
  private cookie: string | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
    httpPort: number,
  ) {
    this.url = `http://127.0.0.1:${httpPort}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  static async start(options: EngineOptions): Promise<EngineProcess> {
    const dir = join(options.workDir, options.name);
    const config: FrontdoorConfigInput = {
      http: { host: '127.0.0.1', port: options.httpPort },
      database: options.databaseUrl ? { url: options.databaseUrl, dataDir: join(dir, 'data'), poolSize: 10 } : { dataDir: join(dir, 'data'), poolSize: 10 },
      engine: { name: options.name, heartbeatSeconds: options.heartbeatSeconds ?? 10, deadAfterSeconds: options.deadAfterSeconds ?? 60 },
      telephony: telephonyConfig(options.stack, {
        trunkPort: options.trunkPort ?? 5092,
        phones: options.phones ?? [],
        recordingsDir: join(options.workDir, 'recordings'),
        recordCalls: options.recordCalls ?? false,
      }),
      ...options.extraConfig,
    };
    const configFile = join(options.workDir, `${options.name}.json`);
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    const logFile = join(options.workDir, `${options.name}.log`);
    const log = createWriteStream(logFile);
    // node itself (not a shell), so that its pid is the engine's and a kill reaches it.
    const child = spawn(process.execPath, ['bin/frontdoor.js', 'start'], {
      cwd: ROOT,
      env: { ...process.env, ...options.clockEnv, FRONTDOOR_CONFIG: configFile, FRONTDOOR_ADMIN_PASSWORD: ADMIN_PASSWORD, METADATA_SERVER_DETECTION: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const engine = new EngineProcess(options.name, child, logFile, options.httpPort);
    await engine.waitReady(90_000);
    return engine;
  }

  /** Ready: drachtio connected and every media server connected. */
  async waitReady(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.exited) throw new Error(`engine ${this.name} exited while starting; see ${this.logFile}`);
      const health = await fetch(`${this.url}/api/health`).then((r) => r.json() as Promise<{ telephony?: { drachtio?: string; mediaServers?: { state: string }[] } }>).catch(() => undefined);
      const t = health?.telephony;
      if (t?.drachtio === 'connected' && t.mediaServers?.length && t.mediaServers.every((m) => m.state === 'connected')) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`engine ${this.name} did not connect to drachtio and FreeSWITCH within ${timeoutMs / 1000} s; see ${this.logFile}`);
  }

  /** An API call as the first admin (signed in once). */
  async api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    if (!this.cookie) {
      const login = await fetch(`${this.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: this.url },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
      if (login.status !== 200) throw new Error(`engine ${this.name}: signing in as admin failed (${login.status})`);
      this.cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    }
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { cookie: this.cookie!, origin: this.url, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : undefined) as T };
  }

  /** SIGTERM and wait (the engine ends its calls and marks itself stopped). */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  }

  /** kill -9: the engine dies with calls in hand. */
  async killHard(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGKILL');
    await gone;
  }
}
