import { EventEmitter } from 'node:events';
import type Mrf from 'drachtio-fsmrf';
import type { Clock } from '../../../../ports/clock.js';
import type { FsEndpoint } from '../media-leg.js';
import type { FsMediaServer } from '../media-pool.js';
import type { CreateUacOptions, OfferlessAnswer, OutgoingInvite, SipAgent, SipDialog, SipOutgoingRequest, SipRequest, SipResponse, UacProgress } from '../sip.js';
import { FakeAudioFork } from './fake-audio-fork.js';

/**
 * Named fakes of drachtio-srf and drachtio-fsmrf for unit tests (drachtio-server and FreeSWITCH
 * cannot run here). They follow the real libraries' behaviour where the adapter depends on it:
 * - fsmrf Endpoint: `execute` resolves when the FreeSWITCH application ends (playback/record end
 *   early on uuid_break), DTMF arrives as 'dtmf' events, 'destroy' is emitted when the event
 *   socket ends, `conn` becomes null then, `api` resolves with a body starting "+OK" or "-ERR";
 * - srf Dialog: `destroy()` (our BYE) does NOT emit 'destroy'; only the far end's BYE does;
 * - srf createUAC: rejects with a SipError-like { status } for a final failure, 487 after CANCEL;
 * - mod_audio_fork (`uuid_audio_fork`): see FakeAudioFork; its media bug stays attached (a second
 *   start fails) until `stop` or the channel ends, even when the engine closed the connection.
 */

class FakeEslEvent implements Mrf.EslEvent {
  constructor(
    private readonly headers: Record<string, string> = {},
    private readonly body = '',
  ) {}
  getHeader(name: string): string | undefined {
    return this.headers[name];
  }
  getBody(): string {
    return this.body;
  }
}

interface RunningApp {
  app: string;
  stop: () => void;
}

let nextUuid = 1;

export class FakeFreeSwitchChannel extends EventEmitter implements FsEndpoint {
  readonly uuid = `fs-channel-${nextUuid++}`;
  readonly local = { sdp: `v=0\r\no=FreeSWITCH ${this.uuid}\r\n` };
  readonly remote = { sdp: '' };
  conn: (EventEmitter & { socket: { setNoDelay(on: boolean): void; noDelay: boolean } }) | null;
  /** Every application run, in order, with its argument. */
  readonly executed: { app: string; arg: string }[] = [];
  readonly apiCalls: string[] = [];
  private readonly variableLog: [string, string][] = [];
  released = false;
  private running: RunningApp | undefined;
  /** How long a playback lasts, by file (default 2 s). */
  playbackMs: (file: string) => number = () => 2_000;
  /** What the next `record` captures: how long, and the WAV written. */
  nextRecordings: { ms: number; wav?: Uint8Array }[] = [];
  /** False: this FreeSWITCH has no mod_audio_fork (`uuid_audio_fork` is an unknown command). */
  audioForkLoaded = true;
  /** Every audio fork started on this channel, in order; the last is attached while `audioForkAttached`. */
  readonly audioForks: FakeAudioFork[] = [];
  audioForkAttached = false;

  constructor(
    private readonly clock: Clock,
    private readonly recordings: Map<string, Uint8Array>,
    readonly mediaServerName: string,
  ) {
    super();
    const conn = new EventEmitter() as EventEmitter & { socket: { setNoDelay(on: boolean): void; noDelay: boolean } };
    conn.socket = {
      noDelay: false,
      setNoDelay(on: boolean) {
        this.noDelay = on;
      },
    };
    this.conn = conn;
  }

  get played(): string[] {
    return this.executed.filter((e) => e.app === 'playback').map((e) => e.arg);
  }

  /** Channel variables as set so far: by `set`, `multiset` or the `uuid_setvar_multi` API, in order. */
  get variables(): Record<string, string> {
    return Object.fromEntries(this.variableLog);
  }

  /** The caller presses a key (an RFC 2833 event reported by FreeSWITCH). */
  press(digits: string): void {
    for (const dtmf of digits) this.emit('dtmf', { dtmf, duration: '1600', source: 'RTP' });
  }

  /** The fork streaming this channel's audio now, if any. */
  get audioFork(): FakeAudioFork | undefined {
    return this.audioForkAttached ? this.audioForks.at(-1) : undefined;
  }

