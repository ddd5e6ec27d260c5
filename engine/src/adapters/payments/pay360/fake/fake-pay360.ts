/**
 * A FAKE of Pay360's telephone payment service, in memory, on any Clock: installations with API
 * credentials, telephone sessions with one-time tokens, transactions findable by id and by merchant
 * reference, and the payment line's side (a caller keys the token, then a card). It stands in for
 * Pay360 in tests, the designer's test calls and `npm start` with no Pay360 configured — it never
 * takes money. Card details are judged (test-cards.ts) and dropped at once: a transaction keeps the
 * card's scheme and last four digits, as Pay360 reports them, and nothing else.
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../../../../ports/index.js';
import type { TransactionRecord, TransactionState } from '../pay360-api.js';
import { poundsOf } from '../pay360-api.js';
import { checkCard, type CardField } from './test-cards.js';

export interface FakeInstallation {
  installationId: string;
  username: string;
  password: string;
}

export interface FakePay360Options {
  clock: Clock;
  installations: FakeInstallation[];
  /** How long a session waits for its caller before it expires (default 15 minutes). */
  sessionTtlMs?: number;
  /** Who the payment line says the caller is paying. */
  merchantName?: string;
  /** Told whenever a transaction reaches a final state (the HTTP face POSTs notifications from here). */
  onFinished?: (transaction: TransactionRecord & { sessionId: string }, notificationUrl: string | undefined) => void;
}

export type SessionState = 'AWAITING_CALLER' | 'IN_PROGRESS' | 'COMPLETED' | 'EXPIRED';

interface Session {
  id: string;
  installationId: string;
  token: string;
  merchantReference: string;
  amountMinor?: number;
  description?: string;
  notificationUrl?: string;
  expiresAt: number;
  state: SessionState;
  transactionId: string;
}

interface Transaction {
  id: string;
  installationId: string;
  sessionId: string;
  merchantReference: string;
  status: TransactionState;
  amountMinor?: number;
  at: number;
  scheme?: string;
  lastFour?: string;
  reasonCode?: string;
  reasonMessage?: string;
}

/** What the payment line learns when a caller keys a valid token. */
export interface CallIn {
  sessionId: string;
  merchantName: string;
  /** Undefined: the caller keys the amount. */
  amountMinor?: number;
  description?: string;
}

export type CardOutcome =
  | { kind: 'retry'; field: CardField }
  | { kind: 'finished'; approved: boolean; reason: string };

/** How many times the payment line lets a caller re-key a field before it gives up. */
export const CARD_ENTRY_ATTEMPTS = 3;

export class FakePay360 {
  private readonly sessions = new Map<string, Session>();
  private readonly transactions = new Map<string, Transaction>();
  private readonly byToken = new Map<string, string>();
  private count = 0;
  /** Charges actually made (SUCCESS), for tests that prove a retry charged nothing more. */
  charges = 0;

  constructor(private readonly options: FakePay360Options) {}

  get clock(): Clock {
    return this.options.clock;
  }

  /** The installation these credentials open, or undefined. */
  installation(installationId: string, username: string, password: string): FakeInstallation | undefined {
    return this.options.installations.find((i) => i.installationId === installationId && i.username === username && i.password === password);
  }

  hasInstallation(installationId: string): boolean {
    return this.options.installations.some((i) => i.installationId === installationId);
  }

  createSession(input: { installationId: string; merchantReference: string; amountMinor?: number; description?: string; notificationUrl?: string }) {
    const n = ++this.count;
    const id = `fake-session-${n}`;
    const transactionId = `FAKE${String(n).padStart(8, '0')}`;
    let token: string;
    do token = String(randomInt(100_000, 1_000_000));
    while (this.byToken.has(token));
    const now = this.clock.now();
    const session: Session = {
      id,
      installationId: input.installationId,
      token,
      merchantReference: input.merchantReference,
      expiresAt: now + (this.options.sessionTtlMs ?? 15 * 60_000),
      state: 'AWAITING_CALLER',
      transactionId,
      ...(input.amountMinor !== undefined ? { amountMinor: input.amountMinor } : {}),
      ...(input.description ? { description: input.description } : {}),
      ...(input.notificationUrl ? { notificationUrl: input.notificationUrl } : {}),
    };
    this.sessions.set(id, session);
    this.byToken.set(token, id);
    this.transactions.set(transactionId, {
      id: transactionId,
      installationId: input.installationId,
      sessionId: id,
      merchantReference: input.merchantReference,
      status: 'NOT_SUBMITTED',
      at: now,
      ...(input.amountMinor !== undefined ? { amountMinor: input.amountMinor } : {}),
    });
    return { sessionId: id, telephoneToken: token, expiresAt: new Date(session.expiresAt).toISOString() };
  }

  sessionStatus(installationId: string, sessionId: string) {
    const session = this.current(sessionId);
    if (!session || session.installationId !== installationId) return undefined;
    const transaction = this.transactions.get(session.transactionId)!;
    return {
      sessionId,
      sessionState: session.state,
      transactionState: { transactionState: transaction.status, ...(transaction.status === 'NOT_SUBMITTED' ? {} : { id: transaction.id }) },
    };
  }

