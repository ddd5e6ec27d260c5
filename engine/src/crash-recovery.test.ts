/**
 * kill -9 the real engine process mid-call, start it again on the same data: the database opens cleanly,
 * the call's record says it ended abnormally (engine-lost), and everything else is intact.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { openDatabase } from './adapters/storage/postgres/database.js';
import { createScratchDatabase, testDatabases } from './adapters/storage/postgres/test-databases.js';
import { createAdmin, designerStandIn, exited, signIn as signInAs, startEngine } from './testing/engine-process.js';

const PASSWORD = 'crash test password';

const signIn = (url: string) => signInAs(url, 'admin', PASSWORD);

async function getJson<T>(url: string, cookie: string): Promise<T> {
  const response = await fetch(url, { headers: { cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

describe.each(testDatabases())('kill -9 mid-call ($name)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-crash-'));
  const designerDir = designerStandIn(dataDir);
  const running: ChildProcess[] = [];
  let env: Record<string, string> = { FRONTDOOR_DATA_DIR: dataDir, FRONTDOOR_DESIGNER_DIR: designerDir, FRONTDOOR_ENGINE_NAME: 'crash-test-engine' };
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
    await createAdmin(env, 'admin', PASSWORD);

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
