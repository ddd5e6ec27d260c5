import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Destination } from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import type { ListenInEvent, ListenInRequest } from '../../../ports/desk.js';
import type { AnsweredLeg, DialOutcome, DialRequest } from './dialler.js';
import { DrachtioListenIn } from './listen-in.js';
import type { MediaLeg } from './media-leg.js';
import type { RouteResult } from './outbound-routing.js';

/**
 * The listen-in's bookkeeping with fakes for FreeSWITCH channels and SIP dialogs (the real eavesdrop is
 * exercised over real SIP by test/sip/listen-in-scenarios.ts): who is rung where, what is eavesdropped on,
 * and what ends a listen.
 */

/** A FreeSWITCH channel: eavesdrop lasts until the channel (or its target) is released. */
class FakeLeg {
  released = false;
  eavesdropped: string[] = [];
  private readonly ends: Array<() => void> = [];
  constructor(
    readonly uuid: string,
    readonly mediaServerName: string,
  ) {}
  get isGone() {
    return this.released;
  }
  eavesdrop(target: FakeLeg): Promise<void> {
    this.eavesdropped.push(target.uuid);
    return new Promise<void>((resolve) => {
      this.ends.push(resolve);
      target.ends.push(resolve);
    });
  }
  async release() {
    this.released = true;
    for (const end of this.ends.splice(0)) end();
  }
}

class FakeDialog extends EventEmitter {
  destroyed = false;
  async destroy() {
    this.destroyed = true;
  }
  /** The far end hangs up (BYE). */
  hangUp() {
    this.destroyed = true;
    this.emit('destroy');
  }
}

