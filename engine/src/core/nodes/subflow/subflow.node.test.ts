import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../flow/parse-flow.js';
import { EngineError } from '../../engine-error.js';
import { runNode } from '../../../testing/node-harness.js';
import { subflowNode } from './subflow.node.js';

const payments = parseFlow({
  schemaVersion: 1,
  id: 'payments',
  name: 'Payments',
  entry: 'amount',
  nodes: [
    { id: 'amount', kind: 'set', version: 1, params: { assignments: [{ variable: 'amountPence', value: 500 }] } },
    { id: 'thanks', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Thank you.' } }, reason: 'paid' } },
  ],
  edges: [{ id: 'e1', from: 'amount', outcome: 'done', to: 'thanks' }],
}).flow!;

describe('subflow node', () => {
  it('runs the other flow on the call and continues on the outcome it ends with', async () => {
    const r = await runNode(subflowNode, { flowId: 'payments', outcomes: ['paid', 'notPaid'] }, { flows: [payments] });
    expect(r.outcome).toBe('paid');
    expect(r.set).toMatchObject({ amountPence: 500 });
    expect(r.heard).toEqual(['Thank you.']);
    expect(r.call.hungUp).toBe(false);
  });

  it('throws an EngineError for an outcome it does not list (a fault, not a caller result)', async () => {
    await expect(runNode(subflowNode, { flowId: 'payments', outcomes: ['notPaid'] }, { flows: [payments] })).rejects.toMatchObject({
      constructor: EngineError,
      code: 'subflow-outcome-unknown',
    });
  });

  it('names the flows it runs, and rejects an outcome listed twice', () => {
    expect(subflowNode.traits.subflows!(subflowNode.params.parse({ flowId: 'payments', outcomes: ['paid'] }))).toEqual(['payments']);
    expect(subflowNode.params.safeParse({ flowId: 'payments', outcomes: ['paid', 'paid'] }).success).toBe(false);
  });
});