  /**
   * The caller makes sound (samples at the fork's rate): streamed by the attached audio fork once its
   * connection is open, lost otherwise (as on a real channel, nothing keeps it). Resolves once sent.
   */
  async speak(samples: Int16Array): Promise<void> {
    await this.audioFork?.send(samples);
  }

  /** The media server dies: the event socket ends under the channel (fsmrf emits 'destroy'). */
  dropConnection(): void {
    this.conn = null;
    this.running?.stop();
    this.detachAudioFork();
    this.emit('destroy');
  }

  private setVariables(pairs: string[]): void {
    for (const pair of pairs) this.variableLog.push([pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]);
  }

  private detachAudioFork(): void {
    if (!this.audioForkAttached) return;
    this.audioForkAttached = false;
    this.audioForks.at(-1)?.stop();
  }

  /** mod_audio_fork's API: `<uuid> start <url> mono|mixed|stereo 8k|16k [metadata]`, `<uuid> stop [text]`. */
  private audioForkApi(args: string): string {
    if (!this.audioForkLoaded) return '-ERR uuid_audio_fork Command not found!\n';
    const [uuid, verb, url = '', mix, rate, metadata] = args.split(' ');
    if (uuid !== this.uuid) return '-ERR Operation Failed\n';
    if (verb === 'start') {
      if (this.audioForkAttached || !/^wss?:\/\//.test(url) || mix !== 'mono' || (rate !== '8k' && rate !== '16k')) return '-ERR Operation Failed\n';
      this.audioForks.push(new FakeAudioFork(url, rate === '16k' ? 16000 : 8000, metadata));
      this.audioForkAttached = true;
      return '+OK Success\n';
    }
    if (verb === 'stop') {
      if (!this.audioForkAttached) return '-ERR Operation Failed\n';
      this.detachAudioFork();
      return '+OK Success\n';
    }
    return '-ERR Operation Failed\n';
  }

  async execute(app: string, arg = ''): Promise<Mrf.EslEvent> {
    if (!this.conn) throw new Error('endpoint no longer active');
    this.executed.push({ app, arg });
    // multiset's argument is ^^<delimiter>name=value<delimiter>name=value…
    if (app === 'set') this.setVariables([arg]);
    if (app === 'multiset' && arg.startsWith('^^')) this.setVariables(arg.slice(3).split(arg[2]!));
    switch (app) {
      case 'playback': {
        const ms = this.playbackMs(arg);
        const played = await this.runFor(app, ms);
        return new FakeEslEvent({ 'Application-Response': 'FILE PLAYED', variable_playback_ms: String(played) });
      }
      case 'record': {
        const [path = '', limit = '60'] = arg.split(' ');
        const next = this.nextRecordings.shift() ?? { ms: 0 };
        const ms = await this.runFor(app, Math.min(next.ms, Number(limit) * 1000));
        if (next.wav) this.recordings.set(path, next.wav);
        return new FakeEslEvent({ Application: 'record', variable_record_ms: String(ms) });
      }
      default:
        return new FakeEslEvent({ Application: app, 'Application-Response': '_none_' });
    }
  }

  async api(command: string, args: string | string[] = ''): Promise<Mrf.EslEvent> {
    if (!this.conn) throw new Error('endpoint no longer active');
    const line = `${command} ${Array.isArray(args) ? args.join(' ') : args}`;
    this.apiCalls.push(line);
    if (command === 'uuid_break') this.running?.stop();
    if (command === 'uuid_setvar_multi') this.setVariables(line.slice(line.indexOf(' ', command.length + 1) + 1).split(';'));
    if (command === 'uuid_audio_fork') return new FakeEslEvent({}, this.audioForkApi(Array.isArray(args) ? args.join(' ') : args));
    return new FakeEslEvent({}, '+OK\n');
  }

  async set(): Promise<Mrf.EslEvent> {
    return new FakeEslEvent();
  }

  async modify(sdp: string): Promise<string> {
    this.remote.sdp = sdp;
    return this.local.sdp;
  }

  async destroy(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.running?.stop();
    this.detachAudioFork();
    this.conn = null;
  }

  /** Runs an application for `ms` of the clock, or until uuid_break / hang-up; resolves with the ms it ran. */
  private runFor(app: string, ms: number): Promise<number> {
    const started = this.clock.now();
    const stopped = new AbortController();
    this.running = { app, stop: () => stopped.abort() };
    return this.clock.sleep(ms, stopped.signal).then(
      () => ms,
      () => this.clock.now() - started,
    );
  }
}

/** A fake fsmrf MediaServer: hands out FakeFreeSwitchChannels. */
export class FakeMediaServer extends EventEmitter implements FsMediaServer {
  readonly channels: FakeFreeSwitchChannel[] = [];
  /** Set to make createEndpoint hang until released (to race a CANCEL against it). */
  hold: Promise<void> | undefined;
  failCreate: Error | undefined;
  disconnected = false;

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    readonly recordings: Map<string, Uint8Array>,
  ) {
    super();
  }

