import type Mrf from 'drachtio-fsmrf';
import { noDelay } from './event-socket.js';

/**
 * A typed wrapper over one drachtio-fsmrf Endpoint (a FreeSWITCH channel): every method returns
 * numbers and outcomes, never raw event-socket headers, and guards fsmrf's measured pitfalls:
 * - TCP no-delay on the channel's event socket (each command otherwise waits for a delayed ACK; see
 *   event-socket.ts, which makes every command one segment from the connection's first byte);
 * - only the FreeSWITCH events the engine uses reach it (fsmrf subscribes each channel to several
 *   large ones it never needs);
 * - an endpoint whose socket already closed (overload) rejects with TelephonyError instead of
 *   throwing asynchronously and killing the process;
 * - a channel that FreeSWITCH drops mid-call (media server gone) rejects what is running.
 * Digits are collected from DTMF events rather than fsmrf's playCollect (whose arguments are joined
 * with spaces and break on spoken prompts), so nothing here splits a prompt's text.
 */

export type TelephonyErrorCode = 'mediaServerLost' | 'noMediaServer' | 'mediaCommandFailed' | 'signallingFailed';

export class TelephonyError extends Error {
  constructor(
    readonly code: TelephonyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TelephonyError';
  }
}

/** The slice of an fsmrf Endpoint used here; the real Endpoint satisfies it. */
export type FsEndpoint = Pick<Mrf.Endpoint, 'uuid' | 'local' | 'execute' | 'api' | 'destroy' | 'modify'> & {
  on(event: 'dtmf', listener: (evt: Mrf.DtmfEvent) => void): unknown;
  on(event: 'destroy', listener: (evt?: { reason?: string }) => void): unknown;
  /** The channel's event-socket connection (fsmrf sets it to null when it ends). */
  readonly conn: {
    socket?: { setNoDelay(noDelay?: boolean): unknown } | null;
    on(event: 'error', listener: (error: Error) => void): unknown;
    /** Sends an event-socket command (drachtio-modesl's Connection#sendRecv). */
    sendRecv?(command: string): unknown;
  } | null;
};

/**
 * Events fsmrf 4.1's Endpoint subscribes every channel's connection to that the engine never uses.
 * Most are full channel events — every channel variable, several KB of JSON each, four of them per
 * prompt — parsed on the engine's event loop. Kept: CHANNEL_EXECUTE_COMPLETE (a command finished),
 * CHANNEL_CALLSTATE (hang-up; small) and DTMF.
 */
const UNUSED_EVENTS = 'CHANNEL_EXECUTE CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER DETECTED_TONE PLAYBACK_START PLAYBACK_STOP CUSTOM conference::maintenance';

/** Delimiters `multiset` may use (`^^<delimiter>name=value<delimiter>…`), first one absent from every pair wins. */
const MULTISET_DELIMITERS = ['|', '^', '~', '!', '#', ';'];

export interface PlaybackResult {
  /** Milliseconds of audio played. */
  playedMs: number;
  /** False when the file or TTS could not be played. */
  found: boolean;
}

export interface RecordingResult {
  durationMs: number;
}

const RELEASE_WAIT_MS = 2000;

/** FreeSWITCH arguments are split on spaces: paths and names we pass must not contain any. */
const SAFE_ARG = /^[A-Za-z0-9_.:/@%+=,()-]+$/;

function safeArg(value: string, what: string): string {
  if (!SAFE_ARG.test(value)) throw new TelephonyError('mediaCommandFailed', `${what} "${value}" has characters FreeSWITCH would split`);
  return value;
}

