import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { scratchEngine } from '../../../testing/simulated-acd.js';
import { queueNode } from './queue.node.js';
import { queueNode2 } from './queue-2.node.js';

/**
 * Always listening in the queue (issue 10): a queue whose settings say `listening` hears its waiting
 * callers over the music, through the real ACD on the scratch database (simulated calls, the text
 * recogniser: what the caller says is the transcript, at the confidence the script gives).
 */
const listeningQueue = (id: string, listening: object = {}) => ({
  queues: { [id]: { agents: [{ id: 'asha', availableAfterSeconds: 120 }], settings: { listening: { enabled: true, ...listening } } } },
});

async function entryAndEvents(queueId: string) {
  const { store } = await scratchEngine();
  const [entry] = await store.acd.entries({ queueId });
  const events = await store.acd.events({ queueId }, { page: 1, pageSize: 50 });
  return { entry, raised: events.items.filter((e) => e.type === 'priority_raised') };
}

const heardInQueue = (events: { type: string; data: Record<string, unknown> }[]) => events.filter((e) => e.type === 'input.speech' && e.data.inQueue === true).map((e) => e.data);

describe('a queue that listens to its waiting callers', () => {
  it('raises a caller who says safeguarding words while waiting (inflected, with words between), and they are still answered', async () => {
    const r = await runNode(queueNode2, { queueId: 'listen-fall' }, { caller: [{ wait: 20 }, { say: 'my dad has just fell over in the kitchen and he cannot get up' }], world: listeningQueue('listen-fall') });
    expect(r).toMatchObject({ outcome: 'answered', set: { agentId: 'asha' } });
    expect(heardInQueue(r.events)).toEqual([expect.objectContaining({ transcript: 'my dad has just fell over in the kitchen and he cannot get up', heard: expect.stringContaining('fall') })]);
    const { entry, raised } = await entryAndEvents('listen-fall');
    expect(entry).toMatchObject({ priority: 10, outcome: 'answered' });
    expect(raised.map((e) => e.data)).toEqual([{ from: 0, to: 10 }]);
    // Nobody asked the caller anything: a confident match is never confirmed.
    expect(r.heard.join(' ')).not.toContain('It sounds like someone may be hurt');
  });

  it('leaves a caller where they are when the words are negated, or belong to another service', async () => {
    const negated = await runNode(queueNode2, { queueId: 'listen-not' }, { caller: [{ wait: 20 }, { say: "I'm not hurt, I just want to pay my rent" }], world: listeningQueue('listen-not') });
    expect(negated.outcome).toBe('answered');
    expect(heardInQueue(negated.events)[0]).toMatchObject({ heard: 'not: hurt' });
    expect((await entryAndEvents('listen-not')).raised).toEqual([]);

    const behind = await runNode(queueNode2, { queueId: 'listen-behind' }, { caller: [{ wait: 20 }, { say: "I've fallen behind with my council tax" }], world: listeningQueue('listen-behind') });
    expect(behind.outcome).toBe('answered');
    const { entry, raised } = await entryAndEvents('listen-behind');
    expect(raised).toEqual([]);
    expect(entry).toMatchObject({ priority: 0 });
  });

  it('confirms a doubtful match first: raised on "1", left on "2"; below the least confidence without confirmation, nothing happens', async () => {
    const yes = await runNode(queueNode2, { queueId: 'listen-yes' }, { caller: [{ wait: 20 }, { say: 'somebody hit me', confidence: 0.6 }, { press: '1' }], world: listeningQueue('listen-yes') });
    expect(yes.heard).toContain('It sounds like someone may be hurt or at risk. To be put through sooner, press 1 or say yes. If not, press 2 or say no.');
    expect((await entryAndEvents('listen-yes')).raised).toHaveLength(1);

    const no = await runNode(queueNode2, { queueId: 'listen-no' }, { caller: [{ wait: 20 }, { say: 'somebody hit me', confidence: 0.6 }, { press: '2' }], world: listeningQueue('listen-no') });
    expect(no.outcome).toBe('answered');
    expect((await entryAndEvents('listen-no')).raised).toEqual([]);

    const unsure = await runNode(queueNode2, { queueId: 'listen-unsure' }, {
      caller: [{ wait: 20 }, { say: 'somebody hit me', confidence: 0.3 }],
      world: listeningQueue('listen-unsure', { confirmBelowConfidence: 0 }),
    });
    expect(unsure.heard.join(' ')).not.toContain('It sounds like');
    expect((await entryAndEvents('listen-unsure')).raised).toEqual([]);
  });

  it('listens no more once the caller has been raised, and never where the queue does not listen', async () => {
    const twice = await runNode(queueNode2, { queueId: 'listen-twice' }, {
      caller: [{ wait: 20 }, { say: 'she is in danger' }, { wait: 10 }, { say: 'he attacked her' }],
      world: listeningQueue('listen-twice', { priority: 50 }),
    });
    expect(heardInQueue(twice.events)).toHaveLength(1);
    expect((await entryAndEvents('listen-twice')).raised.map((e) => e.data)).toEqual([{ from: 0, to: 50 }]);

    const deaf = await runNode(queueNode2, { queueId: 'deaf' }, { caller: [{ wait: 20 }, { say: 'my mum has fallen' }], world: { queues: { deaf: { agents: [{ availableAfterSeconds: 120 }] } } } });
    expect(deaf.outcome).toBe('answered');
    expect(heardInQueue(deaf.events)).toEqual([]);
    expect((await entryAndEvents('deaf')).raised).toEqual([]);
  });

  it('works for queue nodes of version 1 too (the listening is the queue’s, not the node’s)', async () => {
    const r = await runNode(queueNode, { queueId: 'listen-v1' }, { caller: [{ wait: 20 }, { say: 'I feel unsafe at home' }], world: listeningQueue('listen-v1') });
    expect(r.outcome).toBe('answered');
    expect((await entryAndEvents('listen-v1')).raised.map((e) => e.data)).toEqual([{ from: 0, to: 10 }]);
    // Version 1 without music waited in silence; a queue that listens holds (the media server's own music).
    expect(r.call.holds.length).toBeGreaterThan(0);
  });
});
