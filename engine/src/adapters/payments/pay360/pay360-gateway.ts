import type { z } from 'zod';
import type {
  Clock,
  Destination,
  HttpClient,
  PaymentErrorReason,
  PaymentGateway,
  PaymentRequest,
  PaymentResult,
  PaymentSession,
  PaymentStart,
} from '../../../ports/index.js';
import {
  byReferenceResponse,
  createSessionResponse,
  failure,
  lastFourOnly,
  pay360Paths,
  penceOf,
  poundsOf,
  sessionStatusResponse,
  transactionRecord,
  type CreateSessionRequest,
  type TransactionRecord,
  type TransactionState,
} from './pay360-api.js';

/** One Pay360 installation, as configured (payments.pay360 in the config file). */
export interface Pay360Settings {
  /** https://api.mite.pay360.com (test) or https://api.pay360.com (live), or the fake's address. */
  baseUrl: string;
  installationId: string;
  /** The installation's API credentials (HTTP Basic). */
  username: string;
  password: string;
  /** Pay360's payment line: where callers are handed, with the session's token keyed first. */
  paymentLine: Destination;
  /** Longest wait for one REST request. */
  requestTimeoutMs: number;
  /** How often a session's state is read while a payment is under way. */
  pollIntervalMs: number;
  /** Once the caller is back from the payment line, how long Pay360 has to report a final state. */
  settleTimeoutMs: number;
  /** While the caller is still on the payment line (handed over for good), how long to keep reading. */
  resultTimeoutMs: number;
  /** Where Pay360 should POST transaction notifications (our /api/payments/pay360/notifications). */
  notificationUrl?: string;
}

export interface GatewayLogger {
  warn(message: string): void;
}

type Answer<T> = { ok: true; value: T } | { ok: false; reason: PaymentErrorReason; detail: string };

const TERMINAL = new Set<TransactionState>(['SUCCESS', 'FAILED', 'EXPIRED', 'CANCELLED', 'VOIDED']);

/**
 * The Pay360 adapter for the PaymentGateway port: REST over an HttpClient (real HTTP in production,
 * the fake's in-process client on simulated time). Idempotent by merchant reference — it looks the
 * reference up before creating anything — and every timeout, refusal or unreadable answer becomes an
 * `error` result with a reason, never an exception a caller would hear as silence.
 */
export class Pay360Gateway implements PaymentGateway {
  private readonly authorization: string;
  /** Sessions whose notification arrived: their waiters read the state again at once. */
  private readonly wakers = new Map<string, Set<() => void>>();

  constructor(
    private readonly http: HttpClient,
    private readonly clock: Clock,
    private readonly settings: Pay360Settings,
    private readonly logger?: GatewayLogger,
  ) {
    this.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
  }

  async start(request: PaymentRequest): Promise<PaymentStart> {
    const base = { currency: request.currency, reference: request.reference, merchantReference: request.merchantReference };
    const finished = (result: Omit<PaymentResult, keyof typeof base>): PaymentStart => ({ kind: 'finished', result: { ...base, ...result } });
    const amount = request.amountMinor !== undefined ? { amountMinor: request.amountMinor } : {};

    const earlier = await this.byReference(request.merchantReference, request.signal);
    if (!earlier.ok) return finished({ status: 'error', reason: earlier.reason, ...amount });
    const paid = earlier.value.find(
      (t) => t.transaction.status === 'SUCCESS' && (request.amountMinor === undefined || amountOf(t) === request.amountMinor),
    );
    if (paid) return finished({ ...resultOf(paid), status: 'paid', previouslyPaid: true });
    if (earlier.value.some((t) => t.transaction.status === 'PROCESSING')) return finished({ status: 'error', reason: 'in-progress', ...amount });

    const body: CreateSessionRequest = {
      transaction: {
        merchantReference: request.merchantReference,
        money: { currency: 'GBP', ...(request.amountMinor !== undefined ? { amount: { fixed: poundsOf(request.amountMinor) } } : {}) },
        ...(request.description ? { description: request.description.slice(0, 255) } : {}),
      },
      ...(this.settings.notificationUrl ? { session: { transactionNotification: { url: this.settings.notificationUrl } } } : {}),
    };
    const created = await this.request('POST', pay360Paths.createSession(this.settings.installationId), createSessionResponse, request.signal, body);
    if (!created.ok) return finished({ status: 'error', reason: created.reason, ...amount });
    return {
      kind: 'handOff',
      session: {
        sessionId: created.value.sessionId,
        reference: request.reference,
        merchantReference: request.merchantReference,
        destination: this.settings.paymentLine,
        dtmfToken: `${created.value.telephoneToken}#`,
      },
    };
  }

