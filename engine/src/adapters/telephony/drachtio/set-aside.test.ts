import { describe, expect, it } from 'vitest';
import { setupCall, settle } from './testing/call-setup.js';

/**
 * DrachtioCall.setAside, as an adviser's "take payment" uses it: the caller leaves the adviser's bridge
 * (both channels parked, the adviser hears hold music), the work runs on the caller's channel, then the
 * caller is bridged back to the same adviser — or, when the adviser hung up meanwhile, the bridge ends
 * only once the work is done.
 */

const alice = { kind: 'agent', agentId: 'alice' } as const;

async function bridgedToAlice() {
  const t = await setupCall();
  const bridged = t.call.bridge(alice, { ringTimeoutMs: 20_000, signal: t.signal });
  await settle();
  await t.clock.advance(1_000);
  await settle();
  return { ...t, bridged, agentChannel: t.otherChannels()[0]!, agentDialog: t.sip.uacDialogs[0]! };
}

/** Work the test finishes by hand. */
function heldWork() {
  let finish!: (value: string) => void;
  const done = new Promise<string>((resolve) => (finish = resolve));
  const seen: Array<{ partyLeft: boolean }> = [];
  return { finish, work: async (aside: { partyLeft: boolean }) => (seen.push({ partyLeft: aside.partyLeft }), done.then((v) => ({ value: v, partyLeftAtEnd: aside.partyLeft }))), seen };
}

describe('DrachtioCall.setAside', () => {
  it('takes the caller out of the bridge, plays the adviser hold music, and bridges the two back after the work', async () => {
    const { call, callerChannel, agentChannel, agentDialog, bridged, signal } = await bridgedToAlice();
    const held = heldWork();
    const aside = call.setAside(held.work, signal);
    await settle();
    expect(agentChannel.apiCalls).toContain(`uuid_transfer ${agentChannel.uuid} -both park inline`);
    expect(agentChannel.played).toContain('local_stream://moh');
    expect(held.seen).toEqual([{ partyLeft: false }]);
    // One at a time.
    expect(await call.setAside(async () => 'again', signal)).toEqual({ kind: 'noBridge' });
    held.finish('paid');
    expect(await aside).toEqual({ kind: 'done', value: { value: 'paid', partyLeftAtEnd: false }, partyLeft: false });
    expect(agentChannel.apiCalls).toContain(`uuid_break ${agentChannel.uuid} all`);
    expect(callerChannel.apiCalls.filter((c) => c === `uuid_bridge ${callerChannel.uuid} ${agentChannel.uuid}`)).toHaveLength(2);
    agentDialog.remoteHangup();
    expect(await bridged).toMatchObject({ kind: 'completed' });
  });

  it('an adviser hanging up meanwhile: the work finishes with the caller first, then the bridge ends; nobody is bridged back', async () => {
    const { call, callerChannel, agentChannel, agentDialog, bridged, signal } = await bridgedToAlice();
    const held = heldWork();
    const aside = call.setAside(held.work, signal);
    await settle();
    agentDialog.remoteHangup();
    let ended = false;
    void bridged.then(() => (ended = true));
    await settle();
    expect(ended).toBe(false);
    held.finish('paid');
    expect(await aside).toEqual({ kind: 'done', value: { value: 'paid', partyLeftAtEnd: true }, partyLeft: true });
    expect(await bridged).toMatchObject({ kind: 'completed' });
    expect(callerChannel.apiCalls.filter((c) => c.startsWith('uuid_bridge'))).toHaveLength(1);
    expect(agentChannel.released).toBe(true);
  });

  it('a caller who is not bridged to anyone is not set aside', async () => {
    const { call, signal } = await setupCall();
    expect(await call.setAside(async () => 'x', signal)).toEqual({ kind: 'noBridge' });
  });
});
