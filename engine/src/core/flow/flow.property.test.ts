import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeDefinition } from '../catalogue.js';
import { compileFlow } from '../compile/compile-flow.js';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { parseFlow } from './parse-flow.js';
import type { FlowInput } from './schema.js';
import { smallFlow } from './test-flows.js';
import { validateFlow } from './validate-flow.js';

/**
 * parseFlow then (when it gave a flow) validateFlow: what the CLI, API and designer show. Every flow
 * that parses is also compiled, which must not throw either, and gives plain serialisable data.
 */
function diagnose(json: unknown): Diagnostic[] {
  const parsed = parseFlow(json);
  if (!parsed.flow) return parsed.diagnostics;
  const config = compileFlow(parsed.flow);
  expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  return [...parsed.diagnostics, ...validateFlow(parsed.flow)];
}

const RUNS = { numRuns: 150 };
const clone = <T>(value: T): T => structuredClone(value);
const say = (text: string) => ({ text: { 'en-GB': text } });

/** Node kinds the random flows are built from, with params that parse. */
const KINDS = {
  play: () => ({ prompt: say('Hello') }),
  menu: () => ({ prompt: say('Press 1 or 2'), options: [{ digit: '1', label: 'One' }, { digit: '2', label: 'Two' }] }),
  hangup: () => ({}),
  set: () => ({ assignments: [{ variable: 'x', value: 1 }] }),
  condition: () => ({ rules: [{ outcome: 'big', comparisons: [{ var: 'x', op: 'gt', value: 5 }] }] }),
  queue: () => ({ queueId: 'general' }),
} as const;
type Kind = keyof typeof KINDS;

/** Random flows: some valid, many not (missing entry, dangling edges, unwired exits, loops). */
const randomFlow = fc
  .record({
    kinds: fc.array(fc.constantFrom(...(Object.keys(KINDS) as Kind[])), { minLength: 1, maxLength: 7 }),
    entryMissing: fc.boolean(),
    seed: fc.array(fc.nat({ max: 99 }), { minLength: 64, maxLength: 64 }),
  })
  .map(({ kinds, entryMissing, seed }) => {
    let s = 0;
    const pick = () => seed[s++ % seed.length]!;
    const nodes = kinds.map((kind, i) => ({ id: `n${i}`, kind, version: 1, params: KINDS[kind]() }));
    const edges: FlowInput['edges'] = [];
    for (const node of nodes) {
      const definition = nodeDefinition(node.kind, 1)!;
      for (const { name } of definition.outcomes(definition.params.parse(node.params))) {
        const roll = pick();
        if (roll < 10) continue; // left unwired
        const to = roll < 14 ? 'ghost' : `n${pick() % nodes.length}`;
        edges.push({ id: `e${edges.length}`, from: node.id, outcome: name, to });
      }
    }
    return { schemaVersion: 1, id: 'random', name: 'Random', entry: entryMissing ? 'nowhere' : 'n0', nodes, edges } satisfies FlowInput;
  });

/** Problems a flow certainly has, judged without the validator: each must give an error. */
function certainProblems(flow: FlowInput): string[] {
  const ids = new Set(flow.nodes.map((n) => n.id));
  const problems: string[] = [];
  if (!ids.has(flow.entry)) problems.push('entry');
  for (const e of flow.edges) if (!ids.has(e.to) || !ids.has(e.from)) problems.push(`edge ${e.id}`);
  for (const node of flow.nodes) {
    const definition = nodeDefinition(node.kind, node.version)!;
    const params = definition.params.parse(node.params);
    const optional = definition.traits.optionalOutcomes?.(params) ?? [];
    for (const { name } of definition.outcomes(params)) {
      if (!optional.includes(name) && !flow.edges.some((e) => e.from === node.id && e.outcome === name)) problems.push(`${node.id} ${name}`);
    }
  }
  return problems;
}

