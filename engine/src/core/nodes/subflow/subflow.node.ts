import { z } from 'zod';
import { EngineError } from '../../engine-error.js';
import { duplicates, outcomeName } from '../common-params.js';
import { defineNode } from '../define-node.js';

export const subflowNode = defineNode({
  kind: 'subflow',
  version: 1,
  params: z
    .strictObject({
      flowId: z.string().min(1).max(64).meta({ ref: 'flow', title: 'Flow' }).describe('The flow to run (its published version)'),
      outcomes: z
        .array(outcomeName)
        .min(1)
        .max(20)
        .describe('Outcomes the other flow can end on, each an exit here'),
    })
    .superRefine((p, ctx) => {
      for (const name of duplicates(p.outcomes)) {
        ctx.addIssue({ code: 'custom', path: ['outcomes', p.outcomes.lastIndexOf(name)], message: `"${name}" is listed twice` });
      }
    }),
  outcomes: (p) => p.outcomes.map((name) => ({ name })),
  ui: {
    label: 'Subflow',
    category: 'Logic',
    icon: 'workflow',
    help: 'Run another flow (e.g. the payments line) on this call and continue on the outcome it ends with.',
    summary: ['flowId'],
  },
  traits: {
    waitsForCaller: () => true,
    prompts: () => [],
    subflows: (p) => [p.flowId],
  },
  async run({ params, nodeId, runSubflow, signal }) {
    const result = await runSubflow(params.flowId, signal);
    if (!params.outcomes.includes(result.outcome)) {
      throw new EngineError(
        'subflow-outcome-unknown',
        `flow "${params.flowId}" ended on "${result.outcome}", which is not one of this node's exits (${params.outcomes.join(', ')})`,
        nodeId,
      );
    }
    return { outcome: result.outcome, set: result.set };
  },
});
