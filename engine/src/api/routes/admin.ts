import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../../auth/passwords.js';
import { passwordProblem } from '../../auth/password-policy.js';
import { roleAtLeast, roleSchema } from '../../auth/roles.js';
import { API_TOKEN_PREFIX, newApiToken, secretHash } from '../../auth/secrets.js';
import type { ApiToken, AuditEntry, User } from '../../ports/store.js';
import { actorOf } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, notFound } from '../problem.js';
import { idParam, route, type AnyRoute } from '../route.js';
import { pageQuery, paged, queryDate, timestamp, userSchema } from '../schemas.js';

const username = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9_.@-]+$/, 'may use only letters, digits, _ . @ -');
const password = z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1000);

const userJson = (u: User) => ({ ...u, createdAt: u.createdAt.toISOString() });

/** 422 naming body.password when the password is too easy to guess for this user. */
function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new ApiProblem(422, `The password ${problem}`, { errors: [{ path: 'body.password', message: problem }] });
}

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  userId: z.string(),
  prefix: z.string(),
  role: roleSchema.optional().describe('The most the token may do; absent: its user’s role'),
  createdAt: timestamp,
  lastUsedAt: timestamp.optional(),
  expiresAt: timestamp.optional(),
  revokedAt: timestamp.optional(),
});
const tokenJson = (t: ApiToken) => ({
  ...t,
  createdAt: t.createdAt.toISOString(),
  ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt.toISOString() } : {}),
  ...(t.expiresAt ? { expiresAt: t.expiresAt.toISOString() } : {}),
  ...(t.revokedAt ? { revokedAt: t.revokedAt.toISOString() } : {}),
});