  async createEndpoint(opts: Mrf.EndpointOptions = {}): Promise<FakeFreeSwitchChannel> {
    if (this.hold) await this.hold;
    if (this.failCreate) throw this.failCreate;
    const channel = new FakeFreeSwitchChannel(this.clock, this.recordings, this.name);
    if (opts.remoteSdp) channel.remote.sdp = opts.remoteSdp;
    this.channels.push(channel);
    return channel;
  }

  /** Offers answered by DTLS (browsers): FreeSWITCH's answer went to the far end before the channel was ready. */
  readonly dtlsAnswers: string[] = [];

  async answerDtlsOffer(offer: string, sendAnswer: (answerSdp: string) => Promise<void>): Promise<FakeFreeSwitchChannel> {
    if (this.failCreate) throw this.failCreate;
    const channel = new FakeFreeSwitchChannel(this.clock, this.recordings, this.name);
    channel.remote.sdp = offer;
    await sendAnswer(channel.local.sdp);
    this.dtlsAnswers.push(channel.local.sdp);
    this.channels.push(channel);
    return channel;
  }

  disconnect(): void {
    this.disconnected = true;
  }

  /** The event socket to this FreeSWITCH ends (fsmrf emits 'end'). */
  lose(): void {
    for (const channel of this.channels) if (!channel.released) channel.dropConnection();
    this.emit('end');
  }
}

let nextDialog = 1;

export class FakeDialog extends EventEmitter implements SipDialog {
  readonly local: { sdp: string; uri: string };
  readonly remote: { sdp: string; uri: string };
  readonly sip: { callId: string; localTag: string; remoteTag: string };
  destroyed = false;
  destroyHeaders: Record<string, string> | undefined;
  /** Our offers sent by re-INVITE, in order. */
  readonly modifiedWith: string[] = [];
  /** Offerless re-INVITEs (RFC 3725): each with the answer we put in its ACK (undefined until ACKed). */
  readonly offerless: { offer: string; ackedWith: string | undefined }[] = [];
  readonly requests: { method: string; headers?: Record<string, string>; body?: string }[] = [];
  /** How the far end answers in-dialog requests (REFER…). */
  answerRequest: (method: string) => number = () => 200;
  /** The far end's media (its offer to an offerless re-INVITE, its answer to ours): by default its current SDP. */
  answerReinvite: (offer: string | undefined) => string | { status: number } = () => this.remote.sdp;

  constructor(localSdp: string, remoteSdp: string, uri = 'sip:caller@trunk.example') {
    super();
    const n = nextDialog++;
    this.local = { sdp: localSdp, uri: 'sip:frontdoor@sbc.example' };
    this.remote = { sdp: remoteSdp, uri };
    this.sip = { callId: `dialog-${n}@sbc.example`, localTag: `ours-${n}`, remoteTag: `theirs-${n}` };
  }

  /** Our BYE: like drachtio-srf, it does not emit 'destroy'. */
  async destroy(opts?: { headers?: Record<string, string> }): Promise<void> {
    this.destroyed = true;
    this.destroyHeaders = opts?.headers;
  }

  /** The far end's BYE. */
  remoteHangup(): void {
    this.destroyed = true;
    this.emit('destroy');
  }

  modify(sdp: string): Promise<string>;
  modify(opts: { noAck: true }): Promise<{ sdp: string; ack(answerSdp: string): void }>;
  async modify(sdpOrOpts: string | { noAck: true }): Promise<unknown> {
    if (this.destroyed) throw new Error('invalid request to modify a completed dialog');
    const answer = this.answerReinvite(typeof sdpOrOpts === 'string' ? sdpOrOpts : undefined);
    if (typeof answer !== 'string') throw Object.assign(new Error(`SIP ${answer.status}`), { status: answer.status });
    this.remote.sdp = answer;
    if (typeof sdpOrOpts === 'string') {
      this.modifiedWith.push(sdpOrOpts);
      this.local.sdp = sdpOrOpts;
      return answer;
    }
    const exchange: { offer: string; ackedWith: string | undefined } = { offer: answer, ackedWith: undefined };
    this.offerless.push(exchange);
    return { sdp: answer, ack: (answerSdp: string) => void (exchange.ackedWith = answerSdp) };
  }

