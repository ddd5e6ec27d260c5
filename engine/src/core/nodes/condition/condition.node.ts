import { z } from 'zod';
import { comparisonSchema, holds } from '../../conditions.js';
import { duplicates, outcomeName } from '../common-params.js';
import { defineNode } from '../define-node.js';

const rule = z
  .strictObject({
    outcome: outcomeName.describe('Exit taken when this rule holds (the first that holds wins)'),
    label: z.string().max(60).optional().describe('Shown on the exit'),
    match: z.enum(['all', 'any']).default('all').describe('Whether all comparisons or any one must hold'),
    comparisons: z.array(comparisonSchema).min(1).max(20).describe('Comparisons of variables with values'),
  })
  .describe('Rule');

export const conditionNode = defineNode({
  kind: 'condition',
  version: 1,
  params: z
    .strictObject({
      rules: z.array(rule).min(1).max(20).describe('Rules, tried in order; none holding takes the "else" exit'),
    })
    .superRefine((p, ctx) => {
      const outcomes = p.rules.map((r) => r.outcome);
      for (const name of new Set([...duplicates(outcomes), ...outcomes.filter((o) => o === 'else')])) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', outcomes.lastIndexOf(name), 'outcome'],
          message: name === 'else' ? '"else" is the built-in exit' : `two rules lead to "${name}"`,
        });
      }
    }),
  outcomes: (p) => [
    ...p.rules.map((r) => ({ name: r.outcome, label: r.label ?? r.outcome })),
    { name: 'else', label: 'Else', description: 'No rule holds' },
  ],
  ui: {
    label: 'Condition',
    category: 'Logic',
    icon: 'git-branch',
    help: 'Branch on variables: rules compare a variable with a value (equals, greater than, contains …); the first rule that holds wins.',
    summary: ['rules'],
  },
  traits: {
    waitsForCaller: () => false,
    prompts: () => [],
  },
  async run({ params, vars }) {
    return { outcome: params.rules.find((r) => holds(r, vars))?.outcome ?? 'else' };
  },
});
