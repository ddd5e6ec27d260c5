import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaLeg, TelephonyError, type FsEndpoint } from './media-leg.js';
import { FakeFreeSwitchEventSocket } from './testing/fake-freeswitch-socket.js';

/**
 * MediaLeg over the REAL drachtio-fsmrf Endpoint and drachtio-modesl Connection, with a
 * protocol-level fake of FreeSWITCH on the other end of a real TCP socket.
 */
const require = createRequire(import.meta.url);
const esl = require('drachtio-modesl') as { Connection: new (socket: Socket) => EventEmitter };
const Endpoint = require('drachtio-fsmrf/lib/endpoint.js') as new (conn: unknown, dialog: unknown, ms: unknown, opts: object) => FsEndpoint & EventEmitter;

let server: Server | undefined;
afterEach(() => server?.close());

/** FreeSWITCH "connects back" to the engine; the engine side builds a real fsmrf Endpoint on it. */
async function channel() {
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server!.address() as { port: number };
  const fsSocket = connect(port, '127.0.0.1');
  const freeswitch = new FakeFreeSwitchEventSocket(fsSocket, 'c0ffee00-0000-4000-8000-000000000001');
  const engineSocket = await accepted;
  const conn = new esl.Connection(engineSocket);
  await new Promise((resolve) => conn.once('esl::ready', resolve));
  const endpoint = new Endpoint(conn, new EventEmitter(), {}, {});
  await new Promise((resolve) => endpoint.once('ready', resolve));
  const noDelay = vi.spyOn(engineSocket, 'setNoDelay');
  return { leg: new MediaLeg(endpoint, 'fs-proto'), freeswitch, noDelay };
}

describe('MediaLeg over real drachtio-fsmrf and drachtio-modesl', () => {
  it('subscribes to the channel, plays to the end and returns milliseconds as a number, on a no-delay socket', async () => {
    const { leg, freeswitch, noDelay } = await channel();
    expect(noDelay).toHaveBeenCalledWith(true);
    expect(leg.uuid).toBe(freeswitch.uuid);
    const result = await leg.play('say:Welcome to Westshire County Council.');
    expect(freeswitch.commands).toContain(`filter Unique-ID ${freeswitch.uuid}`);
    expect(result.found).toBe(true);
    expect(typeof result.playedMs).toBe('number');
    expect(freeswitch.commands).toContain(`sendmsg ${freeswitch.uuid}`);
  });

  it('interrupts a long prompt with uuid_break when a digit arrives, and reports the digit', async () => {
    const { leg, freeswitch } = await channel();
    freeswitch.appDurationMs = () => 60_000;
    const digits: string[] = [];
    leg.onDigit((d) => {
      digits.push(d);
      void leg.interrupt();
    });
    const playing = leg.play('/media/prompts/en-GB/menu.wav');
    freeswitch.press('7');
    const result = await playing;
    expect(digits).toEqual(['7']);
    expect(freeswitch.apiCalls).toEqual([`uuid_break ${freeswitch.uuid} all`]);
    expect(result.playedMs).toBeLessThan(60_000);
  });

  it('sends DTMF and starts, masks, unmasks and stops a recording with the commands FreeSWITCH expects', async () => {
    const { leg, freeswitch } = await channel();
    await leg.sendDigits('1234#');
    const path = '/recordings/call-1-bridge-1.wav';
    await leg.startCallRecording(path);
    await leg.maskCallRecording(path, true);
    await leg.maskCallRecording(path, false);
    await leg.stopCallRecording(path);
    expect(freeswitch.apiCalls).toEqual(['start', 'mask', 'unmask', 'stop'].map((verb) => `uuid_record ${freeswitch.uuid} ${verb} ${path}`));
  });

  it('rejects what is running with TelephonyError when FreeSWITCH goes away, and never throws afterwards', async () => {
    const { leg, freeswitch } = await channel();
    freeswitch.appDurationMs = () => 60_000;
    const gone: string[] = [];
    leg.onGone((reason) => gone.push(reason));
    const playing = leg.play('say:Please hold.');
    await new Promise((resolve) => setTimeout(resolve, 20));
    freeswitch.drop();
    await expect(playing).rejects.toBeInstanceOf(TelephonyError);
    expect(gone).toHaveLength(1);
    await expect(leg.play('say:Anyone there?')).rejects.toMatchObject({ code: 'mediaServerLost' });
    await leg.release();
  });
});
