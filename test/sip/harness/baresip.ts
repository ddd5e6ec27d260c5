/**
 * A real softphone as an agent's phone: Debian's baresip-core, headless. It REGISTERs with digest auth
 * (through drachtio-server, to the engine's registrar), answers by itself (or when told), sends a WAV as
 * its microphone (a tone at its own frequency, so whoever hears it can be told apart) and records what
 * it hears (sndfile: one `dump-…-dec.wav` per call). Driven over ctrl_tcp (netstring JSON commands and
 * events): hang up, transfer the caller (REFER), quit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

export interface BaresipOptions {
  /** SIP user name (and the agent's phone credentials in the engine's config). */
  username: string;
  password: string;
  /** Where REGISTERs and calls go: drachtio-server's SIP address, host:port. */
  registrar: string;
  sipPort: number;
  ctrlPort: number;
  /** Frequency of the tone it sends as its voice. */
  toneHz: number;
  /** Working directory (config, voice WAV, recordings, log). */
  dir: string;
  /** auto: answer at once; manual: ring until `answer()`. */
  answer?: 'auto' | 'manual';
}

export interface BaresipEvent {
  type: string;
  class?: string;
  param?: string;
  peeruri?: string;
  id?: string;
  [key: string]: unknown;
}

/** Netstring framing, as ctrl_tcp speaks it: `<length>:<json>,`. */
function netstring(text: string): string {
  return `${Buffer.byteLength(text)}:${text},`;
}

export class Baresip {
  readonly events = new EventEmitter();
  readonly log: string[] = [];
  private socket: Socket | undefined;
  private buffer = Buffer.alloc(0);
  private nextToken = 1;
  private readonly pending = new Map<string, (response: { ok: boolean; data: string }) => void>();

  private constructor(
    readonly options: BaresipOptions,
    private readonly child: ChildProcess,
  ) {}

  get recordingsDir(): string {
    return join(this.options.dir, 'heard');
  }

  static async start(options: BaresipOptions): Promise<Baresip> {
    const { dir, username, password, registrar, sipPort, ctrlPort, toneHz } = options;
    mkdirSync(join(dir, 'heard'), { recursive: true });
    const voice = join(dir, 'voice.wav');
    // Ten minutes of voice (baresip hangs up when its WAV ends): the tone, warbling a little, at -12 dBFS.
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', voice, 'synth', '600', 'sine', String(toneHz), 'tremolo', '3', '40', 'gain', '-12']);
    writeFileSync(
      join(dir, 'config'),
      [
        'poll_method epoll',
        `sip_listen 127.0.0.1:${sipPort}`,
        'sip_transports udp',
        'net_interface 127.0.0.1',
        `audio_player aubridge,play-${username}`,
        `audio_alert aubridge,alert-${username}`,
        `audio_source aufile,${voice}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module aubridge.so',
        'module sndfile.so',
        'module ctrl_tcp.so',
        'module_app account.so',
        'module_app menu.so',
        `snd_path ${join(dir, 'heard')}`,
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        '',
      ].join('\n'),
    );
    const answermode = options.answer === 'manual' ? 'manual' : 'auto';
    writeFileSync(
      join(dir, 'accounts'),
      `<sip:${username}@${registrar};transport=udp>;auth_user=${username};auth_pass=${password};answermode=${answermode};regint=600;audio_codecs=PCMA,PCMU\n`,
    );
    const child = spawn('baresip', ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const phone = new Baresip(options, child);
    const logFile = createWriteStream(join(dir, 'baresip.log'));
    const keep = (chunk: Buffer) => {
      logFile.write(chunk);
      phone.log.push(...chunk.toString().split('\n').filter(Boolean));
      if (phone.log.length > 500) phone.log.splice(0, phone.log.length - 500);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await phone.connectControl();
    return phone;
  }

  private async connectControl(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const socket = await new Promise<Socket | undefined>((resolve) => {
        const s = connect(this.options.ctrlPort, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
      if (socket) {
        this.socket = socket;
        socket.on('data', (chunk: Buffer) => this.receive(chunk));
        socket.on('error', () => undefined);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`baresip ${this.options.username}: ctrl_tcp did not open on port ${this.options.ctrlPort}: ${this.log.slice(-5).join(' | ')}`);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length + 1) return;
      const text = this.buffer.subarray(colon + 1, colon + 1 + length).toString();
      this.buffer = this.buffer.subarray(colon + 2 + length);
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (message.response) {
        this.pending.get(String(message.token))?.({ ok: Boolean(message.ok), data: String(message.data ?? '') });
        this.pending.delete(String(message.token));
      } else if (message.event) {
        this.events.emit('event', message as BaresipEvent);
        this.events.emit(String(message.type), message as BaresipEvent);
      }
    }
  }

  /** One ctrl_tcp command (the menu's: hangup, transfer <uri>, dial <uri>, accept, quit …). */
  command(command: string, params = ''): Promise<{ ok: boolean; data: string }> {
    const token = `t${this.nextToken++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new Error(`baresip ${this.options.username}: no answer to "${command}"`));
      }, 5_000);
      this.pending.set(token, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      this.socket!.write(netstring(JSON.stringify({ command, params, token })));
    });
  }

  /** The next event of `type` (REGISTER_OK, CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED …). */
  waitFor(type: string, timeoutMs: number): Promise<BaresipEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off(type, onEvent);
        reject(new Error(`baresip ${this.options.username}: no ${type} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const onEvent = (event: BaresipEvent) => {
        clearTimeout(timer);
        resolve(event);
      };
      this.events.once(type, onEvent);
    });
  }

  hangup(): Promise<{ ok: boolean; data: string }> {
    return this.command('hangup');
  }

  /** Blind-transfers the current call from the phone (SIP REFER). */
  transfer(uri: string): Promise<{ ok: boolean; data: string }> {
    return this.command('transfer', uri);
  }

  /** What it heard, call by call (oldest first). */
  heard(): string[] {
    return readdirSync(this.recordingsDir)
      .filter((f) => f.endsWith('-dec.wav'))
      .sort()
      .map((f) => join(this.recordingsDir, f));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.command('quit').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    this.socket?.destroy();
  }
}
