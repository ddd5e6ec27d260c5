import type { Clock } from '../../../ports/index.js';
import { abortError } from '../../clock/system-clock.js';

interface Sleeper {
  at: number;
  /** Registration order: sleepers due at the same instant wake in the order they slept. */
  order: number;
  wake: (() => void) | undefined;
}

/** Earlier `at` first, then earlier `order`. */
const before = (a: Sleeper, b: Sleeper): boolean => a.at < b.at || (a.at === b.at && a.order < b.order);

/**
 * Simulated time for flow tests, scripted calls and benches. Time stands still until it is moved:
 * - `advance(ms)` moves it by hand, waking sleepers in order;
 * - in idle-driven mode (the default), whenever nothing else can make progress (two turns of the event
 *   loop with no new sleep), time jumps to the next pending sleep. A 5 s no-input timeout costs no real
 *   time, and the same script always gives the same times.
 * Many calls can share one clock: sleepers wake in (time, registration) order.
 * Work handed to `track` (database I/O) holds time still until it settles: time never jumps while a
 * query is in flight, so a caller's next announcement cannot overtake the agent being offered to them.
 */
export class SimulatedClock implements Clock {
  private current: number;
  private readonly heap: Sleeper[] = [];
  private order = 0;
  private pending = 0;
  private readonly idleDriven: boolean;
  private idleCheck: ReturnType<typeof setImmediate> | undefined;
  private activityAtCheck = -1;
  private inFlight = 0;
  private quietWaiters: (() => void)[] = [];

  constructor(startMs: number, options: { idleDriven?: boolean } = {}) {
    this.current = startMs;
    this.idleDriven = options.idleDriven ?? true;
  }

  now(): number {
    return this.current;
  }

  /** Sleeps not yet woken or aborted. */
  get pendingSleeps(): number {
    return this.pending;
  }

  /** Tracked work not yet settled. */
  get workInFlight(): number {
    return this.inFlight;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    this.order++; // counts as activity: the idle check starts over once it settles
    return work.finally(this.settled);
  }

  private readonly settled = (): void => {
    this.inFlight--;
    this.order++;
    if (this.inFlight > 0) return;
    for (const waiter of this.quietWaiters.splice(0)) waiter();
    this.scheduleIdleCheck();
  };

  /** Resolves once no tracked work is in flight. */
  private quiet(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = { at: this.current + Math.max(0, ms), order: this.order++, wake: undefined };
      // Handlers built by a factory stay anonymous (named closures cost extra memory per sleep under tsx).
      const onAbort = signal ? this.abortHandler(sleeper, signal, reject) : undefined;
      sleeper.wake = onAbort ? this.wakeHandler(resolve, signal!, onAbort) : resolve;
      signal?.addEventListener('abort', onAbort!, { once: true });
      this.push(sleeper);
      this.pending++;
      this.scheduleIdleCheck();
    });
  }

  private abortHandler(sleeper: Sleeper, signal: AbortSignal, reject: (reason: unknown) => void): () => void {
    return () => {
      if (!sleeper.wake) return;
      sleeper.wake = undefined;
      this.pending--;
      reject(abortError(signal));
    };
  }

  private wakeHandler(resolve: () => void, signal: AbortSignal, onAbort: () => void): () => void {
    return () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
  }

  /**
   * Move time forward by `ms`, waking every sleeper due on the way. Work already under way gets to start
   * its sleeps first, and each wake-up's work runs before time moves on.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await this.settleAll();
    for (;;) {
      const next = this.peekLive();
      if (!next || next.at > target) break;
      this.wakeNext();
      await this.settleAll();
    }
    this.current = Math.max(this.current, target);
  }

  /** Wake everything due at the earliest pending instant. Returns false when nothing is pending. */
  private wakeNext(): boolean {
    const first = this.peekLive();
    if (!first) return false;
    const at = first.at;
    this.current = Math.max(this.current, at);
    for (let s = this.peekLive(); s && s.at === at; s = this.peekLive()) {
      this.pop();
      const wake = s.wake!;
      s.wake = undefined;
      this.pending--;
      wake();
    }
    return true;
  }

  private scheduleIdleCheck(): void {
    if (!this.idleDriven || this.idleCheck) return;
    this.activityAtCheck = -1;
    this.idleCheck = setImmediate(this.checkIdle);
  }

  /** Let work run until it has nothing in flight and the event loop has turned once with nothing new. */
  private async settleAll(): Promise<void> {
    do {
      await settle();
      await this.quiet();
    } while (this.inFlight > 0);
    await settle();
  }

  /** Jump only after a full turn of the event loop in which no new sleep began and no tracked work was in flight. */
  private readonly checkIdle = (): void => {
    this.idleCheck = undefined;
    if (this.pending === 0 || this.inFlight > 0) return;
    if (this.activityAtCheck !== this.order) {
      this.activityAtCheck = this.order;
      this.idleCheck = setImmediate(this.checkIdle);
      return;
    }
    this.wakeNext();
    if (this.pending > 0) this.scheduleIdleCheck();
  };

  private peekLive(): Sleeper | undefined {
    while (this.heap.length > 0 && !this.heap[0]!.wake) this.pop();
    return this.heap[0];
  }

  private push(sleeper: Sleeper): void {
    const heap = this.heap;
    heap.push(sleeper);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}

/** Let promise callbacks and immediate work triggered by a wake-up run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