function setUp(options: { answer?: 'answered' | 'busy' | 'hold'; route?: RouteResult } = {}) {
  const events: ListenInEvent[] = [];
  const dials: { destination: Destination; request: DialRequest; mediaServer: string }[] = [];
  const supervisors: { leg: FakeLeg; dialog: FakeDialog }[] = [];
  let now = 1_000;
  let release: (() => void) | undefined;
  const listenIn = new DrachtioListenIn({
    clock: { now: () => now } as Clock,
    logger: { info: () => undefined, error: () => undefined },
    report: (event) => events.push(event),
    route: async () => options.route ?? { kind: 'routed', targets: [] } as unknown as RouteResult,
    dial: async (destination, request, signal, mediaServer): Promise<DialOutcome> => {
      dials.push({ destination, request, mediaServer });
      if (options.answer === 'busy') return { kind: 'busy' };
      if (options.answer === 'hold') {
        await new Promise<void>((resolve, reject) => {
          release = resolve;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      const leg = new FakeLeg(`supervisor-${supervisors.length + 1}`, mediaServer);
      const dialog = new FakeDialog();
      supervisors.push({ leg, dialog });
      return { kind: 'answered', leg: leg as unknown as MediaLeg, dialog: dialog as unknown as AnsweredLeg['dialog'] };
    },
  });
  const party = new FakeLeg('adviser-leg', 'fs-2');
  const unbridge = listenIn.bridged({ callId: 'call-1', callerNumber: '+447700900123', agentId: 'ada', party: party as unknown as MediaLeg });
  const request = (supervisor = 'sam', agentId = 'ada'): ListenInRequest => ({
    callId: 'call-1',
    agentId,
    supervisor: { agentId: supervisor, destination: { kind: 'agent', agentId: supervisor }, actor: `user-${supervisor}` },
  });
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { listenIn, events, dials, supervisors, party, unbridge, request, settled, advance: (ms: number) => (now += ms), answerNow: () => release?.() };
}

describe('DrachtioListenIn', () => {
  it('rings the supervisor on the adviser’s media server and eavesdrops on the adviser’s channel until the supervisor hangs up, leaving the call alone', async () => {
    const t = setUp();
    expect(await t.listenIn.listen(t.request())).toEqual({ kind: 'ringing' });
    await t.settled();
    expect(t.dials).toEqual([{ destination: { kind: 'agent', agentId: 'sam' }, request: expect.objectContaining({ callerId: '+447700900123' }), mediaServer: 'fs-2' }]);
    const [sam] = t.supervisors;
    expect(sam!.leg.eavesdropped).toEqual(['adviser-leg']);
    expect(t.events).toEqual([{ kind: 'started', callId: 'call-1', agentId: 'ada', supervisorAgentId: 'sam', actor: 'user-sam' }]);
    t.advance(12_000);
    sam!.dialog.hangUp();
    await t.settled();
    expect(sam!.leg.released).toBe(true);
    expect(t.party.released).toBe(false);
    expect(t.events.at(-1)).toEqual({ kind: 'ended', by: 'supervisor', listenedMs: 12_000, callId: 'call-1', agentId: 'ada', supervisorAgentId: 'sam', actor: 'user-sam' });
    // The call goes on: the supervisor may listen again.
    expect(await t.listenIn.listen(t.request())).toEqual({ kind: 'ringing' });
  });

  it('ends the listen when the adviser’s part of the call ends, and knows the call no more', async () => {
    const t = setUp();
    await t.listenIn.listen(t.request());
    await t.settled();
    await t.party.release();
    t.unbridge();
    await t.settled();
    const [sam] = t.supervisors;
    expect(sam!.dialog.destroyed).toBe(true);
    expect(sam!.leg.released).toBe(true);
    expect(t.events.at(-1)).toMatchObject({ kind: 'ended', by: 'call' });
    expect(await t.listenIn.listen(t.request())).toEqual({ kind: 'notHere' });
    expect(t.listenIn.listening).toBe(0);
  });

  it('hangs every listener up when a payment starts, refuses new ones until the last nested payment step ends', async () => {
    const t = setUp();
    await t.listenIn.listen(t.request('sam'));
    await t.listenIn.listen(t.request('sue'));
    await t.settled();
    t.listenIn.payment('call-1', true); // recordings paused
    t.listenIn.payment('call-1', true); // the hand-off
    await t.settled();
    expect(t.supervisors.map((s) => [s.dialog.destroyed, s.leg.released])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(t.events.filter((e) => e.kind === 'ended').map((e) => (e as { by: string }).by)).toEqual(['payment', 'payment']);
    expect(await t.listenIn.listen(t.request('sam'))).toEqual({ kind: 'refused', reason: expect.stringContaining('payment') });
    t.listenIn.payment('call-1', false); // the hand-off is back
    expect(await t.listenIn.listen(t.request('sam'))).toEqual({ kind: 'refused', reason: expect.stringContaining('payment') });
    t.listenIn.payment('call-1', false); // recordings resumed: the payment is over
    expect(await t.listenIn.listen(t.request('sam'))).toEqual({ kind: 'ringing' });
    expect(t.party.released).toBe(false);
  });

  it('a payment starting while the supervisor’s phone still rings stops the ringing: they never hear the call', async () => {
    const t = setUp({ answer: 'hold' });
    await t.listenIn.listen(t.request());
    await t.settled();
    t.listenIn.payment('call-1', true);
    await t.settled();
    expect(t.supervisors).toEqual([]);
    expect(t.events).toEqual([expect.objectContaining({ kind: 'notConnected', reason: 'a payment started on the call' })]);
  });

  it('refuses another adviser’s call, a second listen by the same supervisor, and says when the supervisor’s phone cannot be rung or does not answer', async () => {
    const t = setUp();
    expect(await t.listenIn.listen(t.request('sam', 'bob'))).toEqual({ kind: 'refused', reason: 'call call-1 is connected to adviser ada now' });
    await t.listenIn.listen(t.request('sam'));
    expect(await t.listenIn.listen(t.request('sam'))).toEqual({ kind: 'refused', reason: expect.stringContaining('already listening') });
    const unroutable = setUp({ route: { kind: 'failed', reason: 'agent sam has no registered phone' } });
    expect(await unroutable.listenIn.listen(unroutable.request())).toEqual({ kind: 'failed', reason: "the supervisor's phone cannot be rung: agent sam has no registered phone" });
    const busy = setUp({ answer: 'busy' });
    expect(await busy.listenIn.listen(busy.request())).toEqual({ kind: 'ringing' });
    await busy.settled();
    expect(busy.events).toEqual([expect.objectContaining({ kind: 'notConnected', reason: "the supervisor's phone was busy" })]);
  });

  it('ends every listen when the engine stops', async () => {
    const t = setUp();
    await t.listenIn.listen(t.request());
    await t.settled();
    t.listenIn.close();
    await t.settled();
    expect(t.events.at(-1)).toMatchObject({ kind: 'ended', by: 'engine' });
    expect(await t.listenIn.listen(t.request())).toEqual({ kind: 'refused', reason: 'this engine is shutting down' });
  });
});
