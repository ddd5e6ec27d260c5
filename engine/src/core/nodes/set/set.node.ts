import { z } from 'zod';
import type { VarValue } from '../../../ports/index.js';
import { renderTemplate } from '../../template.js';
import { variableName } from '../common-params.js';
import { defineNode } from '../define-node.js';

const assignment = z
  .strictObject({
    variable: variableName.describe('Variable to set'),
    value: z
      .union([z.string().max(2000), z.number(), z.boolean(), z.null()])
      .describe('A number, true/false, or text where {{variables}} are filled in'),
  })
  .describe('Assignment');

export const setNode = defineNode({
  kind: 'set',
  version: 1,
  params: z.strictObject({
    assignments: z.array(assignment).min(1).max(50).describe('Variables to set, in order (later ones see earlier ones)'),
  }),
  outcomes: () => [{ name: 'done', label: 'Done' }],
  ui: {
    label: 'Set variables',
    category: 'Data',
    icon: 'variable',
    help: 'Set call variables from values or {{templates}} of other variables.',
    summary: ['assignments'],
  },
  traits: {
    waitsForCaller: () => false,
    prompts: () => [],
    sets: (p) => p.assignments.map((a) => a.variable),
  },
  async run({ params, vars }) {
    const set: Record<string, VarValue> = {};
    for (const { variable, value } of params.assignments) {
      set[variable] = typeof value === 'string' ? renderTemplate(value, { ...vars, ...set }) : value;
    }
    return { outcome: 'done', set };
  },
});
