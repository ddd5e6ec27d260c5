/**
 * Card payments end to end on the simulator, through the example payment line: the caller keys a
 * reference, is handed to the (fake) Pay360 payment line and keys a card; the Pay360 adapter reads the
 * outcome back; the call's events are recorded in the database and project the payments table.
 * Paid, declined, a hang-up mid-payment, Pay360 unreachable, Pay360 too slow, and the same reference
 * paid again (found, not charged twice) — each checked by the row it leaves in `payments`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakePay360 } from './adapters/payments/pay360/fake/fake-pay360.js';
import { inProcessPay360Client } from './adapters/payments/pay360/fake/fake-pay360-http.js';
import { FAKE_INSTALLATION, type SharedFakePay360 } from './adapters/payments/pay360/fake/stand-in.js';
import { CallLog, recordCall } from './calls/call-recorder.js';
import { TEST_ENGINE_INSTANCE_ID, testDatabases, withTestStore } from './adapters/storage/postgres/test-databases.js';
import type { CallerAction } from './adapters/telephony/simulator/caller-action.js';
import { runScriptedCall } from './adapters/telephony/simulator/scripted-call.js';
import { SimulatedClock } from './adapters/telephony/simulator/simulated-clock.js';
import { DEFAULT_CALL_TIME, simulatedStandIns } from './adapters/telephony/simulator/simulated-ports.js';
import { simulatedCallPorts } from './testing/simulated-call-ports.js';
import { worldSchema, type WorldInput } from './adapters/telephony/simulator/world.js';
import { findCardNumbers } from './core/redaction.js';
import { parseFlow } from './core/flow/parse-flow.js';

const { flow } = parseFlow(JSON.parse(readFileSync(join(import.meta.dirname, '../../flows/payments.flow.json'), 'utf8')));
const references = ['10000001', '10000002', '10000003', '10000004', '10000005'];
const lookups = Object.fromEntries(
  references.map((ref) => [
    `https://payments-api.westshire.example/v1/references/${ref}`,
    { status: 200, body: { reference: ref, description: 'parking fine', balance: { pence: 7000, spoken: '£70.00' } } },
  ]),
);
/** Reference, confirm it, choose to pay. */
const toPayment = (ref: string): CallerAction[] => [{ press: `${ref}#` }, { press: '1' }, { press: '1' }];
const card = (pan: string, code = '737'): CallerAction[] => [{ press: `${pan}#` }, { press: '1230#' }, { press: `${code}#` }];

