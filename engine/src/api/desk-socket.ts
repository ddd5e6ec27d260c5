/**
 * The agent desk's live half: `/api/desk/live` pushes the adviser's desk view whenever it changes;
 * `/api/desk/team` pushes the supervisor's team view. Signed-in users only (the session cookie or an API
 * token), browsers from the engine's own origin, like the test-call socket. The server sends a `tick`
 * every 2 s, so a desk that hears nothing for 5 s knows it is cut off (and reconnects by itself); it pings
 * at the protocol level and drops a desk that stops answering. The adviser's desks are recorded as
 * connections, so closing the last one (or its engine dying) sets them offline after the grace period.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { roleAtLeast } from '../auth/roles.js';
import type { DeskService } from '../desk/desk-service.js';
import { authenticate, checkSameOrigin } from './authenticate.js';
import { apiContext, type ApiContext, type ApiDeps } from './context.js';
import { ApiProblem } from './problem.js';
import type { Principal } from './route.js';

export const DESK_LIVE_PATH = '/api/desk/live';
export const DESK_TEAM_PATH = '/api/desk/team';
/** How often the server says it is there. */
export const TICK_MS = 2_000;
/** How often a session is checked again (signed out, disabled, demoted: the socket closes). */
const RECHECK_MS = 15_000;

export type DeskServerMessage =
  | { type: 'view'; view: unknown }
  | { type: 'team'; team: unknown }
  | { type: 'tick'; at: string }
  | { type: 'notAgent'; message: string }
  | { type: 'error'; message: string };

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ type: 'about:blank', title, status, detail: message });
  socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** One open desk (or team view): sends what changed, at most one computation at a time. */
class DeskConnection {
  private sending: Promise<void> | undefined;
  private again = false;
  private last = '';
  /** Pings in a row not answered. */
  private missed = 0;
  readonly id = randomUUID();

  constructor(
    private readonly ws: WebSocket,
    private readonly compute: () => Promise<DeskServerMessage>,
    private readonly context: ApiContext,
  ) {
    ws.on('pong', () => (this.missed = 0));
  }

  send(message: DeskServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Something may have changed: compute the view and send it if it differs from the last one sent. */
  refresh(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = (async () => {
      do {
        this.again = false;
        try {
          const message = await this.compute();
          // The server's time in a view is not a change worth sending.
          const text = JSON.stringify(message, (key, value: unknown) => (key === 'at' ? undefined : value));
          if (text !== this.last) {
            this.last = text;
            this.send(message);
          }
        } catch (error) {
          this.context.logger.error('desk socket: could not build the view', error);
          this.send({ type: 'error', message: 'The desk could not be brought up to date; it will try again' });
        }
      } while (this.again);
    })().finally(() => (this.sending = undefined));
  }

  /** Protocol-level liveness: false once five pings in a row (10 s) went unanswered. */
  pinged(): boolean {
    if (++this.missed > 5) return false;
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
    return true;
  }
}

/** Serve the desk's and the team view's websockets on `server`. Returns `close()`. */
export function attachDeskSocket(server: Server, deps: ApiDeps & { desk: { service: DeskService } }) {
  const context = apiContext(deps, '');
  const desk = deps.desk.service;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  const connections = new Set<{ connection: DeskConnection; ws: WebSocket; principal: Principal; req: IncomingMessage; close: () => void }>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== DESK_LIVE_PATH && path !== DESK_TEAM_PATH) return;
    void (async () => {
      let principal: Principal | undefined;
      try {
        principal = await authenticate(context, req);
        if (principal?.via === 'session') checkSameOrigin(context, req);
      } catch (error) {
        if (error instanceof ApiProblem) refuseUpgrade(socket, error.status, error.message);
        else {
          context.logger.error('desk socket: authentication failed', error);
          refuseUpgrade(socket, 500, 'Could not check who you are');
        }
        return;
      }
      if (!principal) return refuseUpgrade(socket, 401, 'Sign in to open the desk');
      const team = path === DESK_TEAM_PATH;
      if (!roleAtLeast(principal.role, team ? 'supervisor' : 'agent')) return refuseUpgrade(socket, 403, team ? 'The team view needs the supervisor role' : 'The desk needs the agent role');
      const agent = team ? undefined : await desk.agentOfUser(principal.userId);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const connection = new DeskConnection(ws, async () => (team ? { type: 'team', team: await desk.team() } : { type: 'view', view: await desk.view((await desk.agentOfUser(principal!.userId)) ?? agent!) }), context);
        if (!team && !agent) {
          connection.send({ type: 'notAgent', message: `No agent is linked to ${principal!.username}: an admin links one on the Agents screen` });
          ws.close(4409, 'not an agent');
          return;
        }
        const unwatch = team ? desk.watchTeam(() => connection.refresh()) : desk.watch(agent!.id, () => connection.refresh());
        if (agent) void desk.connected(connection.id, agent.id).catch((error: unknown) => context.logger.error('desk socket: could not record the connection', error));
        const entry = {
          connection,
          ws,
          principal: principal!,
          req,
          close: () => {
            unwatch();
            connections.delete(entry);
            if (agent) void desk.closedConnection(connection.id).catch((error: unknown) => context.logger.error('desk socket: could not record the close', error));
          },
        };
        connections.add(entry);
        connection.refresh();
        ws.on('message', () => connection.send({ type: 'error', message: 'The desk socket only talks: act through the desk API' }));
        ws.on('error', (error) => context.logger.error('desk socket error', error));
        ws.on('close', entry.close);
      });
    })();
  };
  server.on('upgrade', onUpgrade);

  const tick = setInterval(() => {
    const at = new Date(context.now()).toISOString();
    for (const { connection, ws } of connections) {
      if (!connection.pinged()) {
        ws.terminate();
        continue;
      }
      connection.send({ type: 'tick', at });
    }
  }, TICK_MS);
  tick.unref();

  // A session that ended (signed out, user disabled or demoted) ends its desk.
  const recheck = setInterval(() => {
    for (const entry of connections) {
      void authenticate(context, entry.req).then(
        (now) => {
          const team = (entry.req.url ?? '').startsWith(DESK_TEAM_PATH);
          if (!now || now.userId !== entry.principal.userId || !roleAtLeast(now.role, team ? 'supervisor' : 'agent')) entry.ws.close(4401, 'signed out');
        },
        () => entry.ws.close(4401, 'signed out'),
      );
    }
  }, RECHECK_MS);
  recheck.unref();

  return {
    async close(): Promise<void> {
      server.off('upgrade', onUpgrade);
      clearInterval(tick);
      clearInterval(recheck);
      for (const { ws } of connections) ws.close(1001, 'server closing');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
