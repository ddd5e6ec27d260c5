import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { TelephonyLogger } from './media-pool.js';

/**
 * The engine's end of mod_audio_fork: a websocket server that FreeSWITCH connects to, one connection
 * per caller being listened to, sending the caller's audio as binary L16 frames (after an optional
 * text frame of metadata). See drachtio-freeswitch-modules' mod_audio_fork: `uuid_audio_fork <uuid>
 * start <ws-url> mono 8k|16k` attaches a media bug to the channel and streams what the caller says.
 *
 * Each URL handed to FreeSWITCH carries a one-time token (192 random bits) for one listening turn of
 * one call: it works once, only until it expires, and nothing else is served, so a caller's audio
 * can neither be injected nor read by whoever else reaches the port. Bind it where only the media
 * servers reach it (telephony.audioFork.listenAddress).
 */

/** The websocket subprotocol mod_audio_fork asks for (MOD_AUDIO_FORK_SUBPROTOCOL_NAME's default). */
export const AUDIO_FORK_SUBPROTOCOL = 'audio.drachtio.org';
const PATH = /^\/audio-fork\/([A-Za-z0-9_-]{32})$/;
/** mod_audio_fork sends what it has buffered at each chance: a few frames, at most seconds of audio. */
const MAX_MESSAGE_BYTES = 1 << 20;

export interface AudioForkServerOptions {
  listenAddress: string;
  /** 0: any free port. */
  listenPort: number;
  /** Address (and port) the media servers reach this server on; default the listening ones. */
  advertisedAddress?: string;
  advertisedPort?: number;
  logger: TelephonyLogger;
  /** How long a URL stays usable when FreeSWITCH never connects to it. */
  urlLifetimeMs?: number;
}

