import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from './adapters/storage/postgres/test-databases.js';
import { seedExamples, seedQueues } from './seed-examples.js';

const FLOWS = resolve(import.meta.dirname, '../../flows');

describe.each(testDatabases())('example flows on first start ($name)', (backend) => {
  const store = withTestStore(backend);
  const dir = mkdtempSync(join(tmpdir(), 'frontdoor-seed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes the valid ones with their test calls and numbers, keeps a broken one as a draft, skips what is not a flow, and runs once', async () => {
    cpSync(join(FLOWS, 'main-line.flow.json'), join(dir, 'main-line.flow.json'));
    cpSync(join(FLOWS, 'main-line.calls.json'), join(dir, 'main-line.calls.json'));
    writeFileSync(join(dir, 'not-json.flow.json'), '{ nope');
    writeFileSync(
      join(dir, 'broken.flow.json'),
      JSON.stringify({ schemaVersion: 1, id: 'broken', name: 'Broken', entry: 'missing-node', nodes: [], edges: [] }),
    );
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };

    expect(await seedExamples(store(), dir, logger)).toEqual({ published: ['main-line'] });
    expect(warnings.some((w) => w.startsWith('example flow not-json.flow.json skipped: not JSON'))).toBe(true);
    expect(warnings.some((w) => w.startsWith('example flow broken.flow.json loaded as a draft, not published'))).toBe(true);

    const flows = await store().flows.list();
    expect(flows.map((f) => [f.id, f.publishedVersion])).toEqual([
      ['broken', undefined],
      ['main-line', 1],
    ]);
    expect((await store().flows.versions('main-line'))[0]).toMatchObject({ author: 'system:seed', note: 'example flow from flows/main-line.flow.json' });
    const testCalls = await store().flows.testCalls('main-line');
    expect(testCalls).not.toHaveProperty('flow');
    expect(Array.isArray(testCalls?.calls)).toBe(true);
    // Only numbers whose flow was published.
    expect((await store().numbers.list()).map((n) => [n.did, n.flowId])).toEqual([
      ['*', 'main-line'],
      ['+441234500000', 'main-line'],
    ]);
    expect(await store().numbers.route('+441234500002')).toMatchObject({ kind: 'flow', did: '*', flow: { flowId: 'main-line' } });

    // Never again once the database has had flows, even if they were all deleted.
    await store().numbers.delete('*', 'alice');
    await store().numbers.delete('+441234500000', 'alice');
    await store().flows.delete('main-line', 'alice');
    await store().flows.delete('broken', 'alice');
    expect(await seedExamples(store(), dir, logger)).toEqual({ published: [] });
    expect(await store().flows.list()).toEqual([]);
  });

  it('sets up the example queues and their opening hours once, and says what is wrong with a broken queues file', async () => {
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
    const broken = mkdtempSync(join(tmpdir(), 'frontdoor-seed-queues-'));
    try {
      writeFileSync(join(broken, 'queues.json'), JSON.stringify({ queues: [{ id: 'q', name: 'Q', scheduleId: 'nowhere', settings: { maxWaitSeconds: 1 } }] }));
      expect(await seedQueues(store(), broken, logger)).toEqual({ queues: [] });
      expect(warnings.join('\n')).toMatch(/queues\.0\.settings\.maxWaitSeconds: .*; queues\.0\.scheduleId: no schedule "nowhere" in this file/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
    const { queues } = await seedQueues(store(), FLOWS, logger);
    expect(queues).toEqual(['highways', 'blue-badge', 'adult-social-care', 'safeguarding', 'customer-services', 'payments']);
    expect(await store().queues.get('highways')).toMatchObject({ serviceLine: 'Highways', scheduleId: 'council-hours', settings: { callback: { enabled: true } } });
    expect((await store().schedules.get('council-hours'))?.timezone).toBe('Europe/London');
    await store().queues.delete('payments', 'alice');
    expect(await seedQueues(store(), FLOWS, logger)).toEqual({ queues: [] });
    expect(await store().queues.get('payments')).toBeUndefined();
  });
});
