import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SharedFakePay360 } from '../adapters/payments/pay360/fake/stand-in.js';
import type { Clock } from '../ports/clock.js';
import type { Recognizer } from '../ports/recognizer.js';
import type { DatabaseKind, Store } from '../ports/store.js';
import { argon2Passwords, type PasswordHasher } from '../auth/passwords.js';
import { SECRETS_KEY_BYTES, SecretVault } from '../auth/secret-vault.js';
import { espeakRenderer, type SpeechRenderer } from '../tts/espeak-tts.js';
import type { DeskLegRegistry } from '../desk/desk-legs.js';
import type { DeskService } from '../desk/desk-service.js';
import type { ListenIn } from '../ports/desk.js';
import { normaliseOrigin } from './authenticate.js';
import { ConcurrencyLimit } from './concurrency-limit.js';

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
  /**
   * Text to speech for /api/tts; espeak-ng with a bounded cache under `ttsCacheDir` unless given (the
   * engine passes a folder in its data directory; without one, a new private temporary folder).
   */
  tts?: SpeechRenderer;
  ttsCacheDir?: string;
  /** Largest the TTS cache grows before the least recently used files go (default 64 MiB). */
  ttsCacheBytes?: number;
  /**
   * Origins (scheme://host:port) a browser may send changes and open the test-call socket from, besides
   * the engine's own (e.g. the public https:// address behind a reverse proxy).
   */
  allowedOrigins?: string[];
  /** Which proxies to believe about the client's address (X-Forwarded-For): express's `trust proxy` setting. Default: none. */
  trustProxy?: boolean | number | string | string[];
  /** Session lifetime; default 12 hours. */
  sessionTtlMs?: number;
  /** Mark the session cookie Secure (when served over HTTPS) and send Strict-Transport-Security. */
  secureCookies?: boolean;
  /** Sign-in attempts allowed per account, per address and for everyone together within a window. */
  loginLimits?: Partial<LoginLimits>;
  /** The key secrets are sealed with (loadSecretsKey); without it a random key for this process only (tests). */
  secretsKey?: Buffer;
  logger?: ApiLogger;
  /** The agent desk (engine/src/desk): advisers' views, the team view, and the legs of test calls that ring a desk. */
  desk?: { service: DeskService; legs: DeskLegRegistry };
  /** Listening in on live calls (the telephony adapter's FreeSWITCH eavesdrop); absent without real telephony. */
  listenIn?: ListenIn;
  /**
   * The recogniser phone calls use (config speech.recognizer): audio spoken into a test call is
   * recognised with it, and the designer shows which one callers get. Absent: test calls take typed words only.
   */
  phoneSpeech?: PhoneSpeech;
  /** The engine's fake Pay360 that designer test calls pay into (default: a private one per call). */
  testCallPay360?: SharedFakePay360;
  /** Told when Pay360 notifies a transaction (the payment waiting on that session reads it now). */
  paymentNotified?: (sessionId: string) => void;
}

export interface PhoneSpeech {
  kind: 'offline' | 'google';
  recognizer: Recognizer;
}

export interface LoginLimits {
  windowMs: number;
  /** Failed sign-ins per account (default 5). */
  perAccount: number;
  /** Failed sign-ins per client address (default 20). */
  perAddress: number;
  /** Failed sign-ins on this service as a whole, from anyone (default 300). */
  everyone: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20, everyone: 300 };

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
  trustProxy: boolean | number | string | string[];
  sessionTtlMs: number;
  secureCookies: boolean;
  loginLimits: LoginLimits;
  /** Password checks (argon2, costly by design) at once in this process, so a spray of sign-ins cannot slow everyone. */
  passwordChecks: ConcurrencyLimit;
  /** Text-to-speech renders at once in this process. */
  ttsRenders: ConcurrencyLimit;
  secrets: SecretVault;
  logger: ApiLogger;
  startedAt: number;
  desk: { service: DeskService; legs: DeskLegRegistry } | undefined;
  listenIn: ListenIn | undefined;
  phoneSpeech: PhoneSpeech | undefined;
  testCallPay360: SharedFakePay360 | undefined;
  paymentNotified: (sessionId: string) => void;
}

const consoleLogger: ApiLogger = {
  info: (message) => console.info(message),
  error: (message, error) => console.error(message, error),
};

export function apiContext(deps: ApiDeps, version: string): ApiContext {
  const now = deps.clock ? () => deps.clock!.now() : () => Date.now();
  return {
    store: deps.store,
    now,
    telephonyStatus: deps.telephonyStatus,
    databaseKind: deps.database?.kind ?? deps.store.kind,
    activeCalls: deps.activeCalls ?? (() => 0),
    version: deps.version ?? version,
    passwords: deps.passwords ?? argon2Passwords(),
    tts:
      deps.tts ??
      espeakRenderer({
        // Never a shared, predictable /tmp path: a file planted there would be served as speech.
        cacheDir: deps.ttsCacheDir ?? join(tmpdir(), `frontdoor-tts-${randomBytes(12).toString('hex')}`),
        ...(deps.ttsCacheBytes !== undefined ? { maxBytes: deps.ttsCacheBytes } : {}),
      }),
    allowedOrigins: (deps.allowedOrigins ?? []).flatMap((origin) => normaliseOrigin(origin) ?? []),
    trustProxy: deps.trustProxy ?? false,
    sessionTtlMs: deps.sessionTtlMs ?? 12 * 60 * 60_000,
    secureCookies: deps.secureCookies ?? false,
    loginLimits: { ...DEFAULT_LOGIN_LIMITS, ...deps.loginLimits },
    passwordChecks: new ConcurrencyLimit('password checks', 4, 64),
    ttsRenders: new ConcurrencyLimit('text-to-speech renders', 2, 16),
    secrets: new SecretVault(deps.store.secrets, deps.secretsKey ?? randomBytes(SECRETS_KEY_BYTES)),
    logger: deps.logger ?? consoleLogger,
    startedAt: now(),
    desk: deps.desk,
    listenIn: deps.listenIn,
    phoneSpeech: deps.phoneSpeech,
    testCallPay360: deps.testCallPay360,
    paymentNotified: deps.paymentNotified ?? (() => undefined),
  };
}