  async request(opts: { method: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number }> {
    this.requests.push(opts);
    return { status: this.answerRequest(opts.method) };
  }

  /** The far end sends an in-dialog NOTIFY carrying a sipfrag (REFER progress). */
  notify(sipfrag: string): SipResponse & { sent: number[] } {
    const res = new FakeResponse();
    this.emit('notify', fakeRequest({ method: 'NOTIFY', body: sipfrag }), res);
    return res;
  }
}

export class FakeResponse implements SipResponse {
  readonly sent: number[] = [];
  readonly headers: Record<string, string>[] = [];
  get finalResponseSent(): boolean {
    return this.sent.some((s) => s >= 200);
  }
  send(status: number, reasonOrOpts?: string | { headers?: Record<string, string> }, maybeOpts?: { headers?: Record<string, string> }): void {
    const opts = typeof reasonOrOpts === 'object' ? reasonOrOpts : maybeOpts;
    this.sent.push(status);
    this.headers.push(opts?.headers ?? {});
  }
}

export interface FakeRequestInit {
  method?: string;
  uri?: string;
  body?: string;
  callId?: string;
  source?: string;
  headers?: Record<string, string>;
  registration?: SipRequest['registration'];
}

export function fakeRequest(init: FakeRequestInit = {}): SipRequest & { cancelByCaller(): void } {
  const events = new EventEmitter();
  // Like drachtio-srf's Request, the Call-ID is only a header (there is no callId property).
  const headers: Record<string, string> = {
    'call-id': init.callId ?? `call-${nextUuid++}`,
    ...Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const req = {
    method: init.method ?? 'INVITE',
    uri: init.uri ?? 'sip:+441234500000@sbc.example',
    body: init.body ?? 'v=0\r\no=caller 1 1 IN IP4 192.0.2.10\r\n',
    source_address: init.source ?? '192.0.2.10',
    source_port: '5060',
    protocol: 'udp',
    calledNumber: '',
    callingNumber: '',
    get: (name: string) => headers[name.toLowerCase()],
    has: (name: string) => name.toLowerCase() in headers,
    /** drachtio-srf's header parser, for the headers the registration parser reads. */
    getParsedHeader: (name: string) => {
      const value = headers[name.toLowerCase()] ?? '';
      if (/^contact$/i.test(name)) {
        return value.split(',').map((part) => {
          const uri = /<([^>]+)>/.exec(part)?.[1] ?? part.trim();
          const expires = /;\s*expires=(\d+)/i.exec(part.replace(/<[^>]+>/, ''))?.[1];
          return { uri, params: expires ? { expires } : {} };
        });
      }
      return { uri: /<([^>]+)>/.exec(value)?.[1] ?? value };
    },
    on: (event: string, listener: () => void) => events.on(event, listener),
    canceled: false,
    cancelByCaller() {
      this.canceled = true;
      events.emit('cancel');
    },
    ...(init.registration ? { registration: init.registration } : {}),
  };
  return req;
}

export type UacScript =
  | { answerAfterMs: number; sdp?: string }
  | { rejectAfterMs: number; status: number }
  /** Rings until CANCEL. */
  | 'ring';

/** A fake of drachtio-srf's createUAS / createUAC / request. */
export class FakeSipAgent implements SipAgent {
  readonly uasDialogs: FakeDialog[] = [];
  readonly uacDialogs: FakeDialog[] = [];
  readonly invites: { uri: string; opts: CreateUacOptions; cancelled: boolean }[] = [];
  readonly optionsSent: string[] = [];
  script: (uri: string) => UacScript = () => ({ answerAfterMs: 1_000 });
  answerOptions: (uri: string) => Promise<number> = async () => 200;

  constructor(private readonly clock: Clock) {}

  /** Set to hold createUAS (to race a CANCEL against the answer). */
  uasHold: Promise<void> | undefined;

  async createUAS(req: SipRequest, res: SipResponse, opts: { localSdp: string }): Promise<FakeDialog> {
    if (this.uasHold) await this.uasHold;
    // Like drachtio-srf: a request the caller has cancelled can no longer be answered.
    if ((req as { canceled?: boolean }).canceled) throw Object.assign(new Error('Request Terminated'), { status: 487 });
    res.send(200, { body: opts.localSdp });
    const dialog = new FakeDialog(opts.localSdp, req.body);
    this.uasDialogs.push(dialog);
    return dialog;
  }

  createUAC(uri: string, opts: CreateUacOptions, progress?: UacProgress): Promise<FakeDialog>;
  createUAC(uri: string, opts: Omit<CreateUacOptions, 'localSdp'> & { noAck: true }, progress?: UacProgress): Promise<OfferlessAnswer>;
  async createUAC(uri: string, opts: CreateUacOptions & { noAck?: true }, progress?: UacProgress): Promise<FakeDialog | OfferlessAnswer> {
    const record = { uri, opts, cancelled: false };
    this.invites.push(record);
    const ringing = new AbortController();
    // As drachtio-srf calls it: (error, the request sent).
    progress?.cbRequest?.(null, {
      cancel: () => {
        record.cancelled = true;
        ringing.abort();
      },
    });
    const script = this.script(uri);
    const waitMs = script === 'ring' ? 24 * 3600_000 : 'answerAfterMs' in script ? script.answerAfterMs : script.rejectAfterMs;
    try {
      await this.clock.sleep(waitMs, ringing.signal);
    } catch {
      throw Object.assign(new Error('Request Terminated'), { status: 487 });
    }
    if (script !== 'ring' && 'status' in script) throw Object.assign(new Error(`SIP ${script.status}`), { status: script.status });
    const answered = (script !== 'ring' && 'answerAfterMs' in script ? script.sdp : undefined) ?? `v=0\r\no=far-end ${uri}\r\n`;
    if (opts.noAck) {
      // Offerless (3PCC): the far end's SDP is its offer; the dialog exists once we ACK with our answer.
      return {
        sdp: answered,
        ack: async (localSdp: string) => {
          const dialog = new FakeDialog(localSdp, answered, uri);
          this.uacDialogs.push(dialog);
          return dialog;
        },
        destroy: async () => undefined,
      };
    }
    const dialog = new FakeDialog(opts.localSdp ?? '', answered, uri);
    this.uacDialogs.push(dialog);
    return dialog;
  }

  async request(uri: string, opts: { method: string }): Promise<SipOutgoingRequest> {
    this.optionsSent.push(`${opts.method} ${uri}`);
    const status = this.answerOptions(uri);
    return {
      on: (_event: 'response', listener: (res: { status: number }) => void) => {
        void status.then((s) => listener({ status: s }));
      },
    };
  }
}

/** Captures log lines so tests can check what was (and was not) logged. */
export function captureLogger(): { lines: string[]; info(m: string): void; error(m: string, e?: unknown): void } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    error: (m, e) => lines.push(`error ${m}${e ? ` ${String(e)}` : ''}`),
  };
}

