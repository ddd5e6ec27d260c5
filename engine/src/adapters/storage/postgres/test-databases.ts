/**
 * Test helper: run a test file against every database backend available.
 *
 *   describe.each(testDatabases())('store ($name)', (backend) => {
 *     const store = withTestStore(backend);   // a fresh, migrated database for this describe block
 *     it('…', async () => { await store().flows.list(); });
 *   });
 *
 * `embedded` always runs (a fresh PGlite in a temp dir); `postgres` runs when the vitest globalSetup
 * (scripts/test-postgres.ts) started the private PostgreSQL 15 server and exported FRONTDOOR_TEST_PG_URL
 * (a fresh database is created on it per describe block). The store has an engine instance registered
 * as TEST_ENGINE_INSTANCE_ID, for call records.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { Store } from '../../../ports/store.js';
import { openDatabase, type Database } from './database.js';
import { migrate } from './migrate.js';
import { createPostgresStore } from './postgres-store.js';

export type TestBackend = { name: 'embedded' } | { name: 'postgres'; serverUrl: string };

export const TEST_ENGINE_INSTANCE_ID = 'test-engine';

export function testDatabases(): TestBackend[] {
  const serverUrl = process.env.FRONTDOOR_TEST_PG_URL;
  return serverUrl ? [{ name: 'embedded' }, { name: 'postgres', serverUrl }] : [{ name: 'embedded' }];
}

/** A fresh migrated database for one test file (or describe block); the store is torn down afterwards. */
export async function openTestDatabase(backend: TestBackend): Promise<{ database: Database; dispose(): Promise<void> }> {
  if (backend.name === 'embedded') {
    const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-test-db-'));
    const database = await openDatabase({ dataDir, poolSize: 4 });
    return {
      database,
      async dispose() {
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const scratch = await createScratchDatabase(backend.serverUrl);
  const database = await openDatabase({ url: scratch.url, dataDir: tmpdir(), poolSize: 4 });
  return {
    database,
    async dispose() {
      await database.close();
      await scratch.drop();
    },
  };
}

/** A new, empty database on the PostgreSQL server at `serverUrl`, and a way to drop it. */
export async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `frontdoor_test_${randomUUID().replaceAll('-', '')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export function withTestStore(backend: TestBackend): () => Store {
  let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    opened = await openTestDatabase(backend);
    await migrate(opened.database.pool);
    store = await createPostgresStore(opened.database, { logger: { info: () => undefined, warn: () => undefined }, pollIntervalMs: 200 });
    await store.engineInstances.register({ id: TEST_ENGINE_INSTANCE_ID, name: 'test', host: 'test', pid: process.pid });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await opened?.dispose();
  }, 60_000);
  return () => {
    if (!store) throw new Error('withTestStore: the store is ready inside tests and hooks, not while the describe block is being defined');
    return store;
  };
}
