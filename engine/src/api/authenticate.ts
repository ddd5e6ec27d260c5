import type { IncomingMessage } from 'node:http';
import { lowerRole, roleAtLeast } from '../auth/roles.js';
import { API_TOKEN_PREFIX, secretHash } from '../auth/secrets.js';
import type { ApiContext } from './context.js';
import { ApiProblem } from './problem.js';
import type { Access, Principal } from './route.js';

export const SESSION_COOKIE = 'fd_session';

/** The value of the fd_session cookie, if the request carries one. */
export function sessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value || undefined;
    }
  }
  return undefined;
}

/** `Set-Cookie` for a new session, or (no id) one that removes it. */
export function sessionCookieHeader(context: ApiContext, sessionId?: string): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(context.secureCookies ? ['Secure'] : [])];
  if (!sessionId) return [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attributes].join('; ');
  return [`${SESSION_COOKIE}=${sessionId}`, `Max-Age=${Math.floor(context.sessionTtlMs / 1000)}`, ...attributes].join('; ');
}

/**
 * Who is calling: an API token (`Authorization: Bearer fd_…`) or the session cookie. A request that
 * presents a bad token is refused outright rather than falling back to the cookie.
 */
export async function authenticate(context: ApiContext, req: IncomingMessage): Promise<Principal | undefined> {
  const authorization = req.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = match?.[1];
    if (!token || !token.startsWith(API_TOKEN_PREFIX)) {
      throw new ApiProblem(401, 'The Authorization header must be "Bearer fd_…" with an API token', {
        errors: [{ path: 'headers.authorization', message: 'expected Bearer fd_…' }],
      });
    }
    const found = await context.store.apiTokens.find(secretHash(token));
    if (!found) throw new ApiProblem(401, 'The API token is unknown, revoked or expired');
    const role = lowerRole(found.user.role, found.token.role);
    if (!role) throw new ApiProblem(401, `The API token is limited to ${found.token.role ?? ''}, which its user (now ${found.user.role}) no longer carries: create another`);
    return { userId: found.user.id, username: found.user.username, role, via: 'token', tokenName: found.token.name };
  }
  const sessionId = sessionCookie(req);
  if (!sessionId) return undefined;
  const session = await context.store.sessions.find(secretHash(sessionId));
  if (!session) return undefined;
  return { userId: session.user.id, username: session.user.username, role: session.user.role, via: 'session' };
}

/**
 * Cross-site request forgery defence for cookie sessions: a request that changes something (and every
 * websocket) must come from a page on the API's own host (or an allowed origin), shown by the Origin
 * header that browsers always send on such requests. API tokens are not sent automatically by browsers,
 * so token requests need no check.
 */
export function checkSameOrigin(context: ApiContext, req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (!origin) throw new ApiProblem(403, 'A signed-in browser request that changes something must carry an Origin header');
  checkOrigin(context, req, origin);
}

const loopback = new Set(['localhost', '127.0.0.1', '[::1]']);
const hostname = (host: string | undefined) => host?.replace(/:\d+$/, '');

/**
 * The engine's own host, an allowed origin, or — for development with the Vite server, whose proxy
 * forwards the page's origin unchanged — a page on this same machine talking to an engine on it.
 */
function checkOrigin(context: ApiContext, req: IncomingMessage, origin: string): void {
  if (context.allowedOrigins.includes(origin)) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host && host === req.headers.host) return;
  if (loopback.has(hostname(host) ?? '') && loopback.has(hostname(req.headers.host) ?? '')) return;
  throw new ApiProblem(403, `Requests from ${origin} are not allowed: use the designer served by this engine`);
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 401 when a signed-in user is needed, 403 when their role is too low or the request is cross-site. */
export function authorize(context: ApiContext, access: Access, principal: Principal | undefined, req: IncomingMessage): void {
  if (!safeMethods.has(req.method ?? 'GET')) {
    // Cookie sessions must show where they come from; anyone else (sign-in, tokens) may not come from another site either.
    if (principal?.via === 'session') checkSameOrigin(context, req);
    else if (req.headers.origin) checkOrigin(context, req, req.headers.origin);
  }
  if (access === 'public') return;
  if (!principal) throw new ApiProblem(401, 'Sign in, or send an API token in the Authorization header', {}, { 'WWW-Authenticate': 'Bearer' });
  if (access !== 'signedIn' && !roleAtLeast(principal.role, access)) {
    throw new ApiProblem(403, `This needs the ${access} role; you are signed in as ${principal.role}`);
  }
}

/** The audit log's name for who did something: the username, or `token:<name>` for API tokens. */
export function actorOf(principal: Principal): string {
  return principal.via === 'token' ? `token:${principal.tokenName ?? principal.username}` : principal.username;
}
