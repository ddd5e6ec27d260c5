import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../engine/src/ports/call-events.js';
import { scriptFromCall } from './test-call-script.js';

let seq = 0;
const e = (type: CallEvent['type'], nodeId: string | undefined, data: CallEvent['data'] = {}): CallEvent => ({ callId: 't', seq: ++seq, at: seq, type, ...(nodeId ? { nodeId } : {}), data });

describe('saving a test call as a flow test', () => {
  it('keeps what the caller did as the flow read it, and expects the same path and ending', () => {
    const events = [
      e('call.started', undefined),
      e('node.entered', 'hours', { name: 'Opening hours' }),
      e('node.entered', 'reason', { name: 'What about' }),
      e('input.speech', 'reason', { transcript: 'pay my council tax' }),
      e('node.entered', 'ref', { name: 'Reference' }),
      e('input.digits', 'ref', { digits: '12345678' }),
      e('node.entered', 'pay', { name: 'Pay' }),
      e('input.digits', 'pay', { digits: '•••' }),
      e('node.entered', 'payments/confirm', { name: 'Inside the payments flow' }),
      e('input.none', 'payments/confirm'),
      e('call.ended', 'pay', { outcome: 'callerHungUp' }),
    ];
    expect(scriptFromCall(events, { name: 'Pays council tax', at: '2026-11-25T10:00:00.000Z', from: '+447700900123', world: {} })).toEqual({
      name: 'Pays council tax',
      at: '2026-11-25T10:00:00.000Z',
      from: '+447700900123',
      caller: [{ say: 'pay my council tax' }, { press: '12345678' }, { hangup: true }],
      expect: { path: ['hours', 'reason', 'ref', 'pay'], outcome: 'callerHungUp', endsAt: 'pay' },
    });
  });

  it('replays a payment by its result: the card keyed on the payment line is nowhere in the script', () => {
    const events = [
      e('node.entered', 'ref', { name: 'Reference' }),
      e('input.digits', 'ref', { digits: '12345678' }),
      e('node.entered', 'pay', { name: 'Pay' }),
      e('payment.started', 'pay', { reference: '12345678', amountPence: null }),
      e('payment.ended', 'pay', { status: 'paid', amountPence: 9500, maskedCard: '**** 1111' }),
      e('node.entered', 'thanks', { name: 'Thank you' }),
      e('call.ended', 'thanks', { outcome: 'completed' }),
    ];
    const script = scriptFromCall(events, { name: 'Pays', world: { http: {} } });
    expect(script.world).toEqual({ http: {}, payments: 'paid' });
    expect(script.caller).toEqual([{ press: '12345678' }]);
    expect(JSON.stringify(script)).not.toContain('1111');
    // A world that already says how payments go is kept as the designer wrote it.
    expect(scriptFromCall(events, { name: 'Pays', world: { payments: 'declined' } }).world).toEqual({ payments: 'declined' });
  });
});
