import type pg from 'pg';
import type { ApiToken, ApiTokenRepository, AuditEntry, AuditRepository, JsonValue, SessionRepository, User, UserRepository } from '../../../ports/store.js';
import { inTransaction } from './database.js';
import { isPgError, opt, PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, pagedQuery, toJson, Where, writeAudit } from './sql.js';

interface UserRow {
  id: string;
  username: string;
  role: User['role'];
  disabled: boolean;
  created_at: Date;
}

const USER_COLUMNS = 'u.id, u.username, u.role, u.disabled, u.created_at';

function user(row: UserRow): User {
  return { id: row.id, username: row.username, role: row.role, disabled: row.disabled, createdAt: row.created_at };
}

/** A user as the audit log shows it: never the password hash. */
function auditedUser(u: User): JsonValue {
  return { username: u.username, role: u.role, disabled: u.disabled };
}

export function userRepository(pool: pg.Pool): UserRepository {
  return {
    async list() {
      const { rows } = await pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY lower(u.username)`);
      return rows.map(user);
    },
    async get(userId) {
      const { rows } = await pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [userId]);
      return rows[0] && user(rows[0]);
    },
    async byUsername(username) {
      const { rows } = await pool.query<UserRow & { password_hash: string }>(
        `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE lower(u.username) = lower($1)`,
        [username],
      );
      return rows[0] && { ...user(rows[0]), passwordHash: rows[0].password_hash };
    },
    async create(input, actor) {
      try {
        return await inTransaction(pool, async (client) => {
          const { rows } = await client.query<UserRow>(
            `INSERT INTO users AS u (username, password_hash, role) VALUES ($1, $2, $3) RETURNING ${USER_COLUMNS}`,
            [input.username, input.passwordHash, input.role],
          );
          const created = user(rows[0]!);
          await writeAudit(client, { actor, action: 'user.create', entityType: 'user', entityId: created.id, before: null, after: auditedUser(created) });
          return { kind: 'created', user: created } as const;
        });
      } catch (error) {
        if (isPgError(error, PG_UNIQUE_VIOLATION)) return { kind: 'exists' };
        throw error;
      }
    },
    async update(userId, changes, actor) {
      return inTransaction(pool, async (client) => {
        const { rows: found } = await client.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1 FOR UPDATE`, [userId]);
        if (!found[0]) return { kind: 'notFound' } as const;
        const { rows } = await client.query<UserRow>(
          `UPDATE users AS u SET role = COALESCE($2, role), password_hash = COALESCE($3, password_hash), disabled = COALESCE($4, disabled), updated_at = now()
           WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
          [userId, changes.role ?? null, changes.passwordHash ?? null, changes.disabled ?? null],
        );
        const updated = user(rows[0]!);
        // A new password or a disabled account ends every session.
        if (changes.passwordHash !== undefined || changes.disabled === true) await client.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
        const revoked = changes.revokeTokens
          ? ((await client.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId])).rowCount ?? 0)
          : 0;
        await writeAudit(client, {
          actor,
          action: 'user.update',
          entityType: 'user',
          entityId: userId,
          before: auditedUser(user(found[0])),
          after: {
            ...(auditedUser(updated) as object),
            ...(changes.passwordHash !== undefined ? { passwordChanged: true } : {}),
            ...(changes.revokeTokens ? { tokensRevoked: revoked } : {}),
          },
        });
        return { kind: 'updated', user: updated } as const;
      });
    },
    async delete(userId, actor) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<UserRow>(`DELETE FROM users AS u WHERE u.id = $1 RETURNING ${USER_COLUMNS}`, [userId]);
        if (!rows[0]) return { kind: 'notFound' } as const;
        await writeAudit(client, { actor, action: 'user.delete', entityType: 'user', entityId: userId, before: auditedUser(user(rows[0])), after: null });
        return { kind: 'deleted' } as const;
      });
    },
    async count() {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM users');
      return rows[0]!.n;
    },
  };
}

export function sessionRepository(pool: pg.Pool): SessionRepository {
  return {
    async create(session) {
      await pool.query('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [session.tokenHash, session.userId, session.expiresAt]);
    },
    async find(tokenHash) {
      const { rows } = await pool.query<UserRow & { expires_at: Date }>(
        `SELECT ${USER_COLUMNS}, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
        [tokenHash],
      );
      return rows[0] && { user: user(rows[0]), expiresAt: rows[0].expires_at };
    },
    async delete(tokenHash) {
      await pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
    },
    async deleteExpired() {
      const { rowCount } = await pool.query('DELETE FROM sessions WHERE expires_at <= now()');
      return rowCount ?? 0;
    },
  };
}

