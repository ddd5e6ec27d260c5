import { z } from 'zod';
import { loginAttempts } from '../../metrics.js';
import { newSessionId, secretHash } from '../../auth/secrets.js';
import { roleSchema } from '../../auth/roles.js';
import { sessionCookie, sessionCookieHeader } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { ApiProblem } from '../problem.js';
import { route, type AnyRoute } from '../route.js';

const me = z.object({ username: z.string(), role: roleSchema });

export function authRoutes(context: ApiContext): AnyRoute[] {
  const { store, passwords, loginLimiter } = context;
  // Checked against when the username is unknown, so a wrong username costs as long as a wrong password.
  const decoyHash = passwords.hash('frontdoor decoy password');

  return [
    route({
      method: 'post',
      path: '/api/auth/login',
      access: 'public',
      tag: 'auth',
      summary: 'Sign in: sets the httpOnly fd_session cookie',
      body: z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }),
      success: { status: 200, description: 'Signed in', schema: me },
      problems: [429],
      handler: async ({ body, req, res }) => {
        const address = req.socket.remoteAddress ?? 'unknown';
        const wait = loginLimiter.retryAfterMs(body.username, address);
        if (wait > 0) {
          loginAttempts.inc({ result: 'limited' });
          throw new ApiProblem(429, 'Too many failed sign-ins for this username: try again later', {}, {
            'Retry-After': String(Math.ceil(wait / 1000)),
          });
        }
        const user = await store.users.byUsername(body.username);
        const ok = await passwords.verify(user?.passwordHash ?? (await decoyHash), body.password);
        if (!user || !ok || user.disabled) {
          loginLimiter.recordFailure(body.username, address);
          loginAttempts.inc({ result: 'failed' });
          await store.audit.record({
            actor: body.username,
            action: 'auth.login-failed',
            entityType: 'user',
            entityId: user?.id ?? body.username,
            after: { address },
          });
          throw new ApiProblem(401, 'Wrong username or password');
        }
        loginLimiter.recordSuccess(body.username, address);
        // Sweep sessions that have run out now and then: sign-ins are a natural, infrequent moment.
        void store.sessions.deleteExpired().catch((error: unknown) => context.logger.error('could not delete expired sessions', error));
        loginAttempts.inc({ result: 'ok' });
        const sessionId = newSessionId();
        await store.sessions.create({
          tokenHash: secretHash(sessionId),
          userId: user.id,
          expiresAt: new Date(context.now() + context.sessionTtlMs),
        });
        await store.audit.record({ actor: user.username, action: 'auth.login', entityType: 'user', entityId: user.id, after: { address } });
        res.setHeader('Set-Cookie', sessionCookieHeader(context, sessionId));
        return { username: user.username, role: user.role };
      },
    }),
    route({
      method: 'post',
      path: '/api/auth/logout',
      access: 'signedIn',
      tag: 'auth',
      summary: 'Sign out: ends the session and clears the cookie',
      success: { status: 204, description: 'Signed out' },
      handler: async ({ req, res }) => {
        const sessionId = sessionCookie(req);
        if (sessionId) await store.sessions.delete(secretHash(sessionId));
        res.setHeader('Set-Cookie', sessionCookieHeader(context));
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/auth/me',
      access: 'signedIn',
      tag: 'auth',
      summary: 'Who is signed in',
      success: { status: 200, description: 'The signed-in user', schema: me },
      handler: async ({ principal }) => ({ username: principal!.username, role: principal!.role }),
    }),
  ];
}
