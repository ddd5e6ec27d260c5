import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogue, knownVersions, latestDefinitions, nodeDefinition, upgradeNode } from './catalogue.js';

/** Every leaf property of a JSON schema, with its path. */
function properties(schema: Record<string, unknown>, path = ''): Array<{ path: string; schema: Record<string, unknown> }> {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(props).flatMap(([key, child]) => [{ path: `${path}${key}`, schema: child }]);
}

describe('node catalogue', () => {
  it('holds each kind@version once, with the kinds the issue asks for', () => {
    const keys = catalogue.map((d) => `${d.kind}@${d.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(latestDefinitions().map((d) => d.kind).sort()).toEqual(
      ['collect-digits', 'condition', 'hangup', 'http', 'language', 'menu', 'payment', 'play', 'queue', 'schedule', 'set', 'speech', 'subflow', 'transfer', 'voicemail'].sort(),
    );
    expect(nodeDefinition('menu', 1)?.kind).toBe('menu');
    expect(nodeDefinition('menu', 99)).toBeUndefined();
    expect(knownVersions('menu')).toEqual([1, 2]);
    expect(knownVersions('nope')).toEqual([]);
  });

  it.each(catalogue.map((d) => [d.kind, d] as const))('%s: the designer can build its form (JSON Schema, every field described)', (_, definition) => {
    const schema = z.toJSONSchema(definition.params, { io: 'input' }) as Record<string, unknown>;
    expect(schema.type).toBe('object');
    for (const { path, schema: field } of properties(schema)) {
      expect(field.description, `${definition.kind} param ${path} needs a description`).toEqual(expect.any(String));
    }
    for (const key of definition.ui.summary) expect(Object.keys(schema.properties as object)).toContain(key);
    expect(definition.ui.help.length).toBeGreaterThan(20);
  });

  it.each(catalogue.map((d) => [d.kind, d] as const))('%s: exits have unique names that edges can carry', (_, definition) => {
    // The smallest params each kind accepts, so outcomes() can be asked.
    const minimal: Record<string, unknown> = {
      play: { prompt: {} },
      menu: { prompt: {}, options: [{ digit: '1', label: 'One' }] },
      'collect-digits': { prompt: {} },
      speech: { prompt: {}, groups: [{ label: 'A', outcome: 'a', phrases: ['a'] }] },
      language: { mode: 'fixed', language: 'cy-GB' },
      condition: { rules: [{ outcome: 'yes', comparisons: [{ var: 'x', op: 'isTrue' }] }] },
      schedule: {},
      'schedule@2': { scheduleId: 'office' },
      set: { assignments: [{ variable: 'x', value: 1 }] },
      http: { url: 'https://example.gov.uk/' },
      subflow: { flowId: 'other', outcomes: ['done'] },
      queue: { queueId: 'q' },
      transfer: { destination: 'tel:+441632960000' },
      voicemail: { boxId: 'box' },
      payment: { amountPence: 100, referenceVariable: 'ref' },
      hangup: {},
    };
    const params = definition.params.parse(minimal[`${definition.kind}@${definition.version}`] ?? minimal[definition.kind]);
    const names = definition.outcomes(params).map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    for (const optional of definition.traits.optionalOutcomes?.(params) ?? []) expect(names).toContain(optional);
    if (names.length === 0) expect(definition.traits.ends).toBe('deliberate');
  });
});

describe('earlier versions', () => {
  it('upgrade step by step to the current params, and leave current, unknown and foreign nodes alone', () => {
    const v1 = { id: 'm', kind: 'menu', version: 1, params: { timeoutMs: 7500, options: [{ digit: '1', label: 'One' }] } };
    expect(upgradeNode(v1)).toEqual({ id: 'm', kind: 'menu', version: 2, params: { timeoutSeconds: 7.5, options: [{ digit: '1', label: 'One' }] } });
    const current = { ...v1, version: 2 };
    expect(upgradeNode(current)).toBe(current);
    const unknown = { ...v1, version: 9 };
    expect(upgradeNode(unknown)).toBe(unknown);
    // Something that is not a number is kept, under the new name, for the new field's check to report.
    expect(upgradeNode({ ...v1, params: { timeoutMs: 'soon' } }).params).toEqual({ timeoutSeconds: 'soon' });
  });

  it.each(catalogue.flatMap((d) => (d.earlier ?? []).map((e) => [`${d.kind}@${e.version}`, d, e.version] as const)))(
    '%s: is read by the current definition, and its upgrade never throws on odd params',
    (_, definition, version) => {
      expect(nodeDefinition(definition.kind, version)?.version).toBe(version);
      for (const odd of [{}, { groups: 'x', amountPence: 'x' }, { ringTimeoutMs: null }]) {
        expect(() => upgradeNode({ kind: definition.kind, version, params: odd })).not.toThrow();
      }
    },
  );

  it.each(latestDefinitions().filter((d) => d.ui.starter).map((d) => [d.kind, d] as const))('%s: a new node starts with exits', (_, definition) => {
    const starter = { ...definition.ui.starter };
    const outcomes = definition.outcomes(definition.params.safeParse(starter).data ?? (starter as never));
    expect(outcomes.length).toBeGreaterThan(2);
  });
});
