/**
 * Scripted test calls (flows/<name>.calls.json) on the simulator: each call runs on its own simulated
 * clock, so the same script always gives the same events and times. Reports per-call pass/fail with
 * the reasons, and which of the flow's edges the calls travelled (edge coverage).
 */
import type { CallEvent, VarValue } from '../ports/index.js';
import type { Flow } from '../core/flow/schema.js';
import { runScriptedCall } from '../adapters/telephony/simulator/scripted-call.js';
import { simulatedPortsFor } from '../testing/simulated-call-ports.js';
import { mergeWorlds, worldSchema } from '../adapters/telephony/simulator/world.js';
import type { CallsFile, Expectation, TestCall } from './calls-file.js';
import type { QueueDefinition } from '../testing/simulated-acd.js';

export interface TestCallResult {
  name: string;
  passed: boolean;
  /** One sentence per unmet expectation. */
  failures: string[];
  /** Node ids entered, in order. */
  path: string[];
  outcome: string;
  endedAt: string | undefined;
  heard: string[];
  vars: Record<string, VarValue>;
  events: CallEvent[];
  /** Ids of this flow's edges the call travelled. */
  edges: string[];
}

export interface TestCallsReport {
  results: TestCallResult[];
  coverage: { traversed: string[]; total: number; untraversed: string[] };
}

/** This flow's node ids in the order the call entered them (not a subflow's; `$fallback` included). */
export const pathOf = (events: readonly CallEvent[]): string[] =>
  events.filter((e) => e.type === 'node.entered' && e.nodeId !== undefined && !e.nodeId.includes('/')).map((e) => e.nodeId!);

/** The flow's edges a call's events show it travelling: a node's outcome (or fault) followed by the next node. */
export function edgesTravelled(flow: Flow, events: readonly CallEvent[]): string[] {
  const travelled: string[] = [];
  let from: string | undefined;
  let outcome: string | undefined;
  for (const event of events) {
    if (event.nodeId === undefined || event.nodeId.includes('/')) continue;
    if (event.type === 'node.outcome' && event.nodeId === from) outcome = String(event.data.outcome);
    else if (event.type === 'error' && event.nodeId === from && outcome === undefined) outcome = 'error';
    else if (event.type === 'node.entered') {
      const to = event.nodeId;
      const edge = flow.edges.find((e) => e.from === from && e.to === to && e.outcome === outcome);
      if (edge) travelled.push(edge.id);
      from = to;
      outcome = undefined;
    }
  }
  return travelled;
}

const isSubsequence = (wanted: readonly string[], seen: readonly string[]): number => {
  let i = 0;
  for (const id of seen) if (id === wanted[i]) i++;
  return i;
};

function check(expect: Expectation, result: Omit<TestCallResult, 'passed' | 'failures' | 'name' | 'edges'>): string[] {
  const failures: string[] = [];
  const show = (ids: readonly string[]) => (ids.length ? ids.join(' → ') : '(nothing)');
  if (expect.path && show(expect.path) !== show(result.path)) {
    failures.push(`path: expected ${show(expect.path)} but was ${show(result.path)}`);
  }
  if (expect.visits) {
    const matched = isSubsequence(expect.visits, result.path);
    if (matched < expect.visits.length) {
      failures.push(`visits: expected to reach "${expect.visits[matched]}" after ${show(expect.visits.slice(0, matched))}; path was ${show(result.path)}`);
    }
  }
  if (expect.endsAt !== undefined && expect.endsAt !== result.endedAt) {
    failures.push(`endsAt: expected "${expect.endsAt}" but the call ended at "${result.endedAt ?? '(no node)'}"`);
  }
  if (expect.outcome !== undefined && expect.outcome !== result.outcome) {
    failures.push(`outcome: expected "${expect.outcome}" but was "${result.outcome}"`);
  }
  if (expect.hears) {
    const transcript = result.heard.join('\n');
    let from = 0;
    for (const piece of expect.hears) {
      const at = transcript.indexOf(piece, from);
      if (at < 0) {
        failures.push(`hears: expected "${piece}"${from > 0 ? ' after what came before' : ''}; heard: ${result.heard.map((h) => `"${h}"`).join(', ') || '(nothing)'}`);
        break;
      }
      from = at + piece.length;
    }
  }
  for (const [name, value] of Object.entries(expect.vars ?? {})) {
    if (result.vars[name] !== value) failures.push(`vars.${name}: expected ${JSON.stringify(value)} but was ${JSON.stringify(result.vars[name])}`);
  }
  return failures;
}

export interface RunTestCallsOptions {
  /** Flows subflow nodes may run. */
  flows?: readonly Flow[];
  /** Stops the run: the call in progress hangs up and no further call starts (the client went away). */
  signal?: AbortSignal;
  /** Told of each call's result as it finishes. */
  onResult?: (result: TestCallResult) => void;
  /** The queues as the folder defines them (queues.json), before the world changes them. */
  queues?: ReadonlyMap<string, QueueDefinition>;
}

/** Run one scripted call through `flow`; `flows` are the flows its subflow nodes may run. */
export async function runTestCall(flow: Flow, call: TestCall, options: RunTestCallsOptions & { world?: CallsFile['world'] } = {}): Promise<TestCallResult> {
  const run = await runScriptedCall({
    ...(options.signal ? { signal: options.signal } : {}),
    flow,
    ports: simulatedPortsFor([flow, ...(options.flows ?? [])], undefined, options.queues),
    caller: call.caller,
    world: worldSchema.parse(mergeWorlds(options.world, call.world)),
    callId: `test-${call.name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40)}`,
    ...(call.at === undefined ? {} : { at: Date.parse(call.at) }),
    ...(call.from ? { from: call.from } : {}),
    ...(call.to ? { to: call.to } : {}),
    ...(call.vars ? { vars: call.vars } : {}),
  });
  const outcome = { path: pathOf(run.events), outcome: run.outcome, endedAt: run.endedAt, heard: run.call.heard.map((s) => s.text), vars: run.vars, events: run.events };
  const failures = check(call.expect, outcome);
  return { name: call.name, passed: failures.length === 0, failures, ...outcome, edges: edgesTravelled(flow, run.events) };
}

/**
 * Run every call of a calls file, one after another, and measure edge coverage. When `signal` aborts,
 * the call in progress hangs up and the run rejects with the signal's reason.
 */
export async function runTestCalls(flow: Flow, file: CallsFile, options: RunTestCallsOptions = {}): Promise<TestCallsReport> {
  const results: TestCallResult[] = [];
  for (const call of file.calls) {
    options.signal?.throwIfAborted();
    const result = await runTestCall(flow, call, { ...options, ...(file.world ? { world: file.world } : {}) });
    options.onResult?.(result);
    results.push(result);
  }
  options.signal?.throwIfAborted();
  const traversed = new Set(results.flatMap((r) => r.edges));
  const ordered = flow.edges.map((e) => e.id);
  return {
    results,
    coverage: { traversed: ordered.filter((id) => traversed.has(id)), total: ordered.length, untraversed: ordered.filter((id) => !traversed.has(id)) },
  };
}
