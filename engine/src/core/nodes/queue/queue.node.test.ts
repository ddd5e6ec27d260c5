import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { queueNode } from './queue.node.js';

const params = { queueId: 'highways', announceEverySeconds: 30, maxWaitSeconds: 120 };

describe('queue node', () => {
  it('tells the caller their place, then bridges them to the agent who takes the call', async () => {
    const r = await runNode(queueNode, params, { world: { queues: { highways: { answerAfterSeconds: 45 } } } });
    expect(r).toMatchObject({ outcome: 'answered', set: { agentId: 'simulated-agent-highways' } });
    expect(r.heard).toEqual([
      'You are number 1 in the queue. Thank you for waiting.',
      'You are number 1 in the queue. Thank you for waiting.',
      '(connected to agent:simulated-agent-highways)',
    ]);
  });

  it('plays hold music between announcements', async () => {
    const r = await runNode(queueNode, { ...params, holdMusic: 'media/hold/classical.wav' }, { world: { queues: { highways: { answerAfterSeconds: 5 } } } });
    expect(r.heard).toEqual(['You are number 1 in the queue. Thank you for waiting.', '(connected to agent:simulated-agent-highways)']);
    expect(r.call.holds).toEqual(['media/hold/classical.wav']);
  });

  it('times out after the longest wait, announcing every interval', async () => {
    const r = await runNode(queueNode, params, { world: { queues: { highways: { answerAfterSeconds: 3600 } } } });
    expect(r.outcome).toBe('timeout');
    expect(r.heard.length).toBeGreaterThanOrEqual(4);
    expect(r.clock.now() - Date.parse('2026-01-07T10:00:00Z')).toBeGreaterThanOrEqual(120_000);
  });

  it.each(['full', 'closed', 'noAgents'] as const)('takes the %s exit when the queue says so', async (behaviour) => {
    const r = await runNode(queueNode, params, { world: { queues: { highways: behaviour } } });
    expect(r.outcome).toBe(behaviour);
    expect(r.heard).toEqual([]);
  });

  it('reports a caller who hangs up while waiting', async () => {
    const r = await runNode(queueNode, params, { caller: [{ wait: 20 }, { hangup: true }], world: { queues: { highways: { answerAfterSeconds: 600 } } } });
    expect(r.outcome).toBe('callerHungUp');
  });

  it('leaves "answered" optional (an answered call may simply end) and ends at a person', () => {
    const p = queueNode.params.parse(params);
    expect(queueNode.traits.optionalOutcomes!(p)).toEqual(['answered']);
    expect(queueNode.traits.ends).toBe('person');
  });
});
