import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveSocket, socketUrl, type LiveStatus } from './live-socket.js';

/** A WebSocket the test drives: it opens, speaks and closes when told. */
class FakeSocket {
  static made: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  close() {
    this.closed = true;
  }
  say(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

describe('the desk’s live socket', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.made = [];
    now = 0;
  });
  afterEach(() => vi.useRealTimers());

  const start = () => {
    const statuses: LiveStatus[] = [];
    const messages: unknown[] = [];
    const live = new LiveSocket({
      url: 'ws://engine/api/desk/live',
      onMessage: (m) => messages.push(m),
      onStatus: (s) => statuses.push(s),
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      now: () => now,
    });
    return { live, statuses, messages };
  };
  const advance = (ms: number) => {
    now += ms;
    vi.advanceTimersByTime(ms);
  };

  it('is live once the server speaks, and says it is cut off within 5 s of silence (two ticks missed), then reconnects by itself', () => {
    const { live, statuses, messages } = start();
    FakeSocket.made[0]!.onopen?.();
    FakeSocket.made[0]!.say({ type: 'view', view: { n: 1 } });
    expect(statuses).toEqual(['live']);
    expect(messages).toEqual([{ type: 'view', view: { n: 1 } }]);
    for (let i = 0; i < 3; i++) {
      advance(2000);
      FakeSocket.made[0]!.say({ type: 'tick' });
    }
    expect(statuses).toEqual(['live']);
    // The network drops silently: no close, no ticks.
    advance(4500);
    expect(statuses).toEqual(['live', 'cut-off']);
    expect(FakeSocket.made[0]!.closed).toBe(true);
    advance(600);
    expect(FakeSocket.made).toHaveLength(2);
    FakeSocket.made[1]!.say({ type: 'view', view: { n: 2 } });
    expect(statuses).toEqual(['live', 'cut-off', 'live']);
    live.close();
  });

  it('backs off while the engine is away, and stops for good when refused (signed out)', () => {
    const refused: number[] = [];
    const { statuses } = start();
    FakeSocket.made[0]!.onclose?.({ code: 1006, reason: '' });
    expect(statuses).toEqual(['cut-off']);
    advance(500);
    FakeSocket.made[1]!.onclose?.({ code: 1006, reason: '' });
    advance(900);
    expect(FakeSocket.made).toHaveLength(2);
    advance(100);
    expect(FakeSocket.made).toHaveLength(3);
    const second = new LiveSocket({
      url: 'ws://engine/api/desk/live',
      onMessage: () => undefined,
      onStatus: () => undefined,
      onRefused: (code) => refused.push(code),
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      now: () => now,
    });
    FakeSocket.made.at(-1)!.onclose?.({ code: 4401, reason: 'signed out' });
    advance(10_000);
    expect(refused).toEqual([4401]);
    second.close();
  });

  it('builds the socket URL from the page’s address', () => {
    expect(socketUrl('/api/desk/live', { protocol: 'https:', host: 'council.example' })).toBe('wss://council.example/api/desk/live');
    expect(socketUrl('/api/desk/live', { protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/api/desk/live');
  });
});