  transaction(installationId: string, transactionId: string): TransactionRecord | undefined {
    const t = this.transactions.get(transactionId);
    if (!t || t.installationId !== installationId) return undefined;
    this.current(t.sessionId);
    return recordOf(t);
  }

  byReference(installationId: string, merchantReference: string): TransactionRecord[] {
    return [...this.transactions.values()]
      .filter((t) => t.installationId === installationId && t.merchantReference === merchantReference)
      .map((t) => (this.current(t.sessionId), recordOf(t)));
  }

  // ───────────── the payment line's side ─────────────

  /** A caller keyed `token`: the session it opens (once), or undefined for an unknown or used token. */
  callIn(token: string): CallIn | undefined {
    const sessionId = this.byToken.get(token);
    const session = sessionId ? this.current(sessionId) : undefined;
    if (!session || session.state !== 'AWAITING_CALLER') return undefined;
    this.byToken.delete(token);
    session.state = 'IN_PROGRESS';
    this.transactions.get(session.transactionId)!.status = 'PROCESSING';
    return {
      sessionId: session.id,
      merchantName: this.options.merchantName ?? 'Westshire County Council',
      ...(session.amountMinor !== undefined ? { amountMinor: session.amountMinor } : {}),
      ...(session.description ? { description: session.description } : {}),
    };
  }

  /** The caller keyed the amount (sessions created without one). */
  setAmount(sessionId: string, amountMinor: number): boolean {
    const session = this.sessions.get(sessionId);
    if (!session || session.state !== 'IN_PROGRESS' || session.amountMinor !== undefined) return false;
    if (!Number.isSafeInteger(amountMinor) || amountMinor < 1 || amountMinor > 100_000_000) return false;
    session.amountMinor = amountMinor;
    this.transactions.get(session.transactionId)!.amountMinor = amountMinor;
    return true;
  }

  /** The caller keyed a card: judged, then forgotten. A malformed field is asked for again. */
  submitCard(sessionId: string, card: { pan: string; expiry: string; securityCode: string }): CardOutcome {
    const session = this.sessions.get(sessionId);
    if (!session || session.state !== 'IN_PROGRESS') return { kind: 'finished', approved: false, reason: 'Session is not in progress' };
    const check = checkCard(card, this.clock.now());
    if (!check.ok) return { kind: 'retry', field: check.field };
    const t = this.transactions.get(session.transactionId)!;
    t.scheme = check.scheme;
    t.lastFour = check.lastFour;
    this.finish(session, check.approved ? 'SUCCESS' : 'FAILED', check.approved ? 'S100' : 'V100', check.reason);
    return { kind: 'finished', approved: check.approved, reason: check.reason };
  }

  /** The simulator's world decided the outcome: finish without a card. */
  settle(sessionId: string, approved: boolean): void {
    const session = this.sessions.get(sessionId);
    if (session?.state !== 'IN_PROGRESS') return;
    const t = this.transactions.get(session.transactionId)!;
    t.scheme = 'Visa';
    t.lastFour = '1111';
    this.finish(session, approved ? 'SUCCESS' : 'FAILED', approved ? 'S100' : 'V100', approved ? 'Authorised' : 'Declined by the card issuer');
  }

  /** The caller hung up or gave up on the payment line. */
  abandon(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session?.state === 'IN_PROGRESS') this.finish(session, 'CANCELLED', 'C100', 'Cancelled by the caller');
  }

  private finish(session: Session, status: TransactionState, reasonCode: string, reasonMessage: string): void {
    const t = this.transactions.get(session.transactionId)!;
    session.state = 'COMPLETED';
    t.status = status;
    t.at = this.clock.now();
    t.reasonCode = reasonCode;
    t.reasonMessage = reasonMessage;
    if (status === 'SUCCESS') this.charges += 1;
    this.options.onFinished?.({ ...recordOf(t), sessionId: session.id }, session.notificationUrl);
  }

  /** The session, expired first if its caller never came. */
  private current(sessionId: string): Session | undefined {
    const session = this.sessions.get(sessionId);
    if (session?.state === 'AWAITING_CALLER' && this.clock.now() >= session.expiresAt) {
      session.state = 'EXPIRED';
      this.byToken.delete(session.token);
      const t = this.transactions.get(session.transactionId)!;
      t.status = 'EXPIRED';
    }
    return session;
  }
}

function recordOf(t: Transaction): TransactionRecord {
  return {
    transaction: {
      transactionId: t.id,
      merchantRef: t.merchantReference,
      status: t.status,
      type: 'PAYMENT',
      ...(t.amountMinor !== undefined ? { amount: poundsOf(t.amountMinor) } : {}),
      currency: 'GBP',
      transactionTime: new Date(t.at).toISOString(),
    },
    ...(t.lastFour ? { paymentMethod: { card: { maskedPan: `************${t.lastFour}`, cardScheme: t.scheme } } } : {}),
    ...(t.reasonCode ? { outcome: { status: t.status, reasonCode: t.reasonCode, reasonMessage: t.reasonMessage } } : {}),
  };
}
