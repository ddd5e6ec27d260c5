/**
 * A live websocket to the engine (the desk, the team view) that keeps itself open: it reconnects with a
 * growing pause (0.5 s up to 5 s), and tells its owner it is cut off when nothing — not even the server's
 * 2-second tick — has arrived for `staleMs` (4 s by default: two ticks missed, so advisers see a lost
 * connection within 5 s even in a page whose timers the browser slows), or the socket closed. Framework-free, so it is tested without a browser.
 */

export type LiveStatus = 'connecting' | 'live' | 'cut-off';

export interface LiveSocketOptions {
  /** Absolute ws:// or wss:// URL. */
  url: string;
  onMessage(message: unknown): void;
  onStatus(status: LiveStatus): void;
  /** Called when the server refuses for good (closed with a 44xx code: signed out, not an agent). */
  onRefused?(code: number, reason: string): void;
  staleMs?: number;
  /** For tests: the WebSocket class and timers. */
  WebSocketImpl?: typeof WebSocket;
  now?: () => number;
}

const PAUSES_MS = [500, 1000, 2000, 3000, 5000];

export class LiveSocket {
  private socket: WebSocket | undefined;
  private lastHeard = 0;
  private attempt = 0;
  private status: LiveStatus = 'connecting';
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: LiveSocketOptions) {
    this.open();
    this.watchdog = setInterval(() => this.check(), 250);
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  private set(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onStatus(status);
  }

  private open(): void {
    if (this.stopped) return;
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    const socket = new Impl(this.options.url);
    this.socket = socket;
    this.lastHeard = this.now;
    socket.onopen = () => {
      this.attempt = 0;
      this.lastHeard = this.now;
    };
    socket.onmessage = (event) => {
      this.lastHeard = this.now;
      this.set('live');
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      this.options.onMessage(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (event.code >= 4400 && event.code < 4500) {
        this.stopped = true;
        this.set('cut-off');
        this.options.onRefused?.(event.code, event.reason);
        return;
      }
      this.set('cut-off');
      this.schedule();
    };
    socket.onerror = () => undefined;
  }

  private schedule(): void {
    if (this.stopped || this.retry) return;
    const pause = PAUSES_MS[Math.min(this.attempt, PAUSES_MS.length - 1)]!;
    this.attempt++;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.open();
    }, pause);
  }

  /** Silence past `staleMs` means the line is down even if the socket has not noticed: start again. */
  private check(): void {
    if (this.stopped || !this.socket) return;
    if (this.now - this.lastHeard > (this.options.staleMs ?? 4000)) {
      this.set('cut-off');
      const socket = this.socket;
      this.socket = undefined;
      socket.onclose = null;
      socket.close();
      this.schedule();
    }
  }

  close(): void {
    this.stopped = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.retry) clearTimeout(this.retry);
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
  }
}

/** The engine's websocket URL for a path, from the page's own address. */
export function socketUrl(path: string, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}
