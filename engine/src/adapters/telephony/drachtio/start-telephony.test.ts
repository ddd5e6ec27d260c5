import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { metrics } from '../../../metrics.js';
import type { CallChannel } from '../../../ports/call-channel.js';
import { SimulatedClock } from '../simulator/simulated-clock.js';
import { parseTelephonyConfig, type TelephonyConfigInput } from './config.js';
import { digestResponse } from './digest.js';
import { startTelephony, type CallMeta } from './start-telephony.js';
import { captureLogger, FakeMediaServer, FakeResponse, FakeSipEdge, fakeRequest } from './testing/fakes.js';
import { MemoryRegistrations } from './testing/memory-registrations.js';

const settle = async () => {
  for (let i = 0; i < 30; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

async function start(extra: Partial<TelephonyConfigInput> = {}, opts: { unreachable?: boolean; onCall?: (call: CallChannel, meta: CallMeta) => Promise<void> } = {}) {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 7, 10), { idleDriven: false });
  const logger = captureLogger();
  const edge = new FakeSipEdge(clock);
  const server = new FakeMediaServer('fs1', clock, new Map());
  const calls: { call: CallChannel; meta: CallMeta }[] = [];
  const config = parseTelephonyConfig({ drachtio: { host: 'drachtio', secret: 'cymru' }, mediaServers: [{ name: 'fs1', host: 'freeswitch' }], ...extra });
  const service = await startTelephony(config, {
    logger,
    clock,
    registrations: new MemoryRegistrations(),
    sipEdge: edge,
    connectMediaServer: async (c) => {
      if (opts.unreachable) throw new Error(`connect ECONNREFUSED ${c.host}:${c.eventSocketPort}`);
      return server;
    },
    onCall:
      opts.onCall ??
      (async (call, meta) => {
        calls.push({ call, meta });
        await new Promise<void>((resolve) => call.onHangup(resolve));
      }),
  });
  await settle();
  const invite = (init: Parameters<typeof fakeRequest>[0] = {}) => {
    const req = fakeRequest({ headers: { From: '<sip:07700900123@carrier.example>', To: '<sip:01234500000@sbc.example>' }, ...init });
    const res = new FakeResponse();
    edge.handlers.invite!(req, res);
    return { req, res };
  };
  return { clock, logger, edge, server, calls, service, invite };
}

