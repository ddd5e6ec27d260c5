/**
 * Time, as the engine sees it. Tests, benches and the designer's "try Saturday 23:30" run on a
 * simulated clock; production runs on the system clock.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
