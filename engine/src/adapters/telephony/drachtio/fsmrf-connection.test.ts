import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import Mrf from 'drachtio-fsmrf';
import type Srf from 'drachtio-srf';
import { afterEach, describe, expect, it } from 'vitest';
import { guardDialog, guardedSrfForMrf } from './fsmrf-connection.js';
import type { SipAgent, SipDialog } from './sip.js';

/** drachtio's answer when asked to end a dialog it no longer knows. */
const enodialog = () => Object.assign(new Error('ENODIALOG: dialog not found'), { code: 'ENODIALOG' });

/** A dialog whose BYE drachtio refuses (the FreeSWITCH leg is already gone). */
function goneDialog(): SipDialog {
  const dialog = new EventEmitter() as SipDialog;
  Object.assign(dialog, { local: { sdp: '' }, remote: { sdp: '' }, destroy: () => Promise.reject(enodialog()) });
  return dialog;
}

/** Collects unhandled rejections while a test runs (vitest would fail the run on one; here we count them). */
function watchUnhandled(): { seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  return { seen, stop: () => process.off('unhandledRejection', listener) };
}

let freeswitch: Server | undefined;
afterEach(() => freeswitch?.close());

/**
 * A protocol-level fake of FreeSWITCH's inbound event socket, enough for drachtio-fsmrf's
 * Mrf#connect: auth, the HEARTBEAT subscription and `api sofia status` naming the drachtio_mrf profile.
 * It never opens the per-call connection back, as FreeSWITCH does not when it is overloaded.
 */
async function overloadedFreeSwitch(): Promise<number> {
  freeswitch = createServer((socket: Socket) => {
    let buffer = '';
    socket.write('Content-Type: auth/request\n\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const command = buffer.slice(0, end).split('\n')[0]!;
        buffer = buffer.slice(end + 2);
        if (command.startsWith('api sofia status')) {
          const body = ' drachtio_mrf\tprofile\tsip:mod_sofia@127.0.0.1:5080\tRUNNING (0)\n';
          socket.write(`Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`);
        } else {
          socket.write(`Content-Type: command/reply\nReply-Text: ${encodeURIComponent(command.startsWith('auth') ? '+OK accepted' : '+OK')}\n\n`);
        }
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => freeswitch!.listen(0, '127.0.0.1', resolve));
  return (freeswitch!.address() as { port: number }).port;
}

describe('drachtio-fsmrf with its late failures contained', () => {
  it("reports, never throws, fsmrf's dialog.destroy() after its 4 s wait for FreeSWITCH's connection (ENODIALOG)", async () => {
    const port = await overloadedFreeSwitch();
    const late: [string, unknown][] = [];
    const unhandled = watchUnhandled();
    const srf = {
      createUAC: async () => goneDialog(),
      createUAS: async () => goneDialog(),
    } as unknown as SipAgent;
    const mrf = new Mrf(guardedSrfForMrf(srf, (what, error) => late.push([what, error])) as unknown as Srf);
    const server = await mrf.connect({ address: '127.0.0.1', port, secret: 'ClueCon', listenAddress: '127.0.0.1', listenPort: 0, profile: 'drachtio_mrf' });
    try {
      await expect(server.createEndpoint({ remoteSdp: 'v=0\r\n' })).rejects.toThrow('Connection timeout');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(late).toHaveLength(1);
      expect(late[0]![0]).toBe('dialog.destroy');
      expect((late[0]![1] as Error).message).toMatch(/ENODIALOG/);
      expect(unhandled.seen).toEqual([]);
    } finally {
      unhandled.stop();
      server.disconnect();
    }
  }, 10_000);

  it('guards dialogs made in the callback form fsmrf also uses, and leaves a handled destroy to its caller', async () => {
    const late: unknown[] = [];
    const unhandled = watchUnhandled();
    const guarded = guardedSrfForMrf({ createUAC: (async () => goneDialog()) as unknown as SipAgent['createUAC'], createUAS: async () => goneDialog() }, (_what, error) => late.push(error));
    const viaCallback = await new Promise<SipDialog>((resolve, reject) =>
      (guarded.createUAC as unknown as (...args: unknown[]) => void)('sip:drachtio@127.0.0.1:5080', {}, {}, (error: unknown, dialog: SipDialog) => (error ? reject(error) : resolve(dialog))),
    );
    void viaCallback.destroy();
    await expect(guardDialog(goneDialog(), (_what, error) => late.push(error)).destroy()).rejects.toThrow(/ENODIALOG/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(late).toHaveLength(2);
    expect(unhandled.seen).toEqual([]);
    unhandled.stop();
  });
});