const auditSchema = z.object({
  id: z.string(),
  at: timestamp,
  actor: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
const auditJson = (a: AuditEntry) => ({ ...a, at: a.at.toISOString() });

/** Users, API tokens and the audit log: admin only. */
export function adminRoutes(context: ApiContext): AnyRoute[] {
  const { store, passwords } = context;
  return [
    route({
      method: 'get',
      path: '/api/users',
      access: 'admin',
      tag: 'admin',
      summary: 'Local users',
      success: { status: 200, description: 'Users', schema: z.array(userSchema) },
      handler: async () => (await store.users.list()).map(userJson),
    }),
    route({
      method: 'post',
      path: '/api/users',
      access: 'admin',
      tag: 'admin',
      summary: 'Add a user',
      body: z.strictObject({ username, password, role: roleSchema }),
      success: { status: 201, description: 'Created', schema: userSchema },
      problems: [409, 422],
      handler: async ({ body, principal }) => {
        checkPassword(body.password, body.username);
        const passwordHash = await passwords.hash(body.password);
        const result = await store.users.create({ username: body.username, passwordHash, role: body.role }, actorOf(principal!));
        if (result.kind === 'exists') {
          throw new ApiProblem(409, `User ${body.username} already exists`, { errors: [{ path: 'body.username', message: 'already exists' }] });
        }
        return userJson(result.user);
      },
    }),
    route({
      method: 'put',
      path: '/api/users/:id',
      access: 'admin',
      tag: 'admin',
      summary: 'Change a user’s role or password (optionally revoking their API tokens), or disable them',
      params: idParam,
      body: z.strictObject({
        role: roleSchema.optional(),
        password: password.optional(),
        disabled: z.boolean().optional(),
        revokeTokens: z.boolean().optional().describe('Also revoke every API token of this user (e.g. when the password was leaked)'),
      }),
      success: { status: 200, description: 'Updated', schema: userSchema },
      problems: [404, 422],
      handler: async ({ params, body, principal }) => {
        if (params.id === principal!.userId && ((body.role && body.role !== 'admin') || body.disabled)) {
          throw new ApiProblem(422, 'You cannot demote or disable yourself: ask another admin', {
            errors: [{ path: body.disabled ? 'body.disabled' : 'body.role', message: 'not for your own account' }],
          });
        }
        if (body.password !== undefined) {
          const target = await store.users.get(params.id);
          if (!target) throw notFound(`User ${params.id}`);
          checkPassword(body.password, target.username);
        }
        const result = await store.users.update(
          params.id,
          {
            ...(body.role ? { role: body.role } : {}),
            ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
            ...(body.password ? { passwordHash: await passwords.hash(body.password) } : {}),
            ...(body.revokeTokens ? { revokeTokens: true } : {}),
          },
          actorOf(principal!),
        );
        if (result.kind === 'notFound') throw notFound(`User ${params.id}`);
        return userJson(result.user);
      },
    }),
    route({
      method: 'delete',
      path: '/api/users/:id',
      access: 'admin',
      tag: 'admin',
      summary: 'Delete a user (ends their sessions and revokes their tokens)',
      params: idParam,
      success: { status: 204, description: 'Deleted' },
      problems: [404, 422],
      handler: async ({ params, principal }) => {
        if (params.id === principal!.userId) {
          throw new ApiProblem(422, 'You cannot delete yourself: ask another admin', { errors: [{ path: 'params.id', message: 'your own account' }] });
        }
        const result = await store.users.delete(params.id, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`User ${params.id}`);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/tokens',
      access: 'admin',
      tag: 'admin',
      summary: 'API tokens (never their secrets)',
      query: z.strictObject({ userId: z.string().optional() }),
      success: { status: 200, description: 'Tokens', schema: z.array(tokenSchema) },
      handler: async ({ query }) => (await store.apiTokens.list(query.userId)).map(tokenJson),
    }),
    route({
      method: 'post',
      path: '/api/tokens',
      access: 'admin',
      tag: 'admin',
      summary: 'Create an API token acting as a user, limited to `role` if given; the secret is shown only in this response',
      body: z.strictObject({
        name: z.string().min(1).max(100),
        userId: z.string().min(1).optional().describe('Defaults to you'),
        role: roleSchema.optional().describe('Limit the token to this role (at most the user’s own)'),
        expiresAt: z.iso.datetime({ offset: true }).optional(),
      }),
      success: { status: 201, description: 'Created', schema: tokenSchema.extend({ token: z.string().startsWith(API_TOKEN_PREFIX) }) },
      problems: [422],
      handler: async ({ body, principal }) => {
        const secret = newApiToken();
        const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
        if (expiresAt && expiresAt.getTime() <= context.now()) {
          throw new ApiProblem(422, 'The expiry must be in the future', { errors: [{ path: 'body.expiresAt', message: 'in the past' }] });
        }
        const userId = body.userId ?? principal!.userId;
        const user = await store.users.get(userId);
        if (!user) throw new ApiProblem(422, `User ${userId} does not exist`, { errors: [{ path: 'body.userId', message: 'no such user' }] });
        if (body.role && !roleAtLeast(user.role, body.role)) {
          throw new ApiProblem(422, `A token cannot do more than its user: ${user.username} is a ${user.role}`, {
            errors: [{ path: 'body.role', message: `at most ${user.role}` }],
          });
        }
        const result = await store.apiTokens.create(
          {
            name: body.name,
            userId,
            tokenHash: secretHash(secret),
            prefix: secret.slice(0, API_TOKEN_PREFIX.length + 4),
            ...(body.role ? { role: body.role } : {}),
            ...(expiresAt ? { expiresAt } : {}),
          },
          actorOf(principal!),
        );
        if (result.kind === 'userNotFound') {
          throw new ApiProblem(422, `User ${userId} does not exist`, { errors: [{ path: 'body.userId', message: 'no such user' }] });
        }
        return { ...tokenJson(result.token), token: secret };
      },
    }),
    route({
      method: 'delete',
      path: '/api/tokens/:id',
      access: 'admin',
      tag: 'admin',
      summary: 'Revoke an API token',
      params: idParam,
      success: { status: 204, description: 'Revoked' },
      problems: [404],
      handler: async ({ params, principal }) => {
        const result = await store.apiTokens.revoke(params.id, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Token ${params.id}`);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/audit',
      access: 'admin',
      tag: 'admin',
      summary: 'The audit log, newest first: who changed what, when (flows with before/after)',
      query: z.strictObject({
        actor: z.string().optional(),
        entityType: z.string().optional(),
        entityId: z.string().optional(),
        action: z.string().optional(),
        since: queryDate.optional(),
        until: queryDate.optional(),
        ...pageQuery,
      }),
      success: { status: 200, description: 'Audit entries', schema: paged(auditSchema) },
      handler: async ({ query }) => {
        const { page, pageSize, ...filter } = query;
        const result = await store.audit.list(filter, { page, pageSize });
        return { ...result, items: result.items.map(auditJson) };
      },
    }),
  ];
}
