/**
 * The apps bench:sip puts calls through, each started fresh for its run and stopped after it: the bare
 * drachtio-srf + drachtio-fsmrf app (bench/sip/bare-app.ts), and frontdoor (bench/sip/frontdoor-app.ts)
 * on its embedded database or on a private PostgreSQL 15 server. Also the stack lock, so other users
 * of a shared stack can place their calls between runs.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');

export type AppKind = 'bare' | 'embedded' | 'postgres';

export const APP_NAMES: Record<AppKind, string> = {
  bare: 'bare drachtio-srf + fsmrf app',
  embedded: 'frontdoor, embedded database',
  postgres: 'frontdoor, PostgreSQL 15',
};

export interface StackEnv {
  drachtio: { host: string; port: number; secret: string };
  freeswitch: { host: string; port: number; secret: string };
  sipTarget: string;
  listenAddress: string;
  advertisedAddress: string;
  localIp: string;
}

export interface RunningApp {
  kind: AppKind;
  pid: number;
  /** Set once the process has exited (before stop() was asked for, that is a crash). */
  exited(): { code: number | null; signal: string | null } | undefined;
  /** frontdoor's GET /metrics (Prometheus text). */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const running = new Set<ChildProcess>();

/** Kills every app still running (the bench is ending abnormally: none may stay connected to drachtio). */
export function killApps(): void {
  for (const child of running) child.kill('SIGKILL');
}

function track(child: ChildProcess, kind: AppKind): RunningApp {
  let exit: { code: number | null; signal: string | null } | undefined;
  running.add(child);
  const exited = new Promise<void>((done) =>
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      running.delete(child);
      done();
    }),
  );
  return {
    kind,
    pid: child.pid!,
    exited: () => exit,
    async stop() {
      if (exit) return;
      child.kill('SIGINT');
      const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export interface StartOptions {
  stack: StackEnv;
  did: string;
  logFile: string;
  /** frontdoor on PostgreSQL: the server's URL (one database for the whole bench, as in production). */
  postgresUrl?: string;
  /** Where the app writes the CPU profile of the measured part of its run (SIGUSR2 starts and stops it; profiling.ts). */
  cpuProfile?: string;
  /** frontdoor: admission settings in place of the shipped defaults (telephony.admission), for "what if" runs. */
  admission?: Record<string, number>;
}

/** Starts one app and resolves once it is connected to drachtio and FreeSWITCH. */
export async function startApp(kind: AppKind, options: StartOptions): Promise<RunningApp> {
  const { stack } = options;
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DRACHTIO_HOST: stack.drachtio.host,
    DRACHTIO_PORT: String(stack.drachtio.port),
    DRACHTIO_SECRET: stack.drachtio.secret,
    FREESWITCH_HOST: stack.freeswitch.host,
    FREESWITCH_PORT: String(stack.freeswitch.port),
    FREESWITCH_SECRET: stack.freeswitch.secret,
    FRONTDOOR_LISTEN_ADDRESS: stack.listenAddress,
    FRONTDOOR_ADVERTISED_ADDRESS: stack.advertisedAddress,
  };
  delete env.DATABASE_URL;
  if (options.cpuProfile) env.BENCH_CPU_PROFILE = options.cpuProfile;
  const flags = ['--import', 'tsx'];
  if (kind === 'bare') {
    const child = spawn(process.execPath, [...flags, join(repo, 'bench/sip/bare-app.ts')], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.pipe(log);
    const app = track(child, kind);
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error('the bare app did not connect within 60 s')), 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        log.write(chunk);
        if (chunk.toString().includes('ready')) {
          clearTimeout(timer);
          ready();
        }
      });
      child.on('exit', () => fail(new Error(`the bare app exited while starting; see ${options.logFile}`)));
    });
    return app;
  }

  const work = mkdtempSync(join(tmpdir(), 'frontdoor-bench-'));
  const httpPort = await freePort();
  const config = {
    // The API only: the designer (built with Vite on a first start) plays no part in a call.
    http: { host: '127.0.0.1', port: httpPort, designerDir: work },
    database: { dataDir: join(work, 'data') },
    telephony: {
      drachtio: stack.drachtio,
      mediaServers: [
        {
          name: 'fs-under-test',
          host: stack.freeswitch.host,
          eventSocketPort: stack.freeswitch.port,
          secret: stack.freeswitch.secret,
          listenAddress: stack.listenAddress,
          listenPort: 0,
          advertisedAddress: stack.advertisedAddress,
        },
      ],
      trunks: [{ name: 'bench-trunk', outbound: { host: 'trunk.example' } }],
      ...(options.admission ? { admission: options.admission } : {}),
    },
  };
  writeFileSync(join(work, 'frontdoor.json'), JSON.stringify(config, null, 2));
  env.FRONTDOOR_CONFIG = join(work, 'frontdoor.json');
  env.BENCH_DID = options.did;
  if (kind === 'postgres') {
    if (!options.postgresUrl) throw new Error('frontdoor on PostgreSQL needs a server');
    env.DATABASE_URL = options.postgresUrl;
  }
  const child = spawn(process.execPath, [...flags, join(repo, 'bench/sip/frontdoor-app.ts')], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const app = track(child, kind);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (app.exited()) throw new Error(`frontdoor exited while starting; see ${options.logFile}`);
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`frontdoor did not connect to drachtio and FreeSWITCH within 120 s; see ${options.logFile}`);
    }
    try {
      const health = (await (await fetch(`http://127.0.0.1:${httpPort}/api/health`)).json()) as {
        telephony?: { drachtio?: string; mediaServers?: { state: string }[] };
      };
      const t = health.telephony;
      if (t?.drachtio === 'connected' && t.mediaServers?.some((m) => m.state === 'connected')) break;
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  return {
    ...app,
    metricsUrl: `http://127.0.0.1:${httpPort}/metrics`,
    async stop() {
      await app.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A private PostgreSQL 15 server for the bench (default settings: fsync on, as in production), or undefined where it cannot run. */
export async function startBenchPostgres(): Promise<{ url: string; stop(): void } | undefined> {
  if (!existsSync(join(PG_BIN, 'initdb'))) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'frontdoor-bench-pg-'));
  const asPostgres = userInfo().uid === 0;
  if (asPostgres) {
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  }
  const run = (binary: string, args: string[]) => {
    const command = [join(PG_BIN, binary), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    if (asPostgres) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'pipe' });
    else execFileSync(join(PG_BIN, binary), args, { stdio: 'pipe' });
  };
  const port = await freePort();
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c max_connections=200`, 'start']);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Holds `lockFile` (flock(1)) until the returned function is called: one user of a shared stack at a
 * time. The lock is held by a `flock … cat` child, so nothing this process starts inherits it.
 */
export async function holdStackLock(lockFile: string | undefined): Promise<() => void> {
  if (!lockFile) return () => undefined;
  mkdirSync(join(lockFile, '..'), { recursive: true });
  const holder = spawn('flock', [lockFile, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((locked, fail) => {
    holder.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && locked());
    holder.on('exit', (code) => fail(new Error(`flock ${lockFile} exited (${code})`)));
  });
  return () => holder.stdin!.end();
}
