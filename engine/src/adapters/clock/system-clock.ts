import type { Clock } from '../../ports/index.js';

/** An AbortError, as DOM APIs raise it, carrying the signal's reason. */
export const abortError = (signal: AbortSignal): unknown =>
  signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted', 'AbortError');

/**
 * Real time. With `startAt`, the clock reads as if it had been started at that instant and then runs at
 * the normal pace (the designer's "try Saturday 23:30" live test call).
 */
export class SystemClock implements Clock {
  private readonly offsetMs: number;

  constructor(options: { startAt?: number } = {}) {
    this.offsetMs = options.startAt === undefined ? 0 : options.startAt - Date.now();
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  track<T>(work: Promise<T>): Promise<T> {
    return work;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortError(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
