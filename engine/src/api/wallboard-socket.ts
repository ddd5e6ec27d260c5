/**
 * The live wallboard over a websocket at /api/wallboard: a signed-in viewer (or above) gets the board at
 * once and every change after it as `{ "type": "board", "board": … }` (schema: GET /api/reports/wallboard).
 * Browsers must connect from the engine's own origin; a sign-in that ends closes the socket.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { roleAtLeast } from '../auth/roles.js';
import { authenticate, checkSameOrigin } from './authenticate.js';
import { apiContext, type ApiDeps } from './context.js';
import { ApiProblem } from './problem.js';
import type { Principal } from './route.js';

export const WALLBOARD_PATH = '/api/wallboard';
/** How often an open wallboard checks that its sign-in still holds. */
export const WALLBOARD_RECHECK_MS = 60_000;

function refuse(socket: Duplex, status: number, message: string): void {
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ type: 'about:blank', title, status, detail: message });
  socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

export function attachWallboardSocket(server: Server, deps: ApiDeps) {
  const context = apiContext(deps, '');
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== WALLBOARD_PATH) return;
    void (async () => {
      let principal: Principal | undefined;
      try {
        principal = await authenticate(context, req);
        if (principal?.via === 'session' || req.headers.origin !== undefined) checkSameOrigin(context, req);
      } catch (error) {
        if (error instanceof ApiProblem) refuse(socket, error.status, error.message);
        else refuse(socket, 500, 'Could not check who you are');
        return;
      }
      if (!principal) return refuse(socket, 401, 'Sign in to see the wallboard');
      if (!roleAtLeast(principal.role, 'viewer')) return refuse(socket, 403, 'The wallboard needs the viewer role');
      wss.handleUpgrade(req, socket, head, (ws) => {
        const send = (board: unknown) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'board', board }));
        };
        const stop = context.reporting.wallboard.subscribe(send);
        const recheck = setInterval(() => {
          void authenticate(context, req)
            .catch(() => undefined)
            .then((still) => {
              if (!still) ws.close(1008, 'signed out');
            });
        }, WALLBOARD_RECHECK_MS);
        recheck.unref();
        // The board only flows one way; anything sent is ignored.
        ws.on('error', (error) => context.logger.error('wallboard socket error', error));
        ws.on('close', () => {
          clearInterval(recheck);
          stop();
        });
      });
    })();
  };
  server.on('upgrade', onUpgrade);
  return {
    async close(): Promise<void> {
      server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(1001, 'server closing');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
