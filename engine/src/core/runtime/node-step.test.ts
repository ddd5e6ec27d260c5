import { createActor, setup, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { NodeResult } from '../nodes/define-node.js';
import { nodeStep } from './create-flow-machine.js';

/** A machine that runs one step, then either ends or (on LEAVE) stops the step from outside. */
function oneStep(run: (signal: AbortSignal) => Promise<NodeResult>) {
  const machine = setup({ actors: { step: nodeStep((_input, signal) => run(signal)) } }).createMachine({
    initial: 'running',
    states: {
      running: {
        invoke: { src: 'step', input: () => ({ nodeId: 'n1', context: {} as never, step: new AbortController() }), onDone: 'done' },
        on: { LEAVE: 'left' },
      },
      done: { type: 'final' },
      left: { type: 'final' },
    },
  });
  return createActor(machine);
}

describe('a node step has its own abort', () => {
  it('aborts work the node left running when the step ends by itself, and the call goes on', async () => {
    let leftRunning: AbortSignal | undefined;
    const actor = oneStep(async (signal) => {
      leftRunning = signal; // e.g. hold music the node did not wait for
      return { outcome: 'answered' };
    });
    actor.start();
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe('done');
    expect(leftRunning?.aborted).toBe(true);
    expect((leftRunning?.reason as DOMException).message).toBe('this node step is over');
  });

  it('aborts a running step when the call leaves the node', async () => {
    let running: AbortSignal | undefined;
    const actor = oneStep((signal) => {
      running = signal;
      return new Promise<NodeResult>(() => undefined);
    });
    actor.start();
    expect(running?.aborted).toBe(false);
    actor.send({ type: 'LEAVE' });
    expect(actor.getSnapshot().value).toBe('left');
    expect(running?.aborted).toBe(true);
    expect((running?.reason as DOMException).message).toBe('the call left this node');
  });

  it('gives each step a signal of its own', async () => {
    const signals: AbortSignal[] = [];
    for (let i = 0; i < 2; i++) {
      const actor = oneStep(async (signal) => {
        signals.push(signal);
        return { outcome: 'done' };
      });
      actor.start();
      await toPromise(actor);
    }
    expect(signals[0]).not.toBe(signals[1]);
  });
});
