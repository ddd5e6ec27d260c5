/**
 * Time, as the engine sees it. Tests, benches and the designer's "try Saturday 23:30" run on a
 * simulated clock; production runs on the system clock.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Work in flight that time must wait for (the ACD's database I/O): a simulated clock does not move on
   * while it runs, so the same script gives the same times whatever the database's speed. A real clock
   * just returns `work`.
   */
  track<T>(work: Promise<T>): Promise<T>;
}