describe('startTelephony', () => {
  it('connects to drachtio-server and the media servers, and reports their state', async () => {
    const { service, edge } = await start();
    expect(edge.connectedWith).toEqual({ host: 'drachtio', port: 9022, secret: 'cymru' });
    expect(service.status()).toEqual({ drachtio: 'connected', mediaServers: [{ name: 'fs1', state: 'connected' }], activeCalls: 0, registeredAgents: 0 });
    await service.close();
    expect(service.status().drachtio).toBe('disconnected');
  });

  it('hands an INVITE to onCall with the DID and caller in E.164, and hangs up when the flow ends', async () => {
    const calls: { call: CallChannel; meta: CallMeta }[] = [];
    const { invite, service, server } = await start({}, {
      onCall: async (call, meta) => {
        calls.push({ call, meta });
        await call.play([{ language: 'en-GB', text: 'Goodbye' }], { bargeIn: false, signal: new AbortController().signal }).catch(() => undefined);
      },
    });
    const { req } = invite({ uri: 'sip:01234500000@sbc.example' });
    await settle();
    expect(calls[0]!.meta).toEqual({ did: '+441234500000', from: '+447700900123' });
    expect(calls[0]!.call.callId).toBe(req.get('Call-ID'));
    expect(service.status().activeCalls).toBe(1);
    server.channels[0]!.dropConnection();
    await settle();
    expect(service.status().activeCalls).toBe(0);
  });

  it('refuses with 503 + Retry-After over the concurrent-call limit (admission control)', async () => {
    const { invite, calls } = await start({ admission: { maxConcurrentCalls: 1, maxCallsPerSecond: 10, retryAfterSeconds: 7 } });
    invite();
    await settle();
    const { res } = invite();
    await settle();
    expect(calls).toHaveLength(1);
    expect(res.sent).toEqual([503]);
    expect(res.headers[0]).toEqual({ 'Retry-After': '7' });
    const exposition = await metrics.metrics();
    expect(exposition).toMatch(/frontdoor_sip_calls_total\{result="overloaded",service="frontdoor"\} [1-9]/);
    expect(exposition).toMatch(/frontdoor_sip_calls_active\{service="frontdoor"\} [1-9]/);
  });

  it('refuses with 503 + Retry-After over the calls-per-second limit, and admits again a second later', async () => {
    const { invite, calls, clock } = await start({ admission: { maxConcurrentCalls: 100, maxCallsPerSecond: 2, retryAfterSeconds: 1 } });
    invite();
    invite();
    const third = invite();
    await settle();
    expect(third.res.sent).toEqual([503]);
    await clock.advance(1_000);
    invite();
    await settle();
    expect(calls).toHaveLength(3);
  });

  it('refuses calls politely (503) while no media server is up, and says why in the log and status', async () => {
    const { invite, service, logger } = await start({}, { unreachable: true });
    const { res } = invite();
    await settle();
    expect(res.sent).toEqual([503]);
    expect(service.status().mediaServers).toEqual([{ name: 'fs1', state: 'disconnected' }]);
    expect(logger.lines).toContain('error media server fs1 unreachable at freeswitch:8021 (event socket): connect ECONNREFUSED freeswitch:8021; retrying');
    await service.close();
  });

  it('releases the FreeSWITCH channel when the caller CANCELs while it is being set up', async () => {
    const { invite, server, calls } = await start();
    let release!: () => void;
    server.hold = new Promise((resolve) => (release = resolve));
    const { req, res } = invite();
    await settle();
    req.cancelByCaller();
    release();
    server.hold = undefined;
    await settle();
    expect(calls).toHaveLength(0);
    expect(server.channels[0]!.released).toBe(true);
    expect(res.sent).toEqual([]);
  });

  it('admits a trunk by source address, refuses other addresses with 403', async () => {
    const { invite, calls } = await start({ trunks: [{ name: 'carrier', inbound: { allow: ['203.0.113.0/24'] } }] });
    invite({ source: '203.0.113.9' });
    const stranger = invite({ source: '198.51.100.1' });
    await settle();
    expect(calls.map((c) => c.meta.trunk)).toEqual(['carrier']);
    expect(stranger.res.sent).toEqual([403]);
  });

  it('challenges a trunk that authenticates with digest, then admits the right credentials', async () => {
    const { invite, calls } = await start({ trunks: [{ name: 'sip-provider', inbound: { auth: { username: 'council', password: 'trunk-secret' } } }] });
    const first = invite();
    await settle();
    expect(first.res.sent).toEqual([401]);
    const challenge = first.res.headers[0]!['WWW-Authenticate']!;
    const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
    const realm = /realm="([^"]+)"/.exec(challenge)![1]!;
    const fields = { username: 'council', realm, nonce, uri: 'sip:+441234500000@sbc.example' };
    const authorization = `Digest username="council", realm="${realm}", nonce="${nonce}", uri="${fields.uri}", response="${digestResponse('INVITE', fields, 'trunk-secret')}"`;
    invite({ headers: { Authorization: authorization, From: '<sip:+447700900123@carrier>', To: '<sip:+441234500000@sbc>' } });
    await settle();
    expect(calls.map((c) => c.meta)).toEqual([{ did: '+441234500000', from: '+447700900123', trunk: 'sip-provider' }]);
  });

  it('answers OPTIONS with 200 while it can take calls', async () => {
    const { edge } = await start();
    const res = new FakeResponse();
    edge.handlers.options!(fakeRequest({ method: 'OPTIONS' }), res);
    expect(res.sent).toEqual([200]);
  });

  it('keeps running when drachtio-server refuses the secret, and says so', async () => {
    const clock = new SimulatedClock(0, { idleDriven: false });
    const logger = captureLogger();
    const edge = new FakeSipEdge(clock);
    edge.onConnect = 'refuse';
    const service = await startTelephony(parseTelephonyConfig({ drachtio: { secret: 'wrong' }, mediaServers: [{ name: 'fs1', host: 'fs' }] }), {
      logger,
      clock,
      registrations: new MemoryRegistrations(),
      sipEdge: edge,
      connectMediaServer: async () => new FakeMediaServer('fs1', clock, new Map()),
      onCall: async () => undefined,
    });
    await settle();
    expect(service.status().drachtio).toBe('disconnected');
    expect(logger.lines).toContain('error drachtio-server at 127.0.0.1:9022 refused the engine: failed to authenticate to server (check drachtio.secret)');
  });
});

describe('startTelephony with the real drachtio-srf and drachtio-fsmrf', () => {
  it('reports unreachable drachtio-server and FreeSWITCH clearly, without throwing or crashing', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const logger = captureLogger();
    const config = parseTelephonyConfig({
      drachtio: { host: '127.0.0.1', port, secret: 'cymru' },
      mediaServers: [{ name: 'fs1', host: '127.0.0.1', eventSocketPort: port, listenAddress: '127.0.0.1' }],
    });
    const service = await startTelephony(config, { logger, registrations: new MemoryRegistrations(), onCall: async () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 600)); // drachtio-srf retries after 150 ms, 255 ms …
    expect(service.status()).toMatchObject({ drachtio: 'connecting', mediaServers: [{ name: 'fs1', state: 'disconnected' }], activeCalls: 0 });
    expect(logger.lines.some((l) => l.startsWith(`error media server fs1 unreachable at 127.0.0.1:${port} (event socket)`))).toBe(true);
    expect(logger.lines.filter((l) => l.startsWith(`error drachtio-server 127.0.0.1:${port}:`))).toEqual([
      `error drachtio-server 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (retrying)`,
    ]);
    await service.close();
  });
});
