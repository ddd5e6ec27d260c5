/**
 * kill -9 the real engine process mid-call, start it again on the same data: the database opens cleanly,
 * the call's record says it ended abnormally (engine-lost), and everything else is intact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { openDatabase } from './adapters/storage/postgres/database.js';
import { createScratchDatabase, testDatabases } from './adapters/storage/postgres/test-databases.js';
import { runAdminCommand } from './cli/admin-command.js';

const REPO = resolve(import.meta.dirname, '../..');
const PASSWORD = 'crash test password';

interface Engine {
  process: ChildProcess;
  url: string;
  output: () => string;
}

/** `node bin/frontdoor.js start` on a free port; resolves once it prints its URL. */
function startEngine(env: Record<string, string>): Promise<Engine> {
  const child = spawn(process.execPath, [join(REPO, 'bin/frontdoor.js'), 'start'], {
    cwd: REPO,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', FRONTDOOR_ENGINE_NAME: 'crash-test-engine', ...env },
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

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
}

async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function getJson<T>(url: string, cookie: string): Promise<T> {
  const response = await fetch(url, { headers: { cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

describe.each(testDatabases())('kill -9 mid-call ($name)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-crash-'));
  // A stand-in for the built designer, so the engine neither builds nor needs designer/dist.
  const designerDir = join(dataDir, 'designer');
  mkdirSync(designerDir);
  writeFileSync(join(designerDir, 'index.html'), '<!doctype html><title>frontdoor designer</title>');
  const running: ChildProcess[] = [];
  let env: Record<string, string> = { FRONTDOOR_DATA_DIR: dataDir, FRONTDOOR_DESIGNER_DIR: designerDir };
  let dropDatabase: (() => Promise<void>) | undefined;

  afterAll(async () => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends the call as engine-lost on restart, with everything else intact', async () => {
    if (backend.name === 'postgres') {
      const scratch = await createScratchDatabase(backend.serverUrl);
      env = { ...env, DATABASE_URL: scratch.url };
      dropDatabase = scratch.drop;
    }
    const quietIo = { stdout: { write: () => true }, stderr: { write: () => true } };
    const { Readable } = await import('node:stream');
    expect(await runAdminCommand(['create', '--username', 'admin', '--password-stdin'], { ...quietIo, stdin: Readable.from([PASSWORD]) }, env)).toBe(0);

    // First run: the example flows are published on first start; place a test call on the main line.
    const first = await startEngine(env);
    running.push(first.process);
    const cookie = await signIn(first.url);
    const socket = new WebSocket(`${first.url.replace('http', 'ws')}/api/test-calls`, { headers: { cookie, origin: first.url } });
    const messages: { type: string; callId?: string }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as { type: string; callId?: string }));
    await new Promise<void>((done, fail) => {
      socket.once('open', () => done());
      socket.once('error', fail);
    });
    socket.send(JSON.stringify({ type: 'start', flowId: 'main-line' }));
    const callId = await vi.waitFor(
      () => {
        const started = messages.find((m) => m.type === 'started');
        expect(started?.callId).toBeDefined();
        return started!.callId!;
      },
      { timeout: 20_000, interval: 50 },
    );
    // The call is stored and in progress (events written) before the engine dies.
    await vi.waitFor(
      async () => {
        const call = await getJson<{ endedAt?: string }>(`${first.url}/api/calls/${callId}`, cookie);
        expect(call.endedAt).toBeUndefined();
        expect((await getJson<unknown[]>(`${first.url}/api/calls/${callId}/events`, cookie)).length).toBeGreaterThan(1);
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(messages.some((m) => m.type === 'ended')).toBe(false);

    first.process.kill('SIGKILL');
    expect(await exited(first.process)).toEqual({ code: null, signal: 'SIGKILL' });
    socket.terminate();

    // Second run on the same data: opens cleanly, ends the lost call, keeps everything else.
    const second = await startEngine(env);
    running.push(second.process);
    expect(second.output()).toContain(`ended 1 call(s) left open by an engine that stopped: ${callId}`);
    const cookie2 = await signIn(second.url);
    const call = await getJson<{ outcome?: string; endedAt?: string; startedAt: string; flowId: string }>(`${second.url}/api/calls/${callId}`, cookie2);
    expect(call.outcome).toBe('engine-lost');
    expect(Date.parse(call.endedAt!)).toBeGreaterThanOrEqual(Date.parse(call.startedAt));
    expect(call.flowId).toBe('main-line');
    expect((await getJson<unknown[]>(`${second.url}/api/calls/${callId}/events`, cookie2)).length).toBeGreaterThan(1);
    const flows = await getJson<{ id: string; publishedVersion: number }[]>(`${second.url}/api/flows`, cookie2);
    expect(flows.map((f) => [f.id, f.publishedVersion]).sort()).toEqual([
      ['main-line', 1],
      ['out-of-hours-emergency', 1],
      ['payments', 1],
    ]);
    expect((await getJson<{ did: string }[]>(`${second.url}/api/numbers`, cookie2)).map((n) => n.did)).toContain('+441234500000');
    expect(second.output()).not.toContain('loaded and published the example flows');
    // The designer at / and on its client-side routes.
    expect(await (await fetch(`${second.url}/flows/main-line`)).text()).toContain('<title>frontdoor designer</title>');

    second.process.kill('SIGTERM');
    expect(await exited(second.process)).toEqual({ code: 0, signal: null });

    // Every table reads back whole.
    const database = await openDatabase({ url: env.DATABASE_URL, dataDir, poolSize: 2 });
    try {
      const { rows: tables } = await database.pool.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      expect(tables.length).toBeGreaterThan(10);
      for (const { tablename } of tables) await database.pool.query(`SELECT * FROM "${tablename}"`);
      const { rows: instances } = await database.pool.query<{ stopped: boolean }>('SELECT stopped_at IS NOT NULL AS stopped FROM engine_instances');
      expect(instances).toEqual([{ stopped: true }, { stopped: true }]);
    } finally {
      await database.close();
    }
  }, 120_000);
});
