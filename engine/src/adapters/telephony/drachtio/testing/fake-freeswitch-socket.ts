import type { Socket } from 'node:net';

/**
 * A named fake of one FreeSWITCH channel's end of an outbound event socket (the connection
 * FreeSWITCH's `socket` dialplan application opens to drachtio-fsmrf for each call), speaking the
 * event-socket wire protocol so the real drachtio-modesl Connection and fsmrf Endpoint run on top:
 * - `connect` → command/reply carrying the channel data;
 * - `event …`, `filter …`, `linger`, `myevents` → command/reply +OK;
 * - `api <command> <args>` → api/response "+OK" (uuid_break ends the running application);
 * - `sendmsg <uuid>` with call-command execute → command/reply +OK, then CHANNEL_EXECUTE_COMPLETE
 *   (carrying Application-UUID = the request's Event-UUID) when the application ends.
 */
export class FakeFreeSwitchEventSocket {
  readonly commands: string[] = [];
  readonly apiCalls: string[] = [];
  /** How long each application runs, by name and argument (ms). */
  appDurationMs: (app: string, arg: string) => number = () => 20;
  private buffer = '';
  private running: { stop: () => void; abandon: () => void } | undefined;

  constructor(
    private readonly socket: Socket,
    readonly uuid: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\n\n'); end !== -1; end = this.buffer.indexOf('\n\n')) {
        const message = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        this.handle(message);
      }
    });
    socket.on('error', () => undefined);
  }

  /** The caller presses a key (FreeSWITCH reports an RFC 2833 digit as a DTMF event). */
  press(digit: string): void {
    this.event({ 'Event-Name': 'DTMF', 'Unique-ID': this.uuid, 'DTMF-Digit': digit, 'DTMF-Duration': '1600', 'DTMF-Source': 'RTP' });
  }

  /** FreeSWITCH goes away: the socket closes under the channel. */
  drop(): void {
    this.running?.abandon();
    this.socket.destroy();
  }

  private handle(message: string): void {
    const [line = '', ...headerLines] = message.split('\n');
    this.commands.push(line);
    const headers = Object.fromEntries(headerLines.map((h) => [h.slice(0, h.indexOf(': ')), h.slice(h.indexOf(': ') + 2)]));
    if (line === 'connect') {
      this.reply({
        'Content-Type': 'command/reply',
        'Reply-Text': '+OK',
        'Event-Name': 'CHANNEL_DATA',
        'Unique-ID': this.uuid,
        'Channel-Unique-ID': this.uuid,
        variable_rtp_local_sdp_str: 'v=0\r\no=FreeSWITCH 1 1 IN IP4 127.0.0.1\r\n',
        variable_sip_call_id: `call-${this.uuid}`,
      });
    } else if (line.startsWith('api ')) {
      this.apiCalls.push(line.slice(4));
      if (line.startsWith('api uuid_break')) this.running?.stop();
      this.body({ 'Content-Type': 'api/response' }, '+OK\n');
    } else if (line.startsWith('sendmsg')) {
      this.reply({ 'Content-Type': 'command/reply', 'Reply-Text': '+OK' });
      const app = headers['execute-app-name'] ?? '';
      const arg = headers['execute-app-arg'] ?? '';
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        this.running = undefined;
        const ms = String(Date.now() - started);
        this.event({
          'Event-Name': 'CHANNEL_EXECUTE_COMPLETE',
          'Unique-ID': this.uuid,
          Application: app,
          'Application-Data': arg,
          'Application-UUID': headers['Event-UUID'] ?? '',
          'Application-Response': app === 'playback' ? 'FILE PLAYED' : '_none_',
          variable_playback_ms: ms,
          variable_record_ms: ms,
        });
      };
      timer = setTimeout(finish, this.appDurationMs(app, arg));
      this.running = { stop: finish, abandon: () => clearTimeout(timer) };
    } else {
      this.reply({ 'Content-Type': 'command/reply', 'Reply-Text': '+OK' });
    }
  }

  private reply(headers: Record<string, string>): void {
    if (this.socket.destroyed) return;
    this.socket.write(`${Object.entries(headers).map(([k, v]) => `${k}: ${encodeURIComponent(v)}`).join('\n')}\n\n`);
  }

  private body(headers: Record<string, string>, body: string): void {
    if (this.socket.destroyed) return;
    const text = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n');
    this.socket.write(`${text}\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`);
  }

  private event(headers: Record<string, string>): void {
    const plain = `${Object.entries(headers).map(([k, v]) => `${k}: ${encodeURIComponent(v)}`).join('\n')}\n\n`;
    this.body({ 'Content-Type': 'text/event-plain' }, plain);
  }
}