describe('parse, validate and compile on random and broken input (property-based)', () => {
  it('never throw on any JSON value, and reject anything that is not a flow with an error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const diagnostics = diagnose(json);
        expect(hasErrors(diagnostics)).toBe(true);
      }),
      RUNS,
    );
  });

  it('never throw on flows with fields of the wrong type, and report each as an error', () => {
    const fields = ['schemaVersion', 'id', 'name', 'entry', 'nodes', 'edges', 'languages'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.object(), fc.constant(-1)), (field, value) => {
        const json: Record<string, unknown> = { ...clone(smallFlow()), [field]: value };
        expect(hasErrors(diagnose(json))).toBe(true);
      }),
      RUNS,
    );
  });

  it('give an error for every certainly-broken random flow, and never throw', () => {
    fc.assert(
      fc.property(randomFlow, (flow) => {
        const diagnostics = diagnose(flow);
        if (certainProblems(flow).length > 0) expect(hasErrors(diagnostics)).toBe(true);
        for (const d of diagnostics) expect(d.code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      }),
      RUNS,
    );
  });

  it('report a dropped node (its edges now dangle, or the entry is gone)', () => {
    const base = smallFlow();
    fc.assert(
      fc.property(fc.nat({ max: base.nodes.length - 1 }), (index) => {
        const json = clone(base);
        json.nodes.splice(index, 1);
        expect(hasErrors(diagnose(json))).toBe(true);
      }),
    );
  });

  it('report an edge retargeted to a node that does not exist, naming the edge', () => {
    const base = smallFlow();
    fc.assert(
      fc.property(fc.nat({ max: base.edges.length - 1 }), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), (index, target) => {
        fc.pre(!base.nodes.some((n) => n.id === target));
        const json = clone(base);
        json.edges[index]!.to = target;
        const diagnostics = diagnose(json);
        expect(diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', code: 'edge-dangling', edgeId: json.edges[index]!.id }));
      }),
      RUNS,
    );
  });

  it('never throw when an edge is retargeted to any existing node or given any outcome', () => {
    const base = smallFlow();
    fc.assert(
      fc.property(
        fc.nat({ max: base.edges.length - 1 }),
        fc.nat({ max: base.nodes.length - 1 }),
        fc.option(fc.string({ minLength: 1, maxLength: 10 })),
        (index, node, outcome) => {
          const json = clone(base);
          json.edges[index]!.to = base.nodes[node]!.id;
          if (outcome !== null) json.edges[index]!.outcome = outcome;
          const diagnostics = diagnose(json);
          if (outcome !== null && !['1', '0', 'noInput', 'noMatch', 'timeout', 'full', 'closed', 'noAgents', 'busy', 'noAnswer', 'failed', 'answered', 'transferred'].includes(outcome)) {
            expect(hasErrors(diagnostics)).toBe(true);
          }
        },
      ),
      RUNS,
    );
  });

  it('report corrupted params (unknown keys, wrong types) on the node', () => {
    const base = smallFlow();
    fc.assert(
      fc.property(
        fc.nat({ max: base.nodes.length - 1 }),
        fc.constantFrom('prompt', 'options', 'queueId', 'destination', 'reason', 'bogus'),
        fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.integer(), { minLength: 1 }), fc.constant({ nonsense: true })),
        (index, key, value) => {
          const json = clone(base);
          const node = json.nodes[index]!;
          const params = node.params as Record<string, unknown>;
          const schema = nodeDefinition(node.kind, node.version)!.params;
          params[key] = value;
          fc.pre(!schema.safeParse(params).success);
          expect(diagnose(json)).toContainEqual(expect.objectContaining({ severity: 'error', code: 'param-invalid', nodeId: node.id }));
        },
      ),
      RUNS,
    );
  });

  const flowsDir = new URL('../../../../flows/', import.meta.url);
  const examples = readdirSync(flowsDir)
    .filter((name) => name.endsWith('.flow.json'))
    .map((name) => [name, JSON.parse(readFileSync(new URL(name, flowsDir), 'utf8')) as FlowInput] as const);

  it.each(examples)('find nothing wrong with the example %s', (_, json) => {
    expect(diagnose(json)).toEqual([]);
  });

  it('report the example flows with a node dropped or duplicated, or an edge pointed at nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.nat(), fc.constantFrom('drop', 'retarget', 'duplicate'), ([, base], pick, mutation) => {
        const json = clone(base);
        if (mutation === 'drop') json.nodes.splice(pick % json.nodes.length, 1);
        else if (mutation === 'retarget') json.edges[pick % json.edges.length]!.to = 'nowhere';
        else json.nodes.push(clone(json.nodes[pick % json.nodes.length]!));
        expect(hasErrors(diagnose(json))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
