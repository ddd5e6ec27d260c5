import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { conditionNode } from './condition.node.js';

const params = {
  rules: [
    { outcome: 'urgent', match: 'any', comparisons: [{ var: 'vulnerable', op: 'isTrue' }, { var: 'age', op: 'ge', value: 85 }] },
    { outcome: 'large', comparisons: [{ var: 'amountPence', op: 'gt', value: 100000 }] },
  ],
};

describe('condition node', () => {
  it('takes the first rule that holds', async () => {
    expect((await runNode(conditionNode, params, { vars: { vulnerable: true, amountPence: 200000 } })).outcome).toBe('urgent');
    expect((await runNode(conditionNode, params, { vars: { age: '90' } })).outcome).toBe('urgent');
    expect((await runNode(conditionNode, params, { vars: { age: 40, amountPence: 200000 } })).outcome).toBe('large');
  });

  it('takes "else" when no rule holds, including for missing variables', async () => {
    expect((await runNode(conditionNode, params, { vars: {} })).outcome).toBe('else');
  });

  it('has one exit per rule plus else, and rejects duplicate or reserved exits', () => {
    expect(conditionNode.outcomes(conditionNode.params.parse(params)).map((o) => o.name)).toEqual(['urgent', 'large', 'else']);
    const bad = conditionNode.params.safeParse({ rules: [params.rules[0], { ...params.rules[1], outcome: 'else' }, params.rules[0]] });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['rules.2.outcome', 'rules.1.outcome']);
  });
});