describe.each(testDatabases())('card payments end to end on the simulator ($name)', (backend) => {
  const store = withTestStore(backend);
  const fake = new FakePay360({ clock: new SimulatedClock(DEFAULT_CALL_TIME), installations: [FAKE_INSTALLATION] });
  const pay360: SharedFakePay360 = { fake, baseUrl: 'https://fake-pay360.invalid', http: inProcessPay360Client(fake) };
  let calls = 0;

  /** One phone call on the payment line, recorded the way real calls are. */
  async function call(caller: CallerAction[], world: WorldInput = {}) {
    const id = `pay-e2e-${backend.name}-${++calls}`;
    const failures: string[] = [];
    const log = new CallLog(store().calls, { onError: (what, error) => failures.push(`could not store ${what}: ${String(error)}`), healthy: async () => true });
    const recorder = recordCall(log, {
      id,
      kind: 'phone',
      from: '+447700900123',
      to: '+441234500002',
      flowId: 'payments',
      startedAt: new Date(DEFAULT_CALL_TIME),
      engineInstanceId: TEST_ENGINE_INSTANCE_ID,
    });
    const result = await runScriptedCall({
      flow: flow!,
      // The engine's way of putting a test call's ports together, with a fake Pay360 every call shares.
      ports: (clock, w) => simulatedCallPorts({ world: w, clock, drafts: [flow!], standIns: simulatedStandIns(w, clock, { pay360 }) }),
      caller,
      world: worldSchema.parse({ http: lookups, ...world }),
      callId: id,
      onEvent: (e) => recorder.events.append(e),
    });
    recorder.finish({ endedAt: new Date(result.clock.now()), outcome: result.outcome, ...(result.endedAt ? { endedAtNode: result.endedAt } : {}) });
    await log.close();
    expect(failures).toEqual([]);
    const path = result.events.filter((e) => e.type === 'node.entered').map((e) => e.nodeId);
    return { id, result, path };
  }

  /** The call's one payment, once it has an outcome (a hang-up's outcome is written after the call ends). */
  async function paymentOf(callId: string) {
    await expect.poll(async () => (await store().payments.forCall(callId))[0]?.status ?? 'none').not.toMatch(/^(none|pending)$/);
    const rows = await store().payments.forCall(callId);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  it('paid: the card keyed on the payment line is charged once; the row has the outcome and the last four digits only', async () => {
    const { id, result } = await call([...toPayment('10000001'), ...card('4444333322221111')]);
    expect(result.outcome).toBe('paid');
    expect(await paymentOf(id)).toMatchObject({
      status: 'paid',
      amountMinor: 7000,
      reference: '10000001',
      merchantReference: '10000001',
      maskedCard: '**** 1111',
      gatewayTransactionId: expect.stringMatching(/^FAKE\d{8}$/),
      previouslyPaid: false,
      callKind: 'phone',
      flowId: 'payments',
      nodeId: 'take-payment',
    });
    expect(fake.charges).toBe(1);
    const events = JSON.stringify(await store().calls.events(id));
    expect(findCardNumbers(events)).toEqual([]);
    expect(events).not.toContain('737');
  });

  it('the same reference paid again: found already paid, nothing charged, the row says so', async () => {
    const first = (await store().payments.list({ reference: '10000001', status: 'paid' }, { page: 1, pageSize: 5 })).items[0]!;
    const { id, result } = await call([...toPayment('10000001')]);
    expect(result.outcome).toBe('paid');
    expect(result.call.heard.map((s) => s.text).join(' ')).not.toContain('Please enter your card number');
    expect(await paymentOf(id)).toMatchObject({ status: 'paid', previouslyPaid: true, gatewayTransactionId: first.gatewayTransactionId, maskedCard: '**** 1111' });
    expect(fake.charges).toBe(1);
  });

  it('declined: a decline card takes the declined exit and leaves a declined row with the reason', async () => {
    const { id, result, path } = await call([...toPayment('10000002'), ...card('4000000000000002'), { press: '0' }]);
    expect(result.outcome).toBe('answered');
    expect(path.slice(-2)).toEqual(['payment-declined', 'advisor-queue']);
    expect(await paymentOf(id)).toMatchObject({ status: 'declined', maskedCard: '**** 0002', reason: 'V100', previouslyPaid: false });
  });

  it('a caller hanging up mid-payment: abandoned, read back from Pay360 after the call has ended', async () => {
    const { id, result } = await call([...toPayment('10000003'), { press: '5555555555554444#' }, { wait: 2 }, { hangup: true }]);
    expect(result.outcome).toBe('callerHungUp');
    expect(await paymentOf(id)).toMatchObject({ status: 'abandoned', reason: 'C100', maskedCard: undefined });
  });

  it('Pay360 unreachable: the error exit to a person, a row saying why, no transaction', async () => {
    const { id, path } = await call(toPayment('10000004'), { payments: 'unreachable' });
    expect(path.slice(-2)).toEqual(['payment-failed', 'advisor-queue']);
    expect(await paymentOf(id)).toMatchObject({ status: 'error', reason: 'unreachable', gatewayTransactionId: undefined, amountMinor: 7000 });
  });

  it('Pay360 too slow: the request times out into the error exit, and the row says timeout', async () => {
    const { id, path } = await call(toPayment('10000005'), { payments: 'slow' });
    expect(path.slice(-2)).toEqual(['payment-failed', 'advisor-queue']);
    expect(await paymentOf(id)).toMatchObject({ status: 'error', reason: 'timeout' });
  });
});