interface TokenRow {
  id: string;
  name: string;
  user_id: string;
  prefix: string;
  role: User['role'] | null;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = 't.id, t.name, t.user_id, t.prefix, t.role, t.created_at, t.last_used_at, t.expires_at, t.revoked_at';

function apiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    userId: row.user_id,
    prefix: row.prefix,
    role: opt(row.role),
    createdAt: row.created_at,
    lastUsedAt: opt(row.last_used_at),
    expiresAt: opt(row.expires_at),
    revokedAt: opt(row.revoked_at),
  };
}

export function apiTokenRepository(pool: pg.Pool): ApiTokenRepository {
  return {
    async list(userId) {
      const where = new Where().add((p) => `t.user_id = ${p}`, userId);
      const { rows } = await pool.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t ${where} ORDER BY t.created_at, t.id`, where.params);
      return rows.map(apiToken);
    },
    async create(input, actor) {
      try {
        return await inTransaction(pool, async (client) => {
          const { rows } = await client.query<TokenRow>(
            `INSERT INTO api_tokens AS t (name, user_id, token_hash, prefix, role, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${TOKEN_COLUMNS}`,
            [input.name, input.userId, input.tokenHash, input.prefix, input.role ?? null, input.expiresAt ?? null],
          );
          const token = apiToken(rows[0]!);
          await writeAudit(client, { actor, action: 'token.create', entityType: 'token', entityId: token.id, before: null, after: toJson({ ...token, createdAt: undefined }) });
          return { kind: 'created', token } as const;
        });
      } catch (error) {
        if (isPgError(error, PG_FOREIGN_KEY_VIOLATION)) return { kind: 'userNotFound' };
        throw error;
      }
    },
    async find(tokenHash) {
      const { rows } = await pool.query<TokenRow & { username: string; user_role: User['role']; disabled: boolean; user_created_at: Date }>(
        `UPDATE api_tokens AS t SET last_used_at = now() FROM users u
         WHERE t.token_hash = $1 AND u.id = t.user_id AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT u.disabled
         RETURNING ${TOKEN_COLUMNS}, u.username, u.role AS user_role, u.disabled, u.created_at AS user_created_at`,
        [tokenHash],
      );
      const row = rows[0];
      return row && { token: apiToken(row), user: user({ id: row.user_id, username: row.username, role: row.user_role, disabled: row.disabled, created_at: row.user_created_at }) };
    },
    async revoke(tokenId, actor) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<TokenRow>(
          `UPDATE api_tokens AS t SET revoked_at = COALESCE(t.revoked_at, now()) WHERE t.id = $1 RETURNING ${TOKEN_COLUMNS}`,
          [tokenId],
        );
        if (!rows[0]) return { kind: 'notFound' } as const;
        await writeAudit(client, { actor, action: 'token.revoke', entityType: 'token', entityId: tokenId, before: { name: rows[0].name }, after: { revoked: true } });
        return { kind: 'revoked' } as const;
      });
    },
  };
}

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: JsonValue | null;
  after: JsonValue | null;
}

export function auditRepository(pool: pg.Pool): AuditRepository {
  return {
    async record(entry) {
      await writeAudit(pool, entry);
    },
    async list(filter, page) {
      const where = new Where()
        .add((p) => `actor = ${p}`, filter.actor)
        .add((p) => `entity_type = ${p}`, filter.entityType)
        .add((p) => `entity_id = ${p}`, filter.entityId)
        .add((p) => `action = ${p}`, filter.action)
        .add((p) => `at >= ${p}`, filter.since)
        .add((p) => `at < ${p}`, filter.until);
      return pagedQuery<AuditRow, AuditEntry>(
        pool,
        { columns: 'id::text AS id, at, actor, action, entity_type, entity_id, before, after', from: 'audit_log', where, orderBy: 'audit_log.id DESC' },
        page,
        (row) => ({
          id: row.id,
          at: row.at,
          actor: row.actor,
          action: row.action,
          entityType: row.entity_type,
          entityId: row.entity_id,
          before: opt(row.before),
          after: opt(row.after),
        }),
      );
    },
  };
}
