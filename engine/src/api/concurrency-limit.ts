/** Thrown by ConcurrencyLimit.run when every slot is taken and the queue is full: the caller answers 503. */
export class Busy extends Error {
  constructor(readonly what: string) {
    super(`${what}: too many at once`);
    this.name = 'Busy';
  }
}

/**
 * At most `max` of some costly work at once (password checks, text-to-speech renders), with at most
 * `maxQueued` more waiting their turn; past that, `run` refuses at once (Busy) rather than let a burst
 * of requests pile up work that keeps the machine busy for everyone.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly what: string,
    readonly max: number,
    readonly maxQueued: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueued) throw new Busy(this.what);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Work running now, and waiting. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
