/**
 * Flow analytics against hand-worked values. Three calls on version 1 of a flow (menu → ask → bye):
 *   f1 (10 Mar): at the menu says nothing, presses 9 (not an option), then 1 — 20 s there; says "pothole" at ask (10 s); bye (2 s).
 *   f2 (10 Mar): presses 2 at once (6 s); at ask says nothing and hangs up 13 s after arriving.
 *   f3 (11 Mar): says nothing three times and leaves the menu by noInput after 30 s; bye (1 s).
 * A subflow's node (sub/x) belongs to the subflow and is left out.
 * Menu: 3 visits; exits 1, 2, noInput once each; 7 tries of which 4 silent (57.1 %) and 1 wrong key (14.3 %);
 * 56 s over 3 visits. Ask: 2 visits; 1 spoken answer and 1 silence (50 %); 1 hang-up; (10 + 13) / 2 s.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { seedBasics, seedCalls, seedEvents, type SeedEvent } from '../testing/report-seed.js';
import { flowAnalytics } from './flow-analytics.js';
import { rollUp } from './rollup.js';

const at = (s: string) => `2026-${s}Z`;
function call(id: string, events: Array<[string, string, string?, Record<string, unknown>?]>): SeedEvent[] {
  return events.map(([time, type, nodeId, data], i) => ({ callId: id, seq: i + 1, at: at(time), type, ...(nodeId ? { nodeId } : {}), ...(data ? { data } : {}) }));
}

describe.each(testDatabases())('flow analytics ($name)', (backend) => {
  const store = withTestStore(backend);

  const seeded = async () => {
    const sql = store().reportSql;
    if ((await sql.query('SELECT 1 FROM calls LIMIT 1')).length > 0) return sql;
    await seedBasics(sql, [], []);
    const draft = { schemaVersion: 1, id: 'main', name: 'Main line', entry: 'menu', nodes: [], edges: [] };
    const created = await store().flows.create({ draft }, 'system:test');
    if (created.kind !== 'created') throw new Error('flow not created');
    await store().flows.publish('main', 1, 'system:test', 'v1');
    await seedCalls(sql, [
      { id: 'f1', from: '+447700900101', flowId: 'main', flowVersion: 1, startedAt: at('03-10T10:00:00'), endedAt: at('03-10T10:00:33'), outcome: 'completed' },
      { id: 'f2', from: '+447700900102', flowId: 'main', flowVersion: 1, startedAt: at('03-10T11:00:00'), endedAt: at('03-10T11:00:20'), outcome: 'callerHungUp', endedAtNode: 'ask' },
      { id: 'f3', from: '+447700900103', flowId: 'main', flowVersion: 1, startedAt: at('03-11T10:00:00'), endedAt: at('03-11T10:00:32'), outcome: 'completed' },
    ]);
    await seedEvents(sql, [
      ...call('f1', [
        ['03-10T10:00:00', 'call.started'],
        ['03-10T10:00:01', 'node.entered', 'menu', { kind: 'menu' }],
        ['03-10T10:00:05', 'prompt.played', 'menu'],
        ['03-10T10:00:10', 'input.none', 'menu'],
        ['03-10T10:00:15', 'input.digits', 'menu', { digits: '9' }],
        ['03-10T10:00:20', 'input.digits', 'menu', { digits: '1' }],
        ['03-10T10:00:21', 'node.outcome', 'menu', { outcome: '1' }],
        ['03-10T10:00:21', 'node.entered', 'ask', { kind: 'speech' }],
        ['03-10T10:00:22', 'node.entered', 'sub/x', { kind: 'play' }],
        ['03-10T10:00:23', 'node.outcome', 'sub/x', { outcome: 'done' }],
        ['03-10T10:00:30', 'input.speech', 'ask', { transcript: 'pothole' }],
        ['03-10T10:00:31', 'node.outcome', 'ask', { outcome: 'pothole' }],
        ['03-10T10:00:31', 'node.entered', 'bye', { kind: 'hangup' }],
        ['03-10T10:00:33', 'node.outcome', 'bye', { outcome: 'hangup' }],
        ['03-10T10:00:33', 'call.ended', undefined, { outcome: 'completed' }],
      ]),
      ...call('f2', [
        ['03-10T11:00:00', 'call.started'],
        ['03-10T11:00:01', 'node.entered', 'menu', { kind: 'menu' }],
        ['03-10T11:00:06', 'input.digits', 'menu', { digits: '2' }],
        ['03-10T11:00:07', 'node.outcome', 'menu', { outcome: '2' }],
        ['03-10T11:00:07', 'node.entered', 'ask', { kind: 'speech' }],
        ['03-10T11:00:17', 'input.none', 'ask'],
        ['03-10T11:00:20', 'call.ended', undefined, { outcome: 'callerHungUp' }],
      ]),
      ...call('f3', [
        ['03-11T10:00:00', 'call.started'],
        ['03-11T10:00:01', 'node.entered', 'menu', { kind: 'menu' }],
        ['03-11T10:00:10', 'input.none', 'menu'],
        ['03-11T10:00:20', 'input.none', 'menu'],
        ['03-11T10:00:30', 'input.none', 'menu'],
        ['03-11T10:00:31', 'node.outcome', 'menu', { outcome: 'noInput' }],
        ['03-11T10:00:31', 'node.entered', 'bye', { kind: 'hangup' }],
        ['03-11T10:00:32', 'node.outcome', 'bye', { outcome: 'hangup' }],
        ['03-11T10:00:32', 'call.ended', undefined, { outcome: 'completed' }],
      ]),
    ]);
    return sql;
  };

  const check = async (sql: Awaited<ReturnType<typeof seeded>>) => {
    const result = await flowAnalytics(sql, { flowId: 'main', flowVersion: 1, fromDay: '2026-03-10', toDay: '2026-03-12' });
    expect(result.calls).toBe(3);
    const node = (id: string) => result.nodes.find((n) => n.nodeId === id);
    expect(result.nodes.map((n) => n.nodeId).sort()).toEqual(['ask', 'bye', 'menu']);
    expect(node('menu')).toEqual({
      nodeId: 'menu',
      visits: 3,
      exits: { '1': { taken: 1, calls: 1 }, '2': { taken: 1, calls: 1 }, noInput: { taken: 1, calls: 1 } },
      inputs: { noInput: 4, digits: 3, speech: 0, tries: 7 },
      noInputPercent: 57.1,
      noMatchPercent: 14.3,
      speechPercent: null,
      hangups: 0,
      averageSeconds: 56 / 3,
    });
    expect(node('ask')).toMatchObject({ visits: 2, hangups: 1, noInputPercent: 50, noMatchPercent: 0, speechPercent: 100, averageSeconds: 11.5 });
    expect(node('ask')!.exits).toEqual({ pothole: { taken: 1, calls: 1 } });
    expect(node('bye')).toMatchObject({ visits: 2, averageSeconds: 1.5 });
    const oneDay = await flowAnalytics(sql, { flowId: 'main', flowVersion: 1, fromDay: '2026-03-11', toDay: '2026-03-12' });
    expect(oneDay.calls).toBe(1);
    expect(oneDay.nodes.find((n) => n.nodeId === 'menu')).toMatchObject({ visits: 1, noInputPercent: 100 });
  };

  it('per node, from the event log', async () => {
    const sql = await seeded();
    await sql.query('DELETE FROM report_rollups');
    await sql.query('DELETE FROM report_flow_days');
    await check(sql);
  });

  it('the same with the 10th rolled up and the 11th still read from the event log', async () => {
    const sql = await seeded();
    const rolled = await rollUp(sql, new Date(at('03-11T12:00:00')));
    expect(rolled?.flows?.through.toISOString()).toBe(at('03-11T00:00:00.000'));
    await check(sql);
  });

  it('refuses days it cannot read', async () => {
    const sql = await seeded();
    await expect(flowAnalytics(sql, { flowId: 'main', flowVersion: 1, fromDay: '10/03/2026', toDay: '2026-03-12' })).rejects.toThrow(/YYYY-MM-DD/);
    await expect(flowAnalytics(sql, { flowId: 'main', flowVersion: 1, fromDay: '2026-03-12', toDay: '2026-03-10' })).rejects.toThrow(/before/);
  });
});