  async awaitResult(session: PaymentSession, options: { handedBack: boolean; signal: AbortSignal }): Promise<PaymentResult> {
    const { signal } = options;
    const deadline = this.clock.now() + (options.handedBack ? this.settings.settleTimeoutMs : this.settings.resultTimeoutMs);
    const base = { currency: 'GBP' as const, reference: session.reference, merchantReference: session.merchantReference };
    let last: Answer<z.infer<typeof sessionStatusResponse>>;
    for (;;) {
      last = await this.request('GET', pay360Paths.sessionStatus(this.settings.installationId, session.sessionId), sessionStatusResponse, signal);
      if (last.ok) {
        const { transactionState, sessionState } = last.value;
        if (TERMINAL.has(transactionState.transactionState)) return this.finalResult(session, transactionState.transactionState, transactionState.id, signal);
        // Back from the payment line without a card ever submitted: the caller gave up there.
        if (options.handedBack && transactionState.transactionState === 'NOT_SUBMITTED' && sessionState !== 'IN_PROGRESS') {
          return { ...base, status: 'abandoned' };
        }
      }
      const remaining = deadline - this.clock.now();
      if (remaining <= 0) break;
      await this.nap(session.sessionId, Math.min(this.settings.pollIntervalMs, remaining), signal);
    }
    if (last.ok && last.value.transactionState.transactionState === 'NOT_SUBMITTED' && options.handedBack) return { ...base, status: 'abandoned' };
    const reason: PaymentErrorReason = last.ok ? 'outcome-unknown' : last.reason;
    this.logger?.warn(`payments: no final outcome from Pay360 for session ${session.sessionId} (${reason}); check it in Pay360's back office`);
    return { ...base, status: 'error', reason };
  }

  /** A notification from Pay360 (already parsed): whoever waits on that session reads its state again now. */
  notified(sessionId: string): void {
    for (const wake of this.wakers.get(sessionId) ?? []) wake();
  }

  private async finalResult(session: PaymentSession, state: TransactionState, transactionId: string | undefined, signal: AbortSignal): Promise<PaymentResult> {
    const base = { currency: 'GBP' as const, reference: session.reference, merchantReference: session.merchantReference };
    if (transactionId) {
      const read = await this.request('GET', pay360Paths.transaction(this.settings.installationId, transactionId), transactionRecord, signal);
      if (read.ok) return { ...base, ...resultOf(read.value) };
    }
    return { ...base, status: statusOf(state), ...(transactionId ? { transactionId } : {}) };
  }

  private async byReference(merchantReference: string, signal: AbortSignal): Promise<Answer<TransactionRecord[]>> {
    // No transactions under the reference may be a 404 rather than an empty list.
    const answer = await this.request('GET', pay360Paths.byReference(this.settings.installationId, merchantReference), byReferenceResponse, signal, undefined, {
      transactions: [],
    });
    return answer.ok ? { ok: true, value: answer.value.transactions } : answer;
  }

  /** Sleep until the next poll, or until a notification for the session arrives. */
  private nap(sessionId: string, ms: number, signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    const wake = () => woken.abort();
    const set = this.wakers.get(sessionId) ?? new Set();
    set.add(wake);
    this.wakers.set(sessionId, set);
    return this.clock.sleep(ms, AbortSignal.any([signal, woken.signal])).then(
      () => undefined,
      () => signal.throwIfAborted(),
    ).finally(() => {
      set.delete(wake);
      if (set.size === 0) this.wakers.delete(sessionId);
    });
  }

  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    signal: AbortSignal,
    body?: unknown,
    /** What a 404 means, when it means "nothing" rather than a fault. */
    notFound?: z.infer<S>,
  ): Promise<Answer<z.infer<S>>> {
    const response = await this.http.request({
      method,
      url: `${this.settings.baseUrl.replace(/\/+$/, '')}${path}`,
      headers: { authorization: this.authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      timeoutMs: this.settings.requestTimeoutMs,
      signal,
    });
    const what = `${method} ${path.split('?')[0]}`;
    if (response.kind === 'timeout') return this.refused('timeout', `${what}: no answer within ${this.settings.requestTimeoutMs} ms`);
    if (response.kind === 'unreachable') return this.refused('unreachable', `${what}: ${response.reason}`);
    if (response.status === 404 && notFound !== undefined) return { ok: true, value: notFound };
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      return this.refused('service-error', `${what}: answered ${response.status} with a body that is not JSON`);
    }
    if (response.status >= 300) {
      const problem = failure.safeParse(json);
      const why = problem.success ? [problem.data.reasonCode, problem.data.reasonMessage].filter(Boolean).join(' ') : '';
      return this.refused('service-error', `${what}: answered ${response.status}${why ? ` (${why})` : ''}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) return this.refused('service-error', `${what}: unexpected answer (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
    return { ok: true, value: parsed.data };
  }

  private refused(reason: PaymentErrorReason, detail: string): Answer<never> {
    this.logger?.warn(`payments: Pay360 ${detail}`);
    return { ok: false, reason, detail };
  }
}

function statusOf(state: TransactionState): PaymentResult['status'] {
  switch (state) {
    case 'SUCCESS':
      return 'paid';
    case 'FAILED':
      return 'declined';
    case 'CANCELLED':
    case 'EXPIRED':
      return 'abandoned';
    default:
      return 'error';
  }
}

function amountOf(record: TransactionRecord): number | undefined {
  return record.transaction.amount === undefined ? undefined : penceOf(record.transaction.amount);
}

/** What a transaction tells us, with the card reduced to its last four digits. */
function resultOf(record: TransactionRecord): Omit<PaymentResult, 'currency' | 'reference' | 'merchantReference'> {
  const status = statusOf(record.transaction.status);
  const amountMinor = amountOf(record);
  const maskedCard = lastFourOnly(record.paymentMethod?.card?.maskedPan);
  const reason = status === 'paid' ? undefined : status === 'error' ? 'service-error' : record.outcome?.reasonCode;
  return {
    status,
    transactionId: record.transaction.transactionId,
    ...(amountMinor !== undefined ? { amountMinor } : {}),
    ...(maskedCard ? { maskedCard } : {}),
    ...(reason ? { reason } : {}),
  };
}
