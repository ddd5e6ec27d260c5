import { describe, expect, it } from 'vitest';
import { browserPhoneTarget, isBrowserContact, needsDtlsHandshake, routeOfSource } from './browser-phone.js';
import { presentedFrom } from './outbound-routing.js';
import { PHONES, setupCall, settle } from './testing/call-setup.js';

/** A browser's WebRTC offer, as JsSIP puts it in its 200 OK to an INVITE without SDP. */
const BROWSER_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:Qx1p',
  'a=ice-pwd:vV4vT1b2yS1qM8bq3Gq6kZlR',
  'a=fingerprint:sha-256 1C:2B:3A:49:58:67:76:85:94:A3:B2:C1:D0:EF:FE:0D:1C:2B:3A:49:58:67:76:85:94:A3:B2:C1:D0:EF:FE:0D',
  'a=setup:actpass',
  'a=rtcp-mux',
  'a=candidate:1 1 udp 2122260223 192.0.2.7 50123 typ host',
  'a=sendrecv',
  '',
].join('\r\n');

describe('browser phones: which contacts are browsers', () => {
  it('knows a websocket contact from a phone’s', () => {
    expect(isBrowserContact('sip:k3b9xq2m@d7fh2kq1lz0w.invalid;transport=ws')).toBe(true);
    expect(isBrowserContact('sip:k3b9xq2m@d7fh2kq1lz0w.invalid;transport=WSS;ob')).toBe(true);
    expect(isBrowserContact('sip:2001@10.1.2.3:5062')).toBe(false);
    expect(isBrowserContact('sip:2001@10.1.2.3:5062;transport=tcp')).toBe(false);
    // A user part that happens to say transport=ws is not a parameter of the URI.
    expect(isBrowserContact('sip:transport=wsx@10.1.2.3')).toBe(false);
  });

  it('turns where a REGISTER came from into a route, and refuses anything else', () => {
    expect(routeOfSource('ws/192.0.2.7:53122')).toBe('sip:192.0.2.7:53122;transport=ws');
    expect(routeOfSource('wss/[2001:db8::7]:443')).toBe('sips:[2001:db8::7]:443;transport=wss');
    expect(routeOfSource('udp/192.0.2.7:5060')).toBeUndefined();
    expect(routeOfSource('ws/evil.example:80;lr')).toBeUndefined();
    expect(routeOfSource(undefined)).toBeUndefined();
  });

  it('knows an offer FreeSWITCH must answer with a DTLS handshake', () => {
    expect(needsDtlsHandshake(BROWSER_OFFER)).toBe(true);
    expect(needsDtlsHandshake('v=0\r\nm=audio 4000 RTP/AVP 8 101\r\n')).toBe(false);
  });

  it('rings a browser without an SDP offer; a non-.invalid websocket contact is routed back through where it registered', () => {
    const headers = presentedFrom('+447700900123');
    expect(browserPhoneTarget(PHONES.priya![0]!, headers)).toEqual({ uri: PHONES.priya![0]!.contact, headers, srtp: false, failOver: true, farEndOffers: true });
    expect(browserPhoneTarget({ contact: 'sip:priya@192.0.2.7:53122;transport=ws', source: 'ws/192.0.2.7:53122' }, headers)).toMatchObject({
      proxy: 'sip:192.0.2.7:53122;transport=ws',
      farEndOffers: true,
    });
  });
});

