/**
 * An adviser's "take payment" on the simulator: a caller bridged to an adviser is set aside, handed to
 * the fake Pay360 payment line (the same hand-off a flow's payment node makes), keys a card there and
 * comes back to the same adviser. Paid, two clicks, the caller hanging up, Pay360 unreachable and the
 * adviser hanging up mid-payment — each checked by what the desk sees, what the caller heard, and the
 * call's events (no card digits anywhere).
 */
import { describe, expect, it } from 'vitest';
import { SimulatedCall } from '../adapters/telephony/simulator/simulated-call.js';
import { SimulatedClock } from '../adapters/telephony/simulator/simulated-clock.js';
import { DEFAULT_CALL_TIME, simulatedStandIns } from '../adapters/telephony/simulator/simulated-ports.js';
import { farEndsOf } from '../adapters/telephony/simulator/simulated-payments.js';
import { worldSchema, type WorldInput } from '../adapters/telephony/simulator/world.js';
import type { CallerAction } from '../adapters/telephony/simulator/caller-action.js';
import { findCardNumbers } from '../core/redaction.js';
import { CallEventLog, MemoryEventSink } from '../core/runtime/event-log.js';
import type { BridgeResult, FlowPorts } from '../ports/index.js';
import { RunningCalls } from '../calls/running-calls.js';
import { AssistedPayments, type AssistedPaymentView } from './assisted-payments.js';

const ADVISER = { kind: 'sip' as const, uri: 'sip:adviser@desk.example' };
const CARD: CallerAction[] = [{ press: '4444333322221111#' }, { press: '1230#' }, { press: '737#' }];

/** A caller talking to an adviser (who talks `talkSeconds`), with an engine's running calls and its assisted payments. */
function callWithAdviser(options: { caller?: CallerAction[]; world?: WorldInput; talkSeconds?: number } = {}) {
  const clock = new SimulatedClock(DEFAULT_CALL_TIME);
  const world = worldSchema.parse({ destinations: { [ADVISER.uri]: { talkSeconds: options.talkSeconds ?? 600 } }, ...options.world });
  const standIns = simulatedStandIns(world, clock);
  const call = new SimulatedCall({ callId: 'call-1', from: '+447700900123', to: '+441234500000', clock, input: options.caller ?? CARD, world, farEnds: farEndsOf(standIns.payments!) });
  const sink = new MemoryEventSink();
  const log = new CallEventLog(call.callId, clock, sink);
  const running = new RunningCalls();
  const changes: string[] = [];
  running.attach({ call, ports: { ...standIns, clock } as unknown as FlowPorts, log: (type, data) => log.append(type, undefined, data) });
  const payments = new AssistedPayments({ running, now: () => clock.now(), logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, onChange: (agentId) => changes.push(agentId) });
  let answered!: () => void;
  const connected = new Promise<void>((resolve) => (answered = resolve));
  // As the flow runs it: the caller hanging up aborts the node's step.
  const step = new AbortController();
  call.onHangup(() => step.abort(new DOMException('caller hung up', 'AbortError')));
  const bridge: Promise<BridgeResult> = call.bridge(ADVISER, { ringTimeoutMs: 20_000, onAnswer: () => answered(), signal: step.signal });
  bridge.catch(() => undefined);
  const take = () => payments.take({ callId: call.callId, agentId: 'adviser-1', amountPence: 7000, reference: 'PCN-123' });
  /** The payment once it has ended (the desk's view). */
  const ended = async (): Promise<AssistedPaymentView> => {
    await expect.poll(() => payments.of(call.callId)?.stage).toBe('ended');
    return payments.of(call.callId)!;
  };
  const heard = () => call.heard.map((s) => s.text).join(' | ');
  return { clock, call, sink, payments, connected, bridge, take, ended, heard, changes };
}

const noCardDigits = (value: unknown) => expect(findCardNumbers(JSON.stringify(value))).toEqual([]);

