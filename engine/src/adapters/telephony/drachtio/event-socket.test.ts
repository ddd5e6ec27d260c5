import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendEventSocketCommandsWhole } from './event-socket.js';

/** The real drachtio-modesl Connection, as drachtio-fsmrf uses it for each call's connection. */
const require = createRequire(import.meta.url);
const esl = require('drachtio-modesl') as {
  Connection: new (socket: Socket) => EventEmitter & { send(command: string, args?: Record<string, string>): void; api(command: string, args: string): void };
};

let server: Server | undefined;
afterEach(() => server?.close());

describe('event-socket commands', () => {
  it('leave whole, each in one write, on a no-delay socket from the connection’s first command', async () => {
    sendEventSocketCommandsWhole();
    const accepted = new Promise<Socket>((resolve) => {
      server = createServer(resolve);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    // FreeSWITCH's end of an outbound (per-call) connection: it records what arrives, chunk by chunk.
    const freeswitch = connect((server!.address() as { port: number }).port, '127.0.0.1');
    const chunks: string[] = [];
    freeswitch.on('data', (chunk) => chunks.push(chunk.toString()));
    const engineSide = await accepted;
    const noDelay = vi.spyOn(engineSide, 'setNoDelay');
    const writes = vi.spyOn(engineSide, 'write');

    const conn = new esl.Connection(engineSide); // sends `connect` at once
    // An application to run: a command line and four headers (modesl writes each on its own).
    conn.send('sendmsg c0ffee', { 'call-command': 'execute', 'execute-app-name': 'playback', 'execute-app-arg': 'say:Press one.', 'Event-UUID': 'e1' });
    conn.api('uuid_break', 'c0ffee all');
    await vi.waitFor(() => expect(chunks.join('')).toContain('api uuid_break c0ffee all\n\n'));

    expect(noDelay).toHaveBeenCalledWith(true);
    expect(noDelay.mock.invocationCallOrder[0]).toBeLessThan(writes.mock.invocationCallOrder[0]!);
    // Each command went to the socket as one write, not one per line.
    expect(writes).toHaveBeenCalledTimes(3);
    // …so FreeSWITCH never sees a command in pieces.
    for (const chunk of chunks) expect(chunk.endsWith('\n\n')).toBe(true);
    freeswitch.destroy();
    engineSide.destroy();
  });
});