function toNumber(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

export class MediaLeg {
  private gone = false;
  private readonly goneListeners = new Set<(reason: string) => void>();
  private readonly digitListeners = new Set<(digit: string) => void>();

  constructor(
    readonly endpoint: FsEndpoint,
    readonly mediaServerName: string,
  ) {
    noDelay(endpoint.conn?.socket);
    endpoint.conn?.sendRecv?.(`nixevent ${UNUSED_EVENTS}`);
    // A socket error after fsmrf's own handler (which only logs) must never become an uncaught error.
    endpoint.conn?.on('error', () => this.markGone('event socket error'));
    endpoint.on('destroy', (evt?: { reason?: string }) => this.markGone(evt?.reason ?? 'media server ended the channel'));
    endpoint.on('dtmf', (evt: Mrf.DtmfEvent) => {
      for (const listener of this.digitListeners) listener(evt.dtmf);
    });
    if (!endpoint.conn) this.gone = true;
  }

  get uuid(): string {
    return this.endpoint.uuid;
  }

  get localSdp(): string {
    return this.endpoint.local.sdp;
  }

  get isGone(): boolean {
    return this.gone;
  }

  /** Each DTMF digit the caller presses (RFC 2833 / INFO, as FreeSWITCH reports it). */
  onDigit(listener: (digit: string) => void): () => void {
    this.digitListeners.add(listener);
    return () => this.digitListeners.delete(listener);
  }

  /** Called once if FreeSWITCH drops the channel or its connection dies. */
  onGone(listener: (reason: string) => void): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }

  private markGone(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    for (const listener of [...this.goneListeners]) listener(reason);
    this.goneListeners.clear();
  }

  /** Run a FreeSWITCH command, rejecting (never hanging) if the channel goes away meanwhile. */
  private async guarded<T>(what: string, command: () => Promise<T>): Promise<T> {
    if (this.gone || !this.endpoint.conn) throw new TelephonyError('mediaServerLost', `${what}: the media server channel is gone`);
    return new Promise<T>((resolve, reject) => {
      const offGone = this.onGone((reason) => reject(new TelephonyError('mediaServerLost', `${what}: ${reason}`)));
      let pending: Promise<T>;
      try {
        pending = command();
      } catch (error) {
        offGone();
        reject(new TelephonyError('mediaCommandFailed', `${what}: ${(error as Error).message}`));
        return;
      }
      pending.then(
        (value) => {
          offGone();
          resolve(value);
        },
        (error: unknown) => {
          offGone();
          reject(error instanceof TelephonyError ? error : new TelephonyError('mediaCommandFailed', `${what}: ${(error as Error).message}`));
        },
      );
    });
  }

  /**
   * Sets channel variables in one command: `uuid_setvar_multi` (an API call, answered with a line of
   * text), or `multiset` where a value holds a `;`. Not one `set` each: every executed application
   * comes back as a CHANNEL_EXECUTE_COMPLETE event carrying every channel variable.
   */
  async setVariables(vars: Record<string, string>): Promise<void> {
    const pairs = Object.entries(vars).map(([name, value]) => `${name}=${value}`);
    if (pairs.length === 0) return;
    if (Object.entries(vars).every(([name, value]) => /^[A-Za-z0-9_]+$/.test(name) && !/[;\r\n]/.test(value))) {
      return this.apiOk(`uuid_setvar_multi ${Object.keys(vars).join(',')}`, 'uuid_setvar_multi', `${this.uuid} ${pairs.join(';')}`);
    }
    const delimiter = MULTISET_DELIMITERS.find((d) => pairs.every((pair) => !pair.includes(d)));
    if (pairs.length === 1 || !delimiter) {
      for (const pair of pairs) await this.guarded(`set ${pair.slice(0, pair.indexOf('='))}`, () => this.endpoint.execute('set', pair));
      return;
    }
    await this.guarded(`multiset ${Object.keys(vars).join(',')}`, () => this.endpoint.execute('multiset', `^^${delimiter}${pairs.join(delimiter)}`));
  }

  /** Play one file, URL or `say:` TTS string to its end (or until `interrupt()`). */
  async play(file: string): Promise<PlaybackResult> {
    const evt = await this.guarded('playback', () => this.endpoint.execute('playback', file));
    const response = evt.getHeader('Application-Response') ?? '';
    return { playedMs: toNumber(evt.getHeader('variable_playback_ms')), found: !/FILE NOT FOUND|PLAYBACK ERROR/i.test(response) };
  }

  /** Stop whatever the channel is playing or recording now (uuid_break). */
  async interrupt(): Promise<void> {
    if (this.gone) return;
    await this.guarded('uuid_break', () => this.endpoint.api('uuid_break', `${this.uuid} all`)).catch(() => undefined);
  }

  /** Record the caller to `path` until silence, the limit or a terminator key. */
  async record(path: string, options: { maxSeconds: number; silenceThreshold: number; silenceSeconds: number }): Promise<RecordingResult> {
    const args = [safeArg(path, 'recording path'), String(Math.max(1, Math.ceil(options.maxSeconds))), String(options.silenceThreshold), String(Math.max(1, Math.round(options.silenceSeconds)))];
    const evt = await this.guarded('record', () => this.endpoint.execute('record', args.join(' ')));
    return { durationMs: toNumber(evt.getHeader('variable_record_ms')) || toNumber(evt.getHeader('variable_record_seconds')) * 1000 };
  }

  /** Send RFC 2833 digits out of this channel. */
  async sendDigits(digits: string): Promise<void> {
    if (!/^[0-9*#A-Da-d]+$/.test(digits)) throw new TelephonyError('mediaCommandFailed', 'send_dtmf: digits may only be 0-9 * # A-D');
    await this.guarded('send_dtmf', () => this.endpoint.execute('send_dtmf', `${digits}@100`));
  }

  private async apiOk(what: string, command: string, args: string): Promise<void> {
    const evt = await this.guarded(what, () => this.endpoint.api(command, args));
    const body = evt.getBody();
    if (!body.startsWith('+OK')) throw new TelephonyError('mediaCommandFailed', `${what}: ${body.trim().slice(0, 200)}`);
  }

  /** Record the whole call in the background (uuid_record start). */
  startCallRecording(path: string): Promise<void> {
    return this.apiOk('uuid_record start', 'uuid_record', `${this.uuid} start ${safeArg(path, 'recording path')}`);
  }

  /** Stop a background recording started with startCallRecording (the file is closed). */
  stopCallRecording(path: string): Promise<void> {
    return this.apiOk('uuid_record stop', 'uuid_record', `${this.uuid} stop ${safeArg(path, 'recording path')}`);
  }

  /** Mask (silence) or unmask a running call recording: payments pause it. */
  maskCallRecording(path: string, masked: boolean): Promise<void> {
    return this.apiOk('uuid_record mask', 'uuid_record', `${this.uuid} ${masked ? 'mask' : 'unmask'} ${safeArg(path, 'recording path')}`);
  }

  /**
   * Stream what the caller says (this channel's read audio, mono L16) to a websocket, with
   * mod_audio_fork: `uuid_audio_fork <uuid> start <url> mono 8k|16k`. Resolves once the media bug is
   * attached; the connection itself is made in the background (the server sees it arrive).
   */
  startAudioFork(url: string, sampleRateHz: 8000 | 16000): Promise<void> {
    return this.apiOk('uuid_audio_fork start', 'uuid_audio_fork', `${this.uuid} start ${safeArg(url, 'audio fork URL')} mono ${sampleRateHz === 16000 ? '16k' : '8k'}`);
  }

  /** Stop streaming the caller's audio (detaches the media bug, closes the websocket). Never throws. */
  async stopAudioFork(): Promise<void> {
    if (this.gone) return;
    // "-ERR" when the fork already ended by itself (the engine closed the connection): nothing to stop.
    await this.guarded('uuid_audio_fork stop', () => this.endpoint.api('uuid_audio_fork', `${this.uuid} stop`)).catch(() => undefined);
  }

  /** Connect this channel's audio to another channel's (uuid_bridge). */
  bridgeTo(other: MediaLeg): Promise<void> {
    return this.apiOk('uuid_bridge', 'uuid_bridge', `${this.uuid} ${other.uuid}`);
  }

  /**
   * Listen to another channel on the same media server (FreeSWITCH eavesdrop): this channel hears what
   * `target` hears and says, mixed, and nothing it sends reaches either side — the eavesdrop DTMF keys that
   * would let it talk (1, 2, 3) are switched off first. Resolves when the eavesdrop ends (the target's
   * channel goes, or this one is released).
   */
  async eavesdrop(target: MediaLeg): Promise<void> {
    await this.setVariables({ eavesdrop_enable_dtmf: 'false', eavesdrop_whisper_aleg: 'false', eavesdrop_whisper_bleg: 'false' });
    await this.guarded('eavesdrop', () => this.endpoint.execute('eavesdrop', safeArg(target.uuid, 'channel uuid')));
  }

  /** Take this channel and whatever it is bridged to out of the bridge; both wait, parked (drachtio-fsmrf's unbridge). */
  unbridge(): Promise<void> {
    return this.apiOk('uuid_transfer', 'uuid_transfer', `${this.uuid} -both park inline`);
  }

  /** Point this channel at a new far end (after re-anchoring or a re-INVITE). */
  async modify(remoteSdp: string): Promise<void> {
    await this.guarded('modify', () => this.endpoint.modify(remoteSdp));
  }

  /** Hang up the FreeSWITCH channel. Idempotent; never throws. */
  async release(): Promise<void> {
    const wasGone = this.gone;
    this.markGone('released');
    this.digitListeners.clear();
    if (wasGone && !this.endpoint.conn) return;
    // fsmrf waits for FreeSWITCH's BYE; a dead media server never sends one, so don't wait forever.
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, RELEASE_WAIT_MS);
      timer.unref();
    });
    try {
      await Promise.race([this.endpoint.destroy(), giveUp]);
    } catch {
      // The channel is already gone: nothing left to release.
    } finally {
      clearTimeout(timer);
    }
  }
}
