import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseFlow } from '../flow/parse-flow.js';
import { flowOf, say } from '../runtime/test-support.js';
import { CALLER_HUNG_UP_STATE, ENDED_STATE, FALLBACK_STATE, compileFlow, stateKey } from './compile-flow.js';

const fixture = (name: string) => {
  const parsed = parseFlow(JSON.parse(readFileSync(new URL(`../../flow-tests/fixtures/${name}`, import.meta.url), 'utf8')));
  if (!parsed.flow) throw new Error(`fixture ${name} does not parse`);
  return parsed.flow;
};

describe('compileFlow', () => {
  const flow = fixture('council-line.flow.json');
  const config = compileFlow(flow);

  it('is plain data: it survives JSON.stringify unchanged', () => {
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  it('matches the reviewed snapshot', async () => {
    await expect(JSON.stringify(config, null, 2)).toMatchFileSnapshot('./__snapshots__/council-line.machine.json');
  });

  it('has one state per node invoking its kind@version, plus the fallback and the two endings', () => {
    expect(Object.keys(config.states)).toEqual([...flow.nodes.map((n) => n.id), FALLBACK_STATE, ENDED_STATE, CALLER_HUNG_UP_STATE]);
    expect(config.states.menu!.invoke).toMatchObject({ src: 'menu@2', input: { nodeId: 'menu' } });
    expect(config.states[ENDED_STATE]).toEqual({ type: 'final' });
  });

  it('guards each edge by outcome, as data, and sends unwired outcomes to the fallback', () => {
    const onDone = config.states.menu!.invoke!.onDone;
    expect(onDone).toContainEqual({ target: 'highways', guard: { type: 'outcome', params: { outcome: '1' } }, actions: [{ type: 'applyResult' }] });
    expect(onDone.at(-1)).toMatchObject({ target: FALLBACK_STATE });
    expect(config.states.menu!.invoke!.onError).toEqual([{ target: FALLBACK_STATE, actions: [{ type: 'logFault', params: { nodeId: 'menu' } }] }]);
  });

  it('follows an error edge for faults, and keeps node ids with dots usable as states', () => {
    const withDots = flowOf({
      schemaVersion: 1,
      id: 'dots',
      name: 'Dots',
      entry: 'lookup.account',
      nodes: [
        { id: 'lookup.account', kind: 'http', version: 1, params: { url: 'https://example.gov.uk/a' } },
        { id: 'end.ok', kind: 'hangup', version: 1, params: { prompt: say('Bye.') } },
      ],
      edges: ['ok', 'error', 'timeout'].map((outcome) => ({ id: outcome, from: 'lookup.account', outcome, to: 'end.ok' })),
    });
    const compiled = compileFlow(withDots);
    expect(compiled.initial).toBe(stateKey('lookup.account'));
    expect(compiled.initial).not.toContain('.');
    expect(compiled.states[stateKey('lookup.account')]!.invoke!.onError[0]!.target).toBe(stateKey('end.ok'));
  });
});
