import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { setNode } from './set.node.js';

describe('set node', () => {
  it('sets literals and templates, later assignments seeing earlier ones', async () => {
    const r = await runNode(
      setNode,
      {
        assignments: [
          { variable: 'priority', value: 5 },
          { variable: 'vulnerable', value: false },
          { variable: 'summary', value: 'Case {{caseRef}} for {{name}}' },
          { variable: 'line', value: '{{summary}} (priority {{priority}})' },
          { variable: 'cleared', value: null },
        ],
      },
      { vars: { caseRef: '12345', name: 'Mrs Jones' } },
    );
    expect(r).toEqual(expect.objectContaining({
      outcome: 'done',
      set: { priority: 5, vulnerable: false, summary: 'Case 12345 for Mrs Jones', line: 'Case 12345 for Mrs Jones (priority 5)', cleared: null },
    }));
  });

  it('never evaluates what a template holds', async () => {
    const r = await runNode(setNode, { assignments: [{ variable: 'x', value: '{{ constructor }}{{a}}' }] }, { vars: { a: '${process.exit()}' } });
    expect(r.set).toEqual({ x: '${process.exit()}' });
  });

  it('rejects a bad variable name', () => {
    expect(setNode.params.safeParse({ assignments: [{ variable: '1x', value: 1 }] }).error?.issues[0]?.path).toEqual(['assignments', 0, 'variable']);
  });
});