type Handler = (req: SipRequest, res: SipResponse) => void;

/** A fake drachtio-srf Srf: the agent calls plus connect events and request handlers. */
export class FakeSipEdge extends FakeSipAgent {
  private readonly events = new EventEmitter();
  readonly handlers: Partial<Record<'invite' | 'register' | 'options', Handler>> = {};
  connectedWith: { host: string; port: number; secret: string } | undefined;
  /** What drachtio-server does when the engine connects. */
  onConnect: 'accept' | 'refuse' | 'unreachable' = 'accept';

  connect(opts: { host: string; port: number; secret: string }): void {
    this.connectedWith = opts;
    setImmediate(() => {
      if (this.onConnect === 'accept') this.events.emit('connect', null, 'udp/127.0.0.1:5060');
      else if (this.onConnect === 'refuse') this.events.emit('connect', new Error('failed to authenticate to server'));
      else this.events.emit('error', Object.assign(new Error(`connect ECONNREFUSED ${opts.host}:${opts.port}`), { code: 'ECONNREFUSED' }));
    });
  }
  disconnect(): void {
    this.events.emit('close');
  }
  on(event: string, listener: (...args: never[]) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }
  invite(handler: Handler): void {
    this.handlers.invite = handler;
  }
  register(handler: Handler): void {
    this.handlers.register = handler;
  }
  options(handler: Handler): void {
    this.handlers.options = handler;
  }
}
