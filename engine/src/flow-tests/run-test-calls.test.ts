import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../core/flow/parse-flow.js';
import { callsFileSchema } from './calls-file.js';
import { runTestCall, runTestCalls } from './run-test-calls.js';
import { flowsInFolder } from './flow-files.js';

const folder = new URL('./fixtures/', import.meta.url);
const flow = parseFlow(JSON.parse(readFileSync(new URL('council-line.flow.json', folder), 'utf8'))).flow!;
const flows = flowsInFolder(folder.pathname);
const call = (expect: object, caller: object[] = [{ press: '0' }]) => callsFileSchema.parse({ calls: [{ name: 'c', caller, expect }] }).calls[0]!;

describe('scripted test calls', () => {
  it('pass when every expectation holds, and report the path, outcome and edges travelled', async () => {
    const result = await runTestCall(flow, call({ path: ['welcome', 'menu', 'person'], visits: ['menu'], endsAt: 'person', hears: ['Welcome', 'press 0'], outcome: 'transferred' }));
    expect(result).toMatchObject({ passed: true, failures: [], path: ['welcome', 'menu', 'person'], outcome: 'transferred', edges: ['welcome-menu', 'menu-0'] });
  });

  it('say exactly which expectation failed and what happened instead', async () => {
    const result = await runTestCall(
      flow,
      call({ path: ['welcome', 'person'], visits: ['menu', 'highways'], endsAt: 'goodbye', hears: ['Goodbye'], vars: { agentId: 'x' }, outcome: 'completed' }),
    );
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      'path: expected welcome → person but was welcome → menu → person',
      'visits: expected to reach "highways" after menu; path was welcome → menu → person',
      'endsAt: expected "goodbye" but the call ended at "person"',
      'outcome: expected "completed" but was "transferred"',
      expect.stringMatching(/^hears: expected "Goodbye"; heard: "Welcome to Anyshire County Council\.", "For highways/),
      'vars.agentId: expected "x" but was undefined',
    ]);
  });

  it('give the same events for the same script, and measure edge coverage over the file', async () => {
    const first = await runTestCall(flow, call({}, [{ press: '1' }, { wait: 12 }, { hangup: true }]));
    const second = await runTestCall(flow, call({}, [{ press: '1' }, { wait: 12 }, { hangup: true }]));
    expect(second.events).toEqual(first.events);
    const file = callsFileSchema.parse({ calls: [{ name: 'a', caller: [{ press: '0' }] }, { name: 'b', caller: [{ press: '0' }], world: { destinations: { '+441632960000': 'busy' } } }] });
    const report = await runTestCalls(flow, file, { flows });
    expect(report.coverage).toEqual({
      traversed: ['welcome-menu', 'menu-0', 'person-busy'],
      total: 15,
      untraversed: flow.edges.map((e) => e.id).filter((id) => !['welcome-menu', 'menu-0', 'person-busy'].includes(id)),
    });
  });

  it('run subflows from the flows given, counting only the tested flow’s edges', async () => {
    const paying = callsFileSchema.parse({ calls: [{ name: 'c', world: { payments: 'paid' }, caller: [{ press: '2' }, { press: '123456#' }], expect: { outcome: 'paid' } }] }).calls[0]!;
    const result = await runTestCall(flow, paying, { flows });
    expect(result.passed).toBe(true);
    expect(result.path).toEqual(['welcome', 'menu', 'pay', 'thanks']);
    expect(result.edges).toEqual(['welcome-menu', 'menu-2', 'pay-paid']);
  });

  // Issue 9: tests/run kept a core busy with ~20,000 calls after the client had gone.
  it('stop when asked: the call in progress hangs up and no further call starts', async () => {
    const file = callsFileSchema.parse({ calls: Array.from({ length: 300 }, (_, i) => ({ name: `c${i}`, caller: [{ press: '0' }] })) });
    const stop = new AbortController();
    let finished = 0;
    const run = runTestCalls(flow, file, {
      flows,
      signal: stop.signal,
      onResult: () => {
        if (++finished === 3) stop.abort(new DOMException('the client went away', 'AbortError'));
      },
    });
    await expect(run).rejects.toThrow('the client went away');
    expect(finished).toBe(3);
  });

  it('refuse more calls, or caller actions, than a flow’s tests need', () => {
    const many = callsFileSchema.safeParse({ calls: Array.from({ length: 501 }, (_, i) => ({ name: `c${i}` })) });
    expect(many.error?.issues[0]).toMatchObject({ path: ['calls'], message: 'at most 500 test calls per flow' });
    const chatty = callsFileSchema.safeParse({ calls: [{ name: 'c', caller: Array(501).fill({ press: '1' }) }] });
    expect(chatty.error?.issues[0]?.path).toEqual(['calls', 0, 'caller']);
  });
});
