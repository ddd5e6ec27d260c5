import { z } from 'zod';
import { loginAttempts } from '../../metrics.js';
import { newSessionId, secretHash } from '../../auth/secrets.js';
import { roleSchema } from '../../auth/roles.js';
import { sessionCookie, sessionCookieHeader } from '../authenticate.js';
import { Busy } from '../concurrency-limit.js';
import type { ApiContext } from '../context.js';
import { ApiProblem } from '../problem.js';
import { route, type AnyRoute } from '../route.js';

const me = z.object({ username: z.string(), role: roleSchema });

export function authRoutes(context: ApiContext): AnyRoute[] {
  const { store, passwords, loginLimits, passwordChecks } = context;
  const refusal: Record<string, string> = {
    account: 'Too many failed sign-ins for this account: try again later',
    address: 'Too many failed sign-ins from your address: try again later',
    everyone: 'Too many failed sign-ins on this service just now: try again later',
  };
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
      problems: [429, 503],
      handler: async ({ body, req, res }) => {
        // The client's address: express's req.ip honours http.trustProxy (X-Forwarded-For from trusted proxies only).
        const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
        const user = await store.users.byUsername(body.username);
        const { windowMs } = loginLimits;
        const accountKey = user && `account:${user.id}`;
        const shared = [`address:${address}`, 'everyone'];
        // Reserve the attempt against every limit before the password is checked, so concurrent guesses
        // cannot all get through. Unknown usernames count against the address and everyone only.
        const reserved = await store.loginThrottle.reserve([
          ...(accountKey ? [{ key: accountKey, max: loginLimits.perAccount, windowMs }] : []),
          { key: shared[0]!, max: loginLimits.perAddress, windowMs },
          { key: 'everyone', max: loginLimits.everyone, windowMs },
        ]);
        if (!reserved.allowed) {
          loginAttempts.inc({ result: 'limited' });
          throw new ApiProblem(429, refusal[reserved.key.split(':')[0]!] ?? refusal.everyone!, {}, {
            'Retry-After': String(Math.ceil(reserved.retryAfterMs / 1000)),
          });
        }
        let ok: boolean;
        try {
          ok = await passwordChecks.run(async () => passwords.verify(user?.passwordHash ?? (await decoyHash), body.password));
        } catch (error) {
          if (!(error instanceof Busy)) throw error;
          await store.loginThrottle.release([...(accountKey ? [accountKey] : []), ...shared], []);
          throw new ApiProblem(503, 'Too many sign-ins at once: try again in a moment', {}, { 'Retry-After': '1' });
        }
        if (!user || !ok || user.disabled) {
          loginAttempts.inc({ result: 'failed' });
          // What was typed as the username is never stored unless it is a real username: people type
          // their password into the wrong box.
          await store.audit.record({
            actor: user ? user.username : 'unknown-user',
            action: 'auth.login-failed',
            entityType: 'user',
            entityId: user?.id ?? 'unknown',
            after: user ? { address } : { address, reason: 'no such user' },
          });
          throw new ApiProblem(401, 'Wrong username or password');
        }
        await store.loginThrottle.release(shared, [accountKey!]);
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
