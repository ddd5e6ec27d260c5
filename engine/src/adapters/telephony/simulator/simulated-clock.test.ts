import { describe, expect, it } from 'vitest';
import { SimulatedClock } from './simulated-clock.js';

describe('SimulatedClock', () => {
  it('holds time still while tracked work (database I/O) is in flight, however long it takes', async () => {
    const clock = new SimulatedClock(0);
    const order: string[] = [];
    // A query taking 50 ms of real time; meanwhile a 30 s announcement timer is pending.
    const query = clock.track(new Promise<void>((resolve) => setTimeout(resolve, 50))).then(() => order.push(`query done @${clock.now()}`));
    const timer = clock.sleep(30_000).then(() => order.push(`timer @${clock.now()}`));
    await Promise.all([query, timer]);
    expect(order).toEqual(['query done @0', 'timer @30000']);
    expect(clock.workInFlight).toBe(0);
  });

  it('lets advance() wait for tracked work before waking the next sleeper', async () => {
    const clock = new SimulatedClock(0, { idleDriven: false });
    const order: string[] = [];
    void clock.sleep(10).then(() => clock.track(new Promise<void>((resolve) => setTimeout(resolve, 20))).then(() => order.push(`tracked @${clock.now()}`)));
    void clock.sleep(20).then(() => order.push(`second @${clock.now()}`));
    await clock.advance(100);
    expect(order).toEqual(['tracked @10', 'second @20']);
  });

  it('moves only when advanced, waking sleepers in time order (same instant: the order they slept)', async () => {
    const clock = new SimulatedClock(1000, { idleDriven: false });
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push(`c@${clock.now()}`));
    void clock.sleep(100).then(() => woke.push(`a@${clock.now()}`));
    void clock.sleep(300).then(() => woke.push(`d@${clock.now()}`));
    void clock.sleep(200).then(() => woke.push(`b@${clock.now()}`));
    await clock.advance(250);
    expect(woke).toEqual(['a@1100', 'b@1200']);
    expect(clock.now()).toBe(1250);
    await clock.advance(50);
    expect(woke).toEqual(['a@1100', 'b@1200', 'c@1300', 'd@1300']);
  });

  it('lets work woken on the way run before moving on (a chain of sleeps within one advance)', async () => {
    const clock = new SimulatedClock(0, { idleDriven: false });
    const times: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        times.push(clock.now());
      }
    })();
    await clock.advance(100);
    expect(times).toEqual([10, 20, 30]);
  });

  it('jumps to the next sleep when nothing else can make progress', async () => {
    const clock = new SimulatedClock(0);
    const started = performance.now();
    await clock.sleep(3_600_000);
    expect(clock.now()).toBe(3_600_000);
    expect(clock.pendingSleeps).toBe(0);
    // An hour of simulated time, far less than a second of real time (a generous bound, not a benchmark).
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('rejects an aborted sleep with the abort reason and forgets it', async () => {
    const clock = new SimulatedClock(0, { idleDriven: false });
    const controller = new AbortController();
    const sleeping = clock.sleep(500, controller.signal);
    expect(clock.pendingSleeps).toBe(1);
    controller.abort(new DOMException('caller hung up', 'AbortError'));
    await expect(sleeping).rejects.toThrow('caller hung up');
    expect(clock.pendingSleeps).toBe(0);
    await expect(clock.sleep(10, controller.signal)).rejects.toThrow('caller hung up');
  });
});
