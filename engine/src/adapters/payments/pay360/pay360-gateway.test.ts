import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/system-clock.js';
import { FetchHttpClient } from '../../http/fetch-http-client.js';
import { FakePay360 } from './fake/fake-pay360.js';
import { serveFakePay360, type RunningFakePay360 } from './fake/fake-pay360-http.js';
import { Pay360Gateway, type Pay360Settings } from './pay360-gateway.js';
import type { PaymentRequest, PaymentSession } from '../../../ports/index.js';

const installation = { installationId: '5301234', username: 'council-api', password: 'not-a-real-password' };
const signal = new AbortController().signal;
const request = (merchantReference: string, extra: Partial<PaymentRequest> = {}): PaymentRequest => ({
  callId: 'call-1',
  amountMinor: 7000,
  currency: 'GBP',
  reference: merchantReference,
  merchantReference,
  description: 'Parking fine',
  signal,
  ...extra,
});

describe('Pay360 gateway, over HTTP against the fake Pay360', () => {
  const clock = new SystemClock();
  const fake = new FakePay360({ clock, installations: [installation] });
  let server: RunningFakePay360;
  let gateway: Pay360Gateway;
  let settings: Pay360Settings;
  const warnings: string[] = [];

  beforeAll(async () => {
    server = await serveFakePay360(fake);
    settings = {
      baseUrl: server.url,
      ...installation,
      paymentLine: { kind: 'sip', uri: 'sip:callsecure@pay360.example' },
      requestTimeoutMs: 500,
      pollIntervalMs: 20,
      settleTimeoutMs: 300,
      resultTimeoutMs: 300,
      notificationUrl: 'https://frontdoor.example.gov.uk/api/payments/pay360/notifications',
    };
    gateway = new Pay360Gateway(new FetchHttpClient({ allowedNetworks: ['127.0.0.0/8'] }), clock, settings, { warn: (m) => warnings.push(m) });
  });
  afterAll(() => server?.close());

  async function handOff(merchantReference: string): Promise<PaymentSession> {
    const start = await gateway.start(request(merchantReference));
    if (start.kind !== 'handOff') throw new Error(`expected a session, got ${JSON.stringify(start)}`);
    return start.session;
  }

  it('creates a session with a one-time token for the payment line, then reads the paid outcome with the card as last four digits', async () => {
    const session = await handOff('PCN0001');
    expect(session).toMatchObject({ sessionId: expect.any(String), reference: 'PCN0001', merchantReference: 'PCN0001', destination: settings.paymentLine, dtmfToken: expect.stringMatching(/^\d{6}#$/) });
    const call = fake.callIn(session.dtmfToken.slice(0, -1));
    expect(call).toMatchObject({ amountMinor: 7000, description: 'Parking fine' });
    expect(fake.submitCard(call!.sessionId, { pan: '4444333322221111', expiry: '1230', securityCode: '737' })).toEqual({ kind: 'finished', approved: true, reason: 'Authorised' });
    expect(await gateway.awaitResult(session, { handedBack: true, signal })).toEqual({
      status: 'paid',
      currency: 'GBP',
      reference: 'PCN0001',
      merchantReference: 'PCN0001',
      amountMinor: 7000,
      transactionId: expect.stringMatching(/^FAKE/),
      maskedCard: '**** 1111',
    });
  });

  it('never charges twice: a retry under a paid merchant reference finds the earlier payment and creates nothing', async () => {
    const charges = fake.charges;
    const retry = await gateway.start(request('PCN0001'));
    expect(retry).toMatchObject({ kind: 'finished', result: { status: 'paid', previouslyPaid: true, maskedCard: '**** 1111', amountMinor: 7000 } });
    expect(fake.charges).toBe(charges);
    expect(fake.byReference(installation.installationId, 'PCN0001')).toHaveLength(1);
    // A different amount under the same reference is a different payment (a part payment).
    expect((await gateway.start(request('PCN0001', { amountMinor: 500 }))).kind).toBe('handOff');
  });

  it('refuses to start while the same reference is being keyed on the line; a declined card leaves it free to retry', async () => {
    const session = await handOff('INV-77');
    const call = fake.callIn(session.dtmfToken.slice(0, -1))!;
    expect(await gateway.start(request('INV-77'))).toMatchObject({ kind: 'finished', result: { status: 'error', reason: 'in-progress' } });
    fake.submitCard(call.sessionId, { pan: '4000000000000002', expiry: '1230', securityCode: '737' });
    expect(await gateway.awaitResult(session, { handedBack: true, signal })).toMatchObject({ status: 'declined', maskedCard: '**** 0002', reason: 'V100' });
    expect((await gateway.start(request('INV-77'))).kind).toBe('handOff');
  });

  it('knows a caller who never reached the card prompts is abandoned, and says so when no final state comes', async () => {
    const untouched = await handOff('BB-1');
    expect(await gateway.awaitResult(untouched, { handedBack: true, signal })).toMatchObject({ status: 'abandoned' });
    const keying = await handOff('BB-2');
    fake.callIn(keying.dtmfToken.slice(0, -1));
    expect(await gateway.awaitResult(keying, { handedBack: false, signal })).toMatchObject({ status: 'error', reason: 'outcome-unknown' });
    expect(warnings.at(-1)).toContain(`no final outcome from Pay360 for session ${keying.sessionId}`);
  });

  it('wakes a waiter at once when a notification for its session arrives', async () => {
    const slow = new Pay360Gateway(new FetchHttpClient({ allowedNetworks: ['127.0.0.0/8'] }), clock, { ...settings, pollIntervalMs: 60_000, resultTimeoutMs: 120_000 });
    const start = await slow.start(request('WAKE-1'));
    if (start.kind !== 'handOff') throw new Error('expected a session');
    const call = fake.callIn(start.session.dtmfToken.slice(0, -1))!;
    const waiting = slow.awaitResult(start.session, { handedBack: false, signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    fake.submitCard(call.sessionId, { pan: '5555555555554444', expiry: '1230', securityCode: '737' });
    // Without the notification the next read would be a minute away, past this test's time limit.
    slow.notified(start.session.sessionId);
    expect(await waiting).toMatchObject({ status: 'paid', maskedCard: '**** 4444' });
  });

  it('turns wrong credentials, a slow, failing or unreachable Pay360 into error results with a reason', async () => {
    const wrong = new Pay360Gateway(new FetchHttpClient({ allowedNetworks: ['127.0.0.0/8'] }), clock, { ...settings, password: 'wrong' }, { warn: (m) => warnings.push(m) });
    expect(await wrong.start(request('X-1'))).toMatchObject({ kind: 'finished', result: { status: 'error', reason: 'service-error' } });
    expect(warnings.at(-1)).toMatch(/answered 401 \(A401 Authentication failed\)/);

    server.fault.delayMs = 1000;
    expect(await gateway.start(request('X-2'))).toMatchObject({ kind: 'finished', result: { status: 'error', reason: 'timeout', amountMinor: 7000 } });
    server.fault.delayMs = 0;
    server.fault.status = 503;
    expect(await gateway.start(request('X-3'))).toMatchObject({ kind: 'finished', result: { status: 'error', reason: 'service-error' } });
    server.fault.status = undefined;
    server.fault.drop = true;
    expect(await gateway.start(request('X-4'))).toMatchObject({ kind: 'finished', result: { status: 'error', reason: 'unreachable' } });
    server.fault.drop = false;
    const nowhere = new Pay360Gateway(new FetchHttpClient({ allowedNetworks: ['127.0.0.0/8'] }), clock, { ...settings, baseUrl: 'http://127.0.0.1:9' });
    expect(await nowhere.start(request('X-5'))).toMatchObject({ kind: 'finished', result: { status: 'error', reason: 'unreachable' } });
  });

  it('reads answers it does not understand as service errors, not crashes', async () => {
    const garbled = new Pay360Gateway(
      { request: async () => ({ kind: 'response', status: 200, headers: {}, body: '{"status":"SUCCESS","sessionId":"s","telephoneToken":"12ab"}' }) },
      clock,
      settings,
      { warn: (m) => warnings.push(m) },
    );
    expect(await garbled.start(request('X-6'))).toMatchObject({ kind: 'finished', result: { status: 'error', reason: 'service-error' } });
    expect(warnings.join('\n')).not.toMatch(/4444333322221111|5555555555554444|4000000000000002/);
  });
});
