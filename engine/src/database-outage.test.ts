/**
 * Issue 9: PostgreSQL stopped during concurrent writes and the engine exited ("Unhandled 'error' event …
 * 57P01": a pooled connection held in a transaction had no error listener), and after a restart an engine
 * no longer heard other engines' publishes. Two real engine processes share a private PostgreSQL 15
 * server of this test's own (the suite's shared server is not touched); it is stopped in the middle of a
 * burst of writes and started again.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { canRunPrivatePostgres, startPrivatePostgres, type PrivatePostgres } from '../../scripts/test-postgres.js';
import { alive, createAdmin, designerStandIn, signIn, startEngine, type EngineProcess } from './testing/engine-process.js';

const PASSWORD = 'outage test passphrase';
const WRITERS = 24;

interface Write {
  id: string;
  status: number;
  retryAfter: string | null;
  /** Set when the request itself failed (the engine stopped answering). */
  failed?: string;
}

/** A small flow with a unique id: creating it writes the flow row and its audit row in one transaction. */
const flowNamed = (id: string) => ({
  schemaVersion: 1,
  id,
  name: `Outage ${id}`,
  entry: 'bye',
  nodes: [{ id: 'bye', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Goodbye.' } }, reason: 'done' } }],
  edges: [],
});

describe.runIf(canRunPrivatePostgres())('PostgreSQL stops during a burst of writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontdoor-outage-'));
  const running: ChildProcess[] = [];
  let server: PrivatePostgres | undefined;

  afterAll(() => {
    for (const child of running) if (alive(child)) child.kill('SIGKILL');
    server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never takes the engine down: writes get 503 + Retry-After, nothing is half-written, and publications arrive after the restart', async () => {
    server = await startPrivatePostgres();
    const envFor = (name: string): Record<string, string> => ({
      DATABASE_URL: server!.url,
      FRONTDOOR_DATA_DIR: join(dir, name),
      FRONTDOOR_DESIGNER_DIR: designerStandIn(join(dir, name)),
      FRONTDOOR_ENGINE_NAME: `outage-${name}`,
    });
    await createAdmin(envFor('a'), 'admin', PASSWORD);
    const engines: EngineProcess[] = [];
    for (const name of ['a', 'b']) {
      const engine = await startEngine(envFor(name));
      running.push(engine.process);
      engines.push(engine);
    }
    const [a, b] = engines as [EngineProcess, EngineProcess];
    const cookieA = await signIn(a.url, 'admin', PASSWORD);

    // The designer page, too, carries the security headers (and no X-Powered-By).
    const page = await fetch(`${a.url}/flows`);
    expect(page.headers.get('x-powered-by')).toBeNull();
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    // A burst of concurrent writers against engine A, each creating flows one after another.
    const writes: Write[] = [];
    let stopWriting = false;
    let counter = 0;
    const writer = async () => {
      while (!stopWriting) {
        const id = `outage-${++counter}`;
        try {
          const response = await fetch(`${a.url}/api/flows`, {
            method: 'POST',
            headers: { cookie: cookieA, origin: a.url, 'content-type': 'application/json' },
            body: JSON.stringify(flowNamed(id)),
          });
          await response.arrayBuffer();
          writes.push({ id, status: response.status, retryAfter: response.headers.get('retry-after') });
        } catch (error) {
          writes.push({ id, status: 0, retryAfter: null, failed: (error as Error).message });
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };
    const burst = Promise.all(Array.from({ length: WRITERS }, writer));
    await vi.waitFor(() => expect(writes.filter((w) => w.status === 201).length).toBeGreaterThan(40), { timeout: 60_000, interval: 50 });

    // Stop PostgreSQL under the writers (sessions end with 57P01, as an administrator's stop does).
    server.stop('fast');
    const outageStarted = writes.length;
    await vi.waitFor(() => expect(writes.slice(outageStarted).filter((w) => w.status === 503).length).toBeGreaterThan(WRITERS), {
      timeout: 30_000,
      interval: 50,
    });
    expect(alive(a.process)).toBe(true);
    expect(alive(b.process)).toBe(true);
    const health = await fetch(`${a.url}/api/health`);
    expect(health.status).toBe(503);

    server.start();
    await vi.waitFor(async () => expect((await fetch(`${a.url}/api/health`)).status).toBe(200), { timeout: 30_000, interval: 200 });
    await vi.waitFor(() => expect(writes.slice(-WRITERS).every((w) => w.status === 201)).toBe(true), { timeout: 30_000, interval: 100 });
    stopWriting = true;
    await burst;

    // The engines never exited, and nobody got a 500 or a dropped connection.
    expect(alive(a.process)).toBe(true);
    expect(alive(b.process)).toBe(true);
    expect(writes.filter((w) => w.status !== 201 && w.status !== 503)).toEqual([]);
    const refused = writes.filter((w) => w.status === 503);
    expect(refused.length).toBeGreaterThan(WRITERS);
    expect(refused.every((w) => Number(w.retryAfter) > 0)).toBe(true);
    expect(a.output()).not.toMatch(/Unhandled 'error' event|uncaughtException|unhandledRejection/);

    // Nothing half-written: every flow row has its audit row and every audit row its flow (one transaction
    // each); everything answered 201 is there. (A 503 may still have committed if the server stopped
    // between its COMMIT and the reply: then both rows are there, which is whole, not half.)
    const check = new pg.Client({ connectionString: server.url });
    await check.connect();
    try {
      const { rows: flows } = await check.query<{ id: string }>(`SELECT id FROM flows WHERE id LIKE 'outage-%'`);
      const { rows: audited } = await check.query<{ id: string }>(
        `SELECT entity_id AS id FROM audit_log WHERE entity_type = 'flow' AND action = 'flow.create' AND entity_id LIKE 'outage-%'`,
      );
      const stored = new Set(flows.map((r) => r.id));
      expect(new Set(audited.map((r) => r.id))).toEqual(stored);
      for (const write of writes.filter((w) => w.status === 201)) expect(stored.has(write.id), write.id).toBe(true);
    } finally {
      await check.end();
    }

    // B publishes after the restart; A, whose LISTEN connection was cut, hears it.
    const cookieB = await signIn(b.url, 'admin', PASSWORD);
    const publish = await fetch(`${b.url}/api/flows/outage-1/publish`, {
      method: 'POST',
      headers: { cookie: cookieB, origin: b.url, 'content-type': 'application/json' },
      body: JSON.stringify({ revision: 1 }),
    });
    expect(publish.status).toBe(201);
    await vi.waitFor(() => expect(a.output()).toContain('flow outage-1: version 1 is now published'), { timeout: 30_000, interval: 200 });
    expect(a.output()).toContain('publication listener: listening again');
  }, 240_000);
});
