import type { Clock, PaymentGateway, PaymentRequest, PaymentResult, PaymentSession } from '../../../ports/index.js';
import type { World } from './world.js';

/** Where the simulated card service answers. */
export const SIMULATED_CARD_SERVICE = 'sip:callsecure@pay360.simulated';
/** How long the card service takes to report, after the session is made. */
export const CARD_SERVICE_RESULT_MS = 2000;

/**
 * A FAKE of Pay360 Call Secure's hand-off, for the simulator: makes a session with a one-time DTMF
 * token and reports the world's payment result. It never sees, asks for or holds card data.
 */
export class SimulatedPaymentGateway implements PaymentGateway {
  private readonly sessions = new Map<string, PaymentRequest>();
  private sessionCount = 0;

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
  ) {}

  async createSession(request: PaymentRequest): Promise<PaymentSession> {
    const n = ++this.sessionCount;
    const sessionId = `simulated-pay360-session-${n}`;
    this.sessions.set(sessionId, request);
    return {
      sessionId,
      destination: { kind: 'sip', uri: SIMULATED_CARD_SERVICE },
      dtmfToken: `*${String(700 + n).padStart(4, '0')}#`,
    };
  }

  async awaitResult(sessionId: string, signal: AbortSignal): Promise<PaymentResult> {
    const request = this.sessions.get(sessionId);
    if (!request) throw new Error(`simulated payment session "${sessionId}" does not exist`);
    await this.clock.sleep(CARD_SERVICE_RESULT_MS, signal);
    this.sessions.delete(sessionId);
    // A flow that leaves the amount to the service: the service looks up what is owed for the reference.
    const amountMinor = request.amountMinor ?? this.world.amountsDue[request.reference];
    const status = amountMinor === undefined ? 'failed' : this.world.payments;
    return {
      status,
      amountMinor: amountMinor ?? 0,
      currency: request.currency,
      reference: request.reference,
      ...(status === 'paid' ? { transactionId: `simulated-txn-${sessionId.split('-').pop()}` } : {}),
    };
  }
}