/** One caller's live audio from mod_audio_fork, cut into 20 ms frames. */
export class CallerAudioConnection {
  /** The text frame mod_audio_fork sent first (`metadata` of uuid_audio_fork start), if any. */
  metadata: string | undefined;
  private pending: Uint8Array = new Uint8Array(0);
  private readonly frameBytes: number;
  private readonly audioListeners = new Set<(frame: Uint8Array) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedWith: string | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly sampleRateHz: number,
  ) {
    this.frameBytes = (sampleRateHz / 50) * 2;
    socket.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    socket.on('close', (code: number) => this.closed(code === 1000 || code === 1005 ? 'closed by the media server' : `closed by the media server (${code})`));
    socket.on('error', (error: Error) => this.closed(`error: ${error.message}`));
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Each 20 ms frame of the caller's audio (16-bit little-endian PCM), as it arrives. */
  onAudio(listener: (frame: Uint8Array) => void): () => void {
    this.audioListeners.add(listener);
    return () => this.audioListeners.delete(listener);
  }

  /** Once, when the connection ends (either side). */
  onClose(listener: (reason: string) => void): () => void {
    if (this.closedWith !== undefined) {
      const reason = this.closedWith;
      queueMicrotask(() => listener(reason));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Ends the connection from our side (mod_audio_fork then detaches its media bug). */
  close(): void {
    if (this.closedWith === undefined) this.socket.close(1000);
    this.closed('closed by the engine');
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closedWith !== undefined) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (!isBinary) {
      this.metadata ??= bytes.toString('utf8');
      return;
    }
    // A zero-length binary frame is mod_audio_fork's graceful-shutdown marker, not audio.
    if (bytes.length === 0) return;
    const joined = new Uint8Array(this.pending.length + bytes.length);
    joined.set(this.pending, 0);
    joined.set(bytes, this.pending.length);
    let at = 0;
    for (; at + this.frameBytes <= joined.length; at += this.frameBytes) {
      const frame = joined.slice(at, at + this.frameBytes);
      for (const listener of this.audioListeners) listener(frame);
    }
    this.pending = joined.slice(at);
  }

  private closed(reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.audioListeners.clear();
    for (const listener of [...this.closeListeners]) listener(reason);
    this.closeListeners.clear();
  }
}

/** A URL handed to FreeSWITCH for one listening turn, and the connection that arrives on it. */
export interface AudioForkInvitation {
  url: string;
  /** Resolves when mod_audio_fork connects; rejects when the URL expires or is cancelled first. */
  connected: Promise<CallerAudioConnection>;
  /** Withdraw the URL (no longer listening); a connection that already arrived is closed. */
  cancel(): void;
}

interface Expected {
  callId: string;
  sampleRateHz: number;
  resolve(connection: CallerAudioConnection): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class AudioForkServer {
  private readonly expected = new Map<string, Expected>();
  private readonly live = new Set<CallerAudioConnection>();
  private readonly sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(AUDIO_FORK_SUBPROTOCOL) ? AUDIO_FORK_SUBPROTOCOL : false),
  });
  readonly baseUrl: string;

  private constructor(
    private readonly http: Server,
    private readonly options: AudioForkServerOptions,
    boundPort: number,
  ) {
    const host = options.advertisedAddress ?? (isWildcard(options.listenAddress) ? '127.0.0.1' : options.listenAddress);
    this.baseUrl = `ws://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${options.advertisedPort ?? boundPort}`;
  }

  static async start(options: AudioForkServerOptions): Promise<AudioForkServer> {
    const http = createServer((_req, res) => {
      res.writeHead(426, { Connection: 'close' }).end();
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.listenPort, options.listenAddress, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const address = http.address();
    const server = new AudioForkServer(http, options, typeof address === 'object' && address ? address.port : options.listenPort);
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => server.upgrade(req, socket, head));
    http.on('clientError', (_error, socket) => socket.destroy());
    return server;
  }

  /** Callers being listened to right now. */
  get openConnections(): number {
    return this.live.size;
  }

  /** A one-time URL for `callId`'s audio at `sampleRateHz` (what `uuid_audio_fork … start` is given). */
  expect(callId: string, sampleRateHz: number): AudioForkInvitation {
    const token = randomBytes(24).toString('base64url');
    let accepted: CallerAudioConnection | undefined;
    let cancelled = false;
    const connected = new Promise<CallerAudioConnection>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.expected.delete(token);
        reject(new Error(`the media server did not stream call ${callId}'s audio within ${this.options.urlLifetimeMs ?? 5000} ms`));
      }, this.options.urlLifetimeMs ?? 5000);
      timer.unref();
      this.expected.set(token, {
        callId,
        sampleRateHz,
        resolve: (connection) => {
          if (cancelled) return connection.close();
          accepted = connection;
          resolve(connection);
        },
        reject,
        timer,
      });
    });
    connected.catch(() => undefined); // the caller may never wait for it (cancelled first)
    return {
      url: `${this.baseUrl}/audio-fork/${token}`,
      connected,
      cancel: () => {
        cancelled = true;
        const waiting = this.expected.get(token);
        if (waiting) {
          clearTimeout(waiting.timer);
          this.expected.delete(token);
          waiting.reject(new Error(`listening to call ${callId} was cancelled`));
        }
        accepted?.close();
      },
    };
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const token = PATH.exec((req.url ?? '').split('?')[0]!)?.[1];
    const waiting = token ? this.expected.get(token) : undefined;
    if (!token || !waiting) {
      // Unknown, used or expired: nothing is said about which.
      this.options.logger.info(`audio fork: refused a connection from ${req.socket.remoteAddress ?? 'unknown'} (no such listening turn)`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.expected.delete(token); // one use only (a failed handshake leaves the timer to reject)
    this.sockets.handleUpgrade(req, socket, head, (ws) => {
      clearTimeout(waiting.timer);
      const connection = new CallerAudioConnection(ws, waiting.sampleRateHz);
      this.live.add(connection);
      connection.onClose(() => this.live.delete(connection));
      waiting.resolve(connection);
    });
  }

  async close(): Promise<void> {
    for (const waiting of this.expected.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('the engine is shutting down'));
    }
    this.expected.clear();
    for (const connection of [...this.live]) connection.close();
    this.sockets.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]';
}
