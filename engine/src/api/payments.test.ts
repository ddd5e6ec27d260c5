import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINE_INSTANCE_ID, testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import type { CallEvent } from '../ports/call-events.js';
import { csvCell } from './routes/payments.js';
import { startTestApi, type RunningApi } from './testing/api-harness.js';

describe.each(testDatabases())('payments API ($name)', (backend) => {
  let api: RunningApi;
  const notified: string[] = [];
  const store = withTestStore(backend);
  beforeAll(async () => {
    api = await startTestApi(store(), { paymentNotified: (sessionId) => notified.push(sessionId) });
    // Three attempts on two calls: paid, declined, and one with a reference a spreadsheet would run.
    const at = Date.parse('2026-03-02T10:00:00Z');
    let seq = 0;
    const event = (callId: string, type: CallEvent['type'], data: CallEvent['data'], ms: number): CallEvent => ({ callId, seq: ++seq, at: at + ms, type, nodeId: 'take-payment', data });
    for (const [callId, kind] of [['phone-1', 'phone'], ['test-1', 'test']] as const) {
      await api.store.calls.start({ id: callId, kind, from: '+447700900123', to: '+441234500000', startedAt: new Date(at), engineInstanceId: TEST_ENGINE_INSTANCE_ID });
    }
    await api.store.calls.appendEvents([
      event('phone-1', 'payment.started', { reference: 'PCN10000001', merchantReference: 'PCN10000001', amountPence: 7000 }, 0),
      event('phone-1', 'payment.ended', { status: 'paid', amountPence: 7000, transactionId: 'T-100', maskedCard: '**** 1111', previouslyPaid: false }, 60_000),
      event('phone-1', 'payment.started', { reference: '=HYPERLINK("x")', amountPence: 500 }, 120_000),
      event('phone-1', 'payment.ended', { status: 'declined', transactionId: 'T-101', maskedCard: '**** 0002', reason: 'V100' }, 180_000),
    ]);
    seq = 0;
    await api.store.calls.appendEvents([
      event('test-1', 'payment.started', { reference: 'INV-9', amountPence: 2500 }, 240_000),
      event('test-1', 'payment.ended', { status: 'abandoned', transactionId: 'T-102' }, 300_000),
    ]);
  });
  afterAll(() => api?.close());

  it('lists payments newest first for the payments role, with the call’s kind, filtered by status, reference and kind', async () => {
    const all = await api.call('GET', '/api/payments', { as: 'payments' });
    expect(all.status).toBe(200);
    expect(all.json).toMatchObject({ total: 3, page: 1 });
    expect(all.json.items.map((p: { reference: string; status: string }) => [p.reference, p.status])).toEqual([
      ['INV-9', 'abandoned'],
      ['=HYPERLINK("x")', 'declined'],
      ['PCN10000001', 'paid'],
    ]);
    expect(all.json.items[2]).toMatchObject({ callId: 'phone-1', callKind: 'phone', amountMinor: 7000, maskedCard: '**** 1111', gatewayTransactionId: 'T-100', previouslyPaid: false });
    const paid = await api.call('GET', '/api/payments?status=paid&kind=phone', { as: 'admin' });
    expect(paid.json.items.map((p: { id: string }) => p.id)).toEqual(['phone-1:1']);
    expect((await api.call('GET', '/api/payments?reference=INV-9', { as: 'payments' })).json.total).toBe(1);
    expect((await api.call('GET', '/api/payments?since=2026-03-02T10:03:00Z', { as: 'payments' })).json.total).toBe(1);
    const bad = await api.call('GET', '/api/payments?status=refunded', { as: 'payments' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('query.status');
  });

  it('keeps payments from designers, publishers and viewers', async () => {
    for (const role of ['viewer', 'designer', 'publisher'] as const) {
      expect((await api.call('GET', '/api/payments', { as: role })).status).toBe(403);
      expect((await api.call('GET', '/api/payments/export', { as: role })).status).toBe(403);
    }
  });

  it('exports CSV that a spreadsheet cannot run, and records who exported what', async () => {
    const csv = await api.call('GET', '/api/payments/export?kind=phone', { as: 'payments' });
    expect(csv.status).toBe(200);
    expect(csv.contentType).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="payments-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('"started","completed","status","amount","currency","reference","masked card","Pay360 transaction id","previously paid","reason","flow","call","call kind","agent"');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`"declined","5.00","GBP","'=HYPERLINK(""x"")","**** 0002","T-101","no","V100"`);
    expect(lines[2]).toContain('"paid","70.00","GBP","PCN10000001","**** 1111","T-100","no",""');
    const audit = await api.store.audit.list({ action: 'payment.export' }, { page: 1, pageSize: 5 });
    expect(audit.items[0]).toMatchObject({ actor: 'payments', entityType: 'payments', after: { rows: 2, filter: { kind: 'phone' } } });
  });

  it('takes a Pay360 notification as a hint for the waiting payment only, without signing in', async () => {
    const body = { sessionId: 'sess-42', transaction: { transactionId: 'T-200', merchantRef: 'PCN1', status: 'SUCCESS' } };
    expect((await api.call('POST', '/api/payments/pay360/notifications', { body })).status).toBe(204);
    expect(notified).toEqual(['sess-42']);
    const garbled = await api.call('POST', '/api/payments/pay360/notifications', { body: { transaction: { status: 'WHATEVER' } } });
    expect(garbled.status).toBe(400);
    expect(notified).toEqual(['sess-42']);
  });

  it('defuses every formula lead-in in a CSV cell', () => {
    expect(['=1+1', '+44', '-2', '@SUM(A1)', 'PCN1'].map(csvCell)).toEqual([`"'=1+1"`, `"'+44"`, `"'-2"`, `"'@SUM(A1)"`, '"PCN1"']);
  });
});