describe('an adviser takes a payment on the call (simulator)', () => {
  it('paid: the caller is put through to the payment line, keys the card, and is back with the same adviser; the desk sees the masked card', async () => {
    const t = callWithAdviser();
    await t.connected;
    const answer = await t.take();
    expect(answer).toMatchObject({ kind: 'started', payment: { stage: expect.stringMatching(/starting|with-payment-line/), reference: 'PCN-123', amountPence: 7000 } });
    const payment = await t.ended();
    expect(payment).toMatchObject({ status: 'paid', maskedCard: '**** 1111', transactionId: expect.any(String) });
    expect(payment.adviserLeft).toBeUndefined();
    // The caller heard the hand-over, the payment line, then was back with the adviser; the bridge goes on.
    expect(t.heard()).toMatch(/Putting you through to our secure payment line.*approved.*back with the adviser/);
    const started = t.sink.events.find((e) => e.type === 'payment.started');
    expect(started?.data).toMatchObject({ agentId: 'adviser-1', reference: 'PCN-123', amountPence: 7000 });
    expect(t.sink.events.find((e) => e.type === 'payment.ended')?.data).toMatchObject({ status: 'paid', maskedCard: '**** 1111' });
    noCardDigits(t.sink.events);
    noCardDigits(payment);
    expect(t.changes).toContain('adviser-1');
    expect(t.call.hungUp).toBe(false);
    await t.call.hangup();
  });

  it('two clicks take one payment: the second finds the first', async () => {
    const t = callWithAdviser();
    await t.connected;
    const [first, second] = await Promise.all([t.take(), t.take()]);
    expect([first.kind, second.kind].sort()).toEqual(['inProgress', 'started']);
    await t.ended();
    expect(t.sink.events.filter((e) => e.type === 'payment.started')).toHaveLength(1);
    await t.call.hangup();
  });

  it('the caller hangs up mid-payment: the desk is told, the bridge ends (wrap-up starts), the outcome is still logged', async () => {
    const t = callWithAdviser({ caller: [{ press: '4444' }, { hangup: true }] });
    await t.connected;
    expect((await t.take()).kind).toBe('started');
    const payment = await t.ended();
    expect(payment.callerHungUp).toBe(true);
    await expect(t.bridge).rejects.toThrow();
    await expect.poll(() => t.sink.events.find((e) => e.type === 'payment.ended')?.data.status).toMatch(/abandoned|error/);
    noCardDigits(t.sink.events);
  });

  it('Pay360 unreachable: the outcome is error, and the caller is back with the adviser', async () => {
    const t = callWithAdviser({ world: { payments: 'unreachable' } });
    await t.connected;
    await t.take();
    const payment = await t.ended();
    expect(payment).toMatchObject({ status: 'error', reason: 'unreachable' });
    expect(t.heard()).toMatch(/back with the adviser/);
    expect(t.call.hungUp).toBe(false);
    await t.call.hangup();
  });

  it('the adviser hangs up during the payment: the caller finishes it and hears the outcome before the flow goes on', async () => {
    const t = callWithAdviser({ talkSeconds: 3 });
    await t.connected;
    expect((await t.take()).kind).toBe('started');
    const result = await t.bridge;
    // The bridge waited for the payment: the flow only has the caller back once it is over.
    expect(t.payments.of('call-1')).toMatchObject({ stage: 'ended', status: 'paid', adviserLeft: true });
    expect(result.kind).toBe('completed');
    expect(t.heard()).toMatch(/approved.*adviser has had to leave the call\. Your payment has been taken/);
    expect(t.heard()).not.toMatch(/back with the adviser/);
  });

  it('is refused when the caller is not connected to anyone, or the call runs on another engine', async () => {
    const t = callWithAdviser();
    // Still ringing.
    expect((await t.take()).kind).toBe('notConnected');
    expect(t.payments.of('call-1')).toBeUndefined();
    await t.connected;
    expect((await t.payments.take({ callId: 'elsewhere', agentId: 'adviser-1', amountPence: 100, reference: 'X1' })).kind).toBe('notHere');
    await t.call.hangup();
  });
});
