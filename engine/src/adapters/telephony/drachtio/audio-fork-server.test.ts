import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AUDIO_FORK_SUBPROTOCOL, AudioForkServer, type CallerAudioConnection } from './audio-fork-server.js';
import { captureLogger } from './testing/fakes.js';
import { FakeAudioFork } from './testing/fake-audio-fork.js';
import { silence, tone } from './testing/caller-audio.js';

let server: AudioForkServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(urlLifetimeMs = 5000) {
  const logger = captureLogger();
  server = await AudioForkServer.start({ listenAddress: '127.0.0.1', listenPort: 0, logger, urlLifetimeMs });
  return { server, logger };
}

/** Collects the 20 ms frames a connection delivers until `count` have arrived. */
function frames(connection: CallerAudioConnection, count: number): Promise<Uint8Array[]> {
  const got: Uint8Array[] = [];
  return new Promise((resolve) => {
    connection.onAudio((frame) => {
      got.push(frame);
      if (got.length === count) resolve(got);
    });
  });
}

/** What the server answers a websocket handshake on `url`: the HTTP status, or 101 when it is accepted. */
function handshake(url: string, protocol = AUDIO_FORK_SUBPROTOCOL): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocol);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

describe('AudioForkServer', () => {
  it('takes a caller’s audio from mod_audio_fork on a one-time URL: metadata first, then L16 re-cut into 20 ms frames', async () => {
    const { server } = await start();
    const invitation = server.expect('call-1', 8000);
    expect(invitation.url).toMatch(new RegExp(`^${server.baseUrl}/audio-fork/[A-Za-z0-9_-]{32}$`));
    const fork = new FakeAudioFork(invitation.url, 8000, '{"callId":"call-1"}');
    const connection = await invitation.connected;
    expect(await fork.opened).toBe(true);
    expect(fork.socket.protocol).toBe(AUDIO_FORK_SUBPROTOCOL);
    const arriving = frames(connection, 10);
    const voice = tone(440, -20, 200, 8000);
    await fork.send(voice);
    const got = await arriving;
    expect(got.every((f) => f.byteLength === 320)).toBe(true);
    expect(Buffer.concat(got)).toEqual(Buffer.from(voice.buffer));
    expect(connection.metadata).toBe('{"callId":"call-1"}');
    expect(server.openConnections).toBe(1);
    const closed = new Promise<string>((resolve) => connection.onClose(resolve));
    fork.stop();
    expect(await closed).toBe('closed by the media server');
    expect(server.openConnections).toBe(0);
  });

  it('16 kHz audio comes in 640-byte frames', async () => {
    const { server } = await start();
    const invitation = server.expect('call-2', 16000);
    const fork = new FakeAudioFork(invitation.url, 16000, undefined);
    const connection = await invitation.connected;
    await fork.opened;
    const arriving = frames(connection, 5);
    await fork.send(silence(100, 16000));
    expect((await arriving).map((f) => f.byteLength)).toEqual([640, 640, 640, 640, 640]);
  });

  it('refuses unknown, reused and expired URLs before any audio flows, and says nothing about which', async () => {
    const { server, logger } = await start(200);
    expect(await handshake(`${server.baseUrl}/audio-fork/${'A'.repeat(32)}`)).toBe(403);
    expect(await handshake(`${server.baseUrl}/somewhere-else`)).toBe(403);
    const once = server.expect('call-3', 8000);
    expect(await handshake(once.url)).toBe(101);
    expect(await handshake(once.url)).toBe(403);
    const late = server.expect('call-4', 8000);
    await expect(late.connected).rejects.toThrow(/did not stream call call-4's audio within 200 ms/);
    expect(await handshake(late.url)).toBe(403);
    expect(logger.lines.filter((l) => l.includes('refused a connection')).length).toBe(4);
    // Plain HTTP gets nothing but "upgrade required".
    expect((await fetch(server.baseUrl.replace('ws:', 'http:'))).status).toBe(426);
  });

  it('a cancelled URL no longer works, and a connection already made is closed', async () => {
    const { server } = await start();
    const unused = server.expect('call-5', 8000);
    unused.cancel();
    await expect(unused.connected).rejects.toThrow(/cancelled/);
    expect(await handshake(unused.url)).toBe(403);
    const used = server.expect('call-6', 8000);
    const fork = new FakeAudioFork(used.url, 8000, undefined);
    const connection = await used.connected;
    used.cancel();
    expect(connection.isClosed).toBe(true);
    await expect.poll(() => fork.closed).toBe(true);
  });

  it('closing the server ends every connection and every waiting URL', async () => {
    const { server } = await start();
    const waiting = server.expect('call-7', 8000);
    const open = server.expect('call-8', 8000);
    new FakeAudioFork(open.url, 8000, undefined);
    const connection = await open.connected;
    await server.close();
    await expect(waiting.connected).rejects.toThrow(/shutting down/);
    expect(connection.isClosed).toBe(true);
  });
});
