import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';

describe('LoginLimiter', () => {
  it('refuses a username+address after too many failures until the window passes', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBe(0);
      limiter.recordFailure('alice', '10.0.0.1');
      now += 1_000;
    }
    expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBe(57_000);
    expect(limiter.retryAfterMs('ALICE', '10.0.0.1')).toBe(57_000);
    // Other pairs are not affected.
    expect(limiter.retryAfterMs('alice', '10.0.0.2')).toBe(0);
    expect(limiter.retryAfterMs('bob', '10.0.0.1')).toBe(0);
    now += 57_000;
    expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBe(0);
  });

  it('forgets failures after a successful sign-in', () => {
    const limiter = new LoginLimiter({ maxFailures: 2, windowMs: 60_000, now: () => 0 });
    limiter.recordFailure('alice', 'a');
    limiter.recordSuccess('alice', 'a');
    limiter.recordFailure('alice', 'a');
    expect(limiter.retryAfterMs('alice', 'a')).toBe(0);
  });
});
