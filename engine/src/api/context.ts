import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SharedFakePay360 } from '../adapters/payments/pay360/fake/stand-in.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseKind, Store } from '../ports/store.js';
import { argon2Passwords, type PasswordHasher } from '../auth/passwords.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import { espeakRenderer, type SpeechRenderer } from '../tts/espeak-tts.js';

/** What the telephony side reports for /api/health (TelephonyService.status()). */
export interface TelephonyStatus {
  drachtio?: 'connected' | 'connecting' | 'disconnected';
  mediaServers?: Array<{ name: string; state: string }>;
  activeCalls?: number;
  [key: string]: unknown;
}

export interface ApiLogger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface ApiDeps {
  store: Store;
  /** Defaults to the system clock. */
  clock?: Pick<Clock, 'now'>;
  /** Telephony status for /api/health; absent when telephony is not configured. */
  telephonyStatus?: () => TelephonyStatus;
  /** Defaults to the store's kind. */
  database?: { kind: DatabaseKind };
  /** Calls in progress on this engine (phone calls), for /api/health. */
  activeCalls?: () => number;
  /** Engine version, for /api/health (defaults to package.json's). */
  version?: string;
  /** Password hashing; argon2id with the library's defaults unless given (tests pass cheap options). */
  passwords?: PasswordHasher;
  /** Text to speech for /api/tts; espeak-ng with a cache under `ttsCacheDir` unless given. */
  tts?: SpeechRenderer;
  ttsCacheDir?: string;
  /** Origins (scheme://host:port) allowed besides the API's own host, e.g. the Vite dev server. */
  allowedOrigins?: string[];
  /** Session lifetime; default 12 hours. */
  sessionTtlMs?: number;
  /** Mark the session cookie Secure (when served over HTTPS). */
  secureCookies?: boolean;
  /** Failed sign-ins allowed per username + address within the window (default 5 per 15 minutes). */
  loginLimit?: { maxFailures: number; windowMs: number };
  logger?: ApiLogger;
  /** The engine's fake Pay360 that designer test calls pay into (default: a private one per call). */
  testCallPay360?: SharedFakePay360;
  /** Told when Pay360 notifies a transaction (the payment waiting on that session reads it now). */
  paymentNotified?: (sessionId: string) => void;
}

/** ApiDeps with every default filled in: what route handlers use. */
export interface ApiContext {
  store: Store;
  now: () => number;
  telephonyStatus: (() => TelephonyStatus) | undefined;
  databaseKind: DatabaseKind;
  activeCalls: () => number;
  version: string;
  passwords: PasswordHasher;
  tts: SpeechRenderer;
  allowedOrigins: string[];
  sessionTtlMs: number;
  secureCookies: boolean;
  loginLimiter: LoginLimiter;
  logger: ApiLogger;
  startedAt: number;
  testCallPay360: SharedFakePay360 | undefined;
  paymentNotified: (sessionId: string) => void;
}

const consoleLogger: ApiLogger = {
  info: (message) => console.info(message),
  error: (message, error) => console.error(message, error),
};

export function apiContext(deps: ApiDeps, version: string): ApiContext {
  const now = deps.clock ? () => deps.clock!.now() : () => Date.now();
  const limit = deps.loginLimit ?? { maxFailures: 5, windowMs: 15 * 60_000 };
  return {
    store: deps.store,
    now,
    telephonyStatus: deps.telephonyStatus,
    databaseKind: deps.database?.kind ?? deps.store.kind,
    activeCalls: deps.activeCalls ?? (() => 0),
    version: deps.version ?? version,
    passwords: deps.passwords ?? argon2Passwords(),
    tts: deps.tts ?? espeakRenderer({ cacheDir: deps.ttsCacheDir ?? join(tmpdir(), 'frontdoor-tts') }),
    allowedOrigins: deps.allowedOrigins ?? [],
    sessionTtlMs: deps.sessionTtlMs ?? 12 * 60 * 60_000,
    secureCookies: deps.secureCookies ?? false,
    loginLimiter: new LoginLimiter({ ...limit, now }),
    logger: deps.logger ?? consoleLogger,
    startedAt: now(),
    testCallPay360: deps.testCallPay360,
    paymentNotified: deps.paymentNotified ?? (() => undefined),
  };
}