describe('DrachtioCall.bridge to a browser phone', () => {
  it('sends an INVITE without SDP, makes the FreeSWITCH channel from the browser’s WebRTC offer, ACKs with its answer and connects the caller', async () => {
    const { call, sip, clock, signal, callerChannel, otherChannels, servers } = await setupCall();
    sip.script = () => ({ answerAfterMs: 1_000, sdp: BROWSER_OFFER });
    const bridged = call.bridge({ kind: 'agent', agentId: 'priya' }, { ringTimeoutMs: 20_000, signal });
    await settle();
    expect(sip.invites).toHaveLength(1);
    expect(sip.invites[0]!.uri).toBe(PHONES.priya![0]!.contact);
    expect(sip.invites[0]!.opts).toMatchObject({ noAck: true, headers: { From: '<sip:+447700900123@localhost>' } });
    expect(sip.invites[0]!.opts).not.toHaveProperty('localSdp');
    // Nothing is made on FreeSWITCH while the browser rings: there is no offer to answer yet.
    expect(otherChannels()).toEqual([]);
    await clock.advance(1_000);
    await settle();
    const browserChannel = otherChannels()[0]!;
    expect(browserChannel.remote.sdp).toBe(BROWSER_OFFER);
    // The DTLS way: FreeSWITCH's answer went to the browser (our ACK) before the channel was ready.
    expect(servers.flatMap((s) => s.dtlsAnswers)).toEqual([browserChannel.local.sdp]);
    const browserDialog = sip.uacDialogs[0]!;
    expect(browserDialog.local.sdp).toBe(browserChannel.local.sdp);
    await clock.advance(2_000);
    await settle();
    expect(callerChannel.apiCalls).toContain(`uuid_bridge ${callerChannel.uuid} ${browserChannel.uuid}`);
    await clock.advance(10_000);
    browserDialog.remoteHangup();
    expect(await bridged).toEqual({ kind: 'completed', talkMs: expect.any(Number) });
    await settle();
    expect(browserChannel.released).toBe(true);
  });

  it('a browser that answers with no offer of its own is a failed offer, not a channel without media', async () => {
    const { call, sip, clock, signal, otherChannels, callerChannel } = await setupCall();
    sip.script = () => ({ answerAfterMs: 1_000, sdp: '' });
    const bridged = call.bridge({ kind: 'agent', agentId: 'priya' }, { ringTimeoutMs: 20_000, signal });
    await settle();
    await clock.advance(1_000);
    await settle();
    expect(await bridged).toEqual({ kind: 'failed', reason: 'the far end answered an INVITE without SDP with no offer of its own' });
    expect(otherChannels()).toEqual([]);
    expect(callerChannel.released).toBe(false);
  });

  it('a media server that cannot answer the browser’s offer: the caller stays, nothing is left on FreeSWITCH, and no other server answers the same offer', async () => {
    const { call, sip, clock, signal, servers, callerChannel, otherChannels } = await setupCall();
    sip.script = () => ({ answerAfterMs: 1_000, sdp: BROWSER_OFFER });
    for (const server of servers) server.failCreate = new Error('DTLS refused');
    const bridged = call.bridge({ kind: 'agent', agentId: 'priya' }, { ringTimeoutMs: 20_000, signal });
    await settle();
    await clock.advance(1_000);
    await settle();
    const result = await bridged;
    expect(result).toMatchObject({ kind: 'failed' });
    expect((result as { reason: string }).reason).toContain('DTLS refused');
    expect((result as { reason: string }).reason).not.toContain('fs2: DTLS refused; fs1');
    expect(otherChannels()).toEqual([]);
    expect(callerChannel.released).toBe(false);
  });

  it('a WebRTC offer is never handed to createEndpoint (fsmrf refuses it): without a far end to answer first, the pool says why', async () => {
    const { pool } = await setupCall();
    await expect(pool.createLeg({ remoteSdp: BROWSER_OFFER })).rejects.toThrow('a WebRTC (DTLS-SRTP) offer can only be answered where the far end is sent the answer first');
  });

  it('a desk phone is still offered FreeSWITCH’s SDP in the INVITE', async () => {
    const { call, sip, clock, signal } = await setupCall();
    const bridged = call.bridge({ kind: 'agent', agentId: 'alice' }, { ringTimeoutMs: 20_000, signal });
    await settle();
    expect(sip.invites[0]!.opts.localSdp).toBeTruthy();
    expect(sip.invites[0]!.opts).not.toHaveProperty('noAck');
    await clock.advance(1_000);
    await settle();
    sip.uacDialogs[0]!.remoteHangup();
    await bridged;
  });
});
