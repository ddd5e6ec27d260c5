import type { Wallboard } from './report-types.js';

/**
 * The live wallboard's websocket (/api/wallboard): every board the engine pushes goes to `onBoard`; a
 * dropped connection is opened again with growing waits (up to 15 s), so a TV left on all day keeps up.
 */
export function connectWallboard(handlers: { onBoard(board: Wallboard): void; onState(state: 'live' | 'reconnecting' | 'signedOut'): void }): () => void {
  let socket: WebSocket | undefined;
  let attempt = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/wallboard`;
    socket = new WebSocket(url);
    socket.onopen = () => {
      attempt = 0;
      handlers.onState('live');
    };
    socket.onmessage = (message) => {
      try {
        const parsed = JSON.parse(String(message.data)) as { type: string; board: Wallboard };
        if (parsed.type === 'board') handlers.onBoard(parsed.board);
      } catch {
        // A message we cannot read is skipped; the next board replaces it.
      }
    };
    socket.onclose = (event) => {
      if (stopped) return;
      handlers.onState(event.code === 1008 ? 'signedOut' : 'reconnecting');
      timer = setTimeout(open, Math.min(15_000, 500 * 2 ** attempt++));
    };
  };
  open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    // Closing a socket still connecting makes the browser warn: let it open, then close it.
    if (socket?.readyState === WebSocket.CONNECTING) socket.onopen = () => socket?.close();
    else socket?.close();
  };
}
