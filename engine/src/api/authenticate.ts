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
 * websocket) must come from a page on the engine's own origin (or an allowed origin), shown by the
 * Origin header that browsers always send on such requests. API tokens are not sent automatically by
 * browsers, so token requests need no check.
 */
export function checkSameOrigin(context: ApiContext, req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (!origin) throw new ApiProblem(403, 'A signed-in browser request that changes something must carry an Origin header');
  checkOrigin(context, req, origin);
}

/** scheme://host[:port] as browsers write it (default ports dropped, lower case), or undefined for `null` and junk. */
export function normaliseOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The origin of pages this engine serves, as the browser asked for them: TLS or not, and the Host header. */
function ownOrigin(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (!host) return undefined;
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  return normaliseOrigin(`${tls ? 'https' : 'http'}://${host}`);
}

/**
 * Exactly the engine's own origin or one in http.allowedOrigins. No exception for "another page on this
 * machine": a page on another local port is another site, and could otherwise act as the signed-in user.
 */
function checkOrigin(context: ApiContext, req: IncomingMessage, origin: string): void {
  const normalised = normaliseOrigin(origin);
  if (normalised !== undefined && (normalised === ownOrigin(req) || context.allowedOrigins.includes(normalised))) return;
  throw new ApiProblem(403, `Requests from ${origin} are not allowed: use the designer served by this engine (or add the origin to http.allowedOrigins)`);
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
