import { describe, expect, it } from 'vitest';
import { Busy, ConcurrencyLimit } from './concurrency-limit.js';

describe('ConcurrencyLimit', () => {
  it('runs at most max at once, queues up to maxQueued, refuses the rest at once', async () => {
    const limit = new ConcurrencyLimit('renders', 2, 3);
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const work = () =>
      limit.run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return 'done';
      });
    const started = Array.from({ length: 7 }, () => work().catch((error: unknown) => error));
    await new Promise((resolve) => setImmediate(resolve));
    expect(limit.load).toEqual({ running: 2, waiting: 3 });
    const refused = await Promise.all(started.slice(5));
    expect(refused.every((r) => r instanceof Busy)).toBe(true);
    while (releases.length > 0 || limit.load.running > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(started.slice(0, 5))).toEqual(Array(5).fill('done'));
    expect(most).toBe(2);
    expect(limit.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when the work fails', async () => {
    const limit = new ConcurrencyLimit('checks', 1, 0);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(async () => 1)).toBe(1);
  });
});
