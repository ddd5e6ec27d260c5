/**
 * Slows down password guessing: after `maxFailures` failed sign-ins for one username from one
 * address within `windowMs`, further attempts for that pair are refused until the oldest failure
 * leaves the window. Kept in this process's memory: a restart or another engine instance starts
 * afresh, which is acceptable for a small sliding window (the argon2 cost still applies).
 */
export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  now: () => number;
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: LoginLimiterOptions) {}

  private key(username: string, address: string): string {
    return `${username.toLowerCase()}\u0000${address}`;
  }

  private recent(key: string): number[] {
    const since = this.options.now() - this.options.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((at) => at > since);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Milliseconds until another attempt is allowed, or 0 when it is allowed now. */
  retryAfterMs(username: string, address: string): number {
    const recent = this.recent(this.key(username, address));
    if (recent.length < this.options.maxFailures) return 0;
    const oldest = recent[recent.length - this.options.maxFailures]!;
    return Math.max(1, oldest + this.options.windowMs - this.options.now());
  }

  recordFailure(username: string, address: string): void {
    const key = this.key(username, address);
    this.failures.set(key, [...this.recent(key), this.options.now()]);
    // Bound memory under a spray of usernames: forget the stalest pair past 10,000.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  recordSuccess(username: string, address: string): void {
    this.failures.delete(this.key(username, address));
  }
}
