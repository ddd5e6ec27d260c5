import WebSocket from 'ws';
import { AUDIO_FORK_SUBPROTOCOL } from '../audio-fork-server.js';

/**
 * A named fake of mod_audio_fork's side of one forked channel (drachtio-freeswitch-modules), for
 * unit tests where FreeSWITCH cannot run. Like the module after `uuid_audio_fork <uuid> start <url>
 * mono <rate> [metadata]`:
 * - it connects to the URL as a websocket client asking for the `audio.drachtio.org` subprotocol;
 * - once connected it sends the metadata (if any) as one text frame, then the caller's audio as
 *   binary frames of 16-bit little-endian PCM at the requested rate, in whatever sizes it has buffered
 *   (here: uneven chunks, so the engine must re-frame them);
 * - audio the caller makes before the connection is up is lost (the module has nowhere to send it);
 * - `stop` closes the connection normally (1000); a refused connection is reported, never thrown.
 */
export class FakeAudioFork {
  readonly socket: WebSocket;
  readonly opened: Promise<boolean>;
  /** The connection was refused or failed (mod_audio_fork::connect_failed). */
  failed = false;
  stopped = false;
  private chunk = 0;

  constructor(
    readonly url: string,
    readonly sampleRateHz: number,
    readonly metadata: string | undefined,
  ) {
    this.socket = new WebSocket(url, AUDIO_FORK_SUBPROTOCOL);
    this.opened = new Promise((resolve) => {
      this.socket.once('open', () => {
        if (this.metadata) this.socket.send(this.metadata);
        resolve(true);
      });
      this.socket.once('error', () => {
        this.failed = true;
        resolve(false);
      });
      this.socket.once('unexpected-response', () => {
        this.failed = true;
        resolve(false);
      });
    });
    this.socket.on('error', () => undefined);
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** The caller's audio (samples at the fork's rate), sent as the module would; resolves once written to the socket. */
  async send(samples: Int16Array): Promise<void> {
    if (!this.isOpen) return;
    const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
    // Uneven pieces: 20 ms, 60 ms and a bit, 10 ms … as the module's buffer happens to hold them.
    const sizes = [320, 1000, 160, 642].map((n) => (n * this.sampleRateHz) / 8000);
    for (let at = 0; at < bytes.length; ) {
      const size = Math.max(2, Math.floor(sizes[this.chunk++ % sizes.length]!));
      const piece = bytes.subarray(at, at + size);
      at += size;
      await new Promise<void>((resolve, reject) => this.socket.send(piece, { binary: true }, (error) => (error ? reject(error) : resolve())));
    }
  }

  /** `uuid_audio_fork <uuid> stop`: the module closes the connection and detaches its bug. */
  stop(): void {
    this.stopped = true;
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(1000);
  }

  /** The connection was closed (by either end). */
  get closed(): boolean {
    return this.socket.readyState === WebSocket.CLOSED || this.socket.readyState === WebSocket.CLOSING;
  }
}
