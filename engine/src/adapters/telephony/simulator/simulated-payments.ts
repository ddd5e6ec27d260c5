/**
 * Payments in the simulator: the real Pay360 adapter talking to the FAKE Pay360 — in process on
 * simulated time (flow tests, node tests, benches), or over HTTP to the engine's own fake server (the
 * designer's test calls) — and the fake's payment line as the far end a hand-off reaches, so a whole
 * payment can be keyed in a test call. The world can force what Pay360 does: an outcome, an error,
 * being unreachable or too slow.
 */
import type { Clock, HttpClient, HttpRequest, HttpResponse, PaymentGateway } from '../../../ports/index.js';
import { FakePay360 } from '../../payments/pay360/fake/fake-pay360.js';
import { inProcessPay360Client } from '../../payments/pay360/fake/fake-pay360-http.js';
import { runPaymentLine } from '../../payments/pay360/fake/payment-line.js';
import { FAKE_GATEWAY_SETTINGS, FAKE_INSTALLATION, FAKE_PAYMENT_LINE, type SharedFakePay360 } from '../../payments/pay360/fake/stand-in.js';
import { Pay360Gateway } from '../../payments/pay360/pay360-gateway.js';
import type { FarEnds } from './far-end.js';
import type { World } from './world.js';

/** Pay360 as the world has it behave: answering, failing to create sessions, unreachable, or too slow. */
function asTheWorldSays(mode: World['payments'], inner: HttpClient, clock: Clock): HttpClient {
  if (mode === 'unreachable') return { request: async () => ({ kind: 'unreachable', reason: 'fake-pay360.invalid: connection refused (simulated)' }) };
  if (mode === 'slow') {
    return {
      async request(request: HttpRequest): Promise<HttpResponse> {
        await clock.sleep(request.timeoutMs, request.signal);
        return { kind: 'timeout' };
      },
    };
  }
  if (mode !== 'error') return inner;
  return {
    request: async (request) =>
      request.method === 'POST'
        ? { kind: 'response', status: 503, headers: {}, body: JSON.stringify({ status: 'FAILED', reasonCode: 'S503', reasonMessage: 'Service unavailable (simulated)' }) }
        : inner.request(request),
  };
}

/** The far ends (the fake's payment line) of the payment stand-ins this module made, by stand-in. */
const farEndsByGateway = new WeakMap<PaymentGateway, FarEnds>();

/** Who answers a hand-off in a call whose payments port is `payments`: the fake's payment line, for a stand-in made here. */
export function farEndsOf(payments: PaymentGateway): FarEnds | undefined {
  return farEndsByGateway.get(payments);
}

export function simulatedPayments(world: World, clock: Clock, shared?: SharedFakePay360): PaymentGateway {
  const fake = shared?.fake ?? new FakePay360({ clock, installations: [FAKE_INSTALLATION] });
  const http = shared?.http ?? inProcessPay360Client(fake);
  const baseUrl = shared?.baseUrl ?? 'https://fake-pay360.invalid';
  const payments = new Pay360Gateway(asTheWorldSays(world.payments, http, clock), clock, { ...FAKE_GATEWAY_SETTINGS, baseUrl });
  const force = world.payments === 'paid' || world.payments === 'declined' || world.payments === 'abandoned' ? world.payments : undefined;
  const farEnds: FarEnds = (destination) =>
    destination.kind === 'sip' && destination.uri === FAKE_PAYMENT_LINE
      ? {
          async converse(line, signal) {
            await runPaymentLine(fake, line, signal, force);
          },
        }
      : undefined;
  farEndsByGateway.set(payments, farEnds);
  return payments;
}
