import type pg from 'pg';
import type { LoginThrottle, SecretInfo, SecretRepository } from '../../../ports/store.js';
import { inTransaction } from './database.js';
import { writeAudit } from './sql.js';

/** A reservation refused: which limit, and how long until its window has room again. */
class Refused extends Error {
  constructor(
    readonly key: string,
    readonly retryAfterMs: number,
  ) {
    super(`limit ${key} reached`);
  }
}

/**
 * Sign-in limits in the login_throttle table. Each limit is one row (key, window start, attempts),
 * bumped with INSERT … ON CONFLICT DO UPDATE: the row lock makes concurrent reservations of one key take
 * turns, so 300 guesses at once are counted one by one. All limits of an attempt are bumped in one
 * transaction, always in the caller's order (account, address, everyone), which also keeps two
 * attempts from waiting on each other; if any is over its limit the transaction rolls back and nothing
 * is counted.
 */
export function loginThrottle(pool: pg.Pool): LoginThrottle {
  return {
    async reserve(limits) {
      try {
        await inTransaction(pool, async (client) => {
          for (const limit of limits) {
            const { rows } = await client.query<{ attempts: number; retry_ms: number }>(
              `INSERT INTO login_throttle AS t (key, window_start, attempts) VALUES ($1, clock_timestamp(), 1)
               ON CONFLICT (key) DO UPDATE SET
                 window_start = CASE WHEN t.window_start <= clock_timestamp() - $2 * interval '1 millisecond' THEN clock_timestamp() ELSE t.window_start END,
                 attempts     = CASE WHEN t.window_start <= clock_timestamp() - $2 * interval '1 millisecond' THEN 1 ELSE t.attempts + 1 END
               RETURNING t.attempts, ceil(extract(epoch FROM t.window_start + $2 * interval '1 millisecond' - clock_timestamp()) * 1000)::float8 AS retry_ms`,
              [limit.key, limit.windowMs],
            );
            const row = rows[0]!;
            if (row.attempts > limit.max) throw new Refused(limit.key, Math.max(1, row.retry_ms));
          }
        });
        return { allowed: true };
      } catch (error) {
        if (error instanceof Refused) return { allowed: false, key: error.key, retryAfterMs: error.retryAfterMs };
        throw error;
      }
    },
    async release(keys, reset) {
      await pool.query('UPDATE login_throttle SET attempts = greatest(attempts - 1, 0) WHERE key = ANY($1::text[])', [keys]);
      // Windows long over are no use to anyone: sweep them while we are here (sign-ins are infrequent).
      await pool.query(`DELETE FROM login_throttle WHERE key = ANY($1::text[]) OR window_start < now() - interval '1 day'`, [reset]);
    },
  };
}

interface SecretRow {
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
  updated_by: string;
}

const SECRET_COLUMNS = 'name, description, created_at, updated_at, updated_by';

const secretInfo = (row: SecretRow): SecretInfo => ({
  name: row.name,
  description: row.description,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
});

/** Sealed secrets; the audit log records who changed which secret, never the value or the sealed bytes. */
export function secretRepository(pool: pg.Pool): SecretRepository {
  return {
    async list() {
      const { rows } = await pool.query<SecretRow>(`SELECT ${SECRET_COLUMNS} FROM secrets ORDER BY lower(name)`);
      return rows.map(secretInfo);
    },
    async sealed(name) {
      const { rows } = await pool.query<{ sealed: Buffer }>('SELECT sealed FROM secrets WHERE name = $1', [name]);
      return rows[0] && new Uint8Array(rows[0].sealed);
    },
    async put(name, secret, actor) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<SecretRow & { created: boolean }>(
          `INSERT INTO secrets AS s (name, sealed, description, updated_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, description = excluded.description,
             updated_by = excluded.updated_by, updated_at = now()
           RETURNING ${SECRET_COLUMNS}, (xmax = 0) AS created`,
          [name, Buffer.from(secret.sealed), secret.description, actor],
        );
        const row = rows[0]!;
        const kind = row.created ? 'created' : 'replaced';
        await writeAudit(client, {
          actor,
          action: kind === 'created' ? 'secret.create' : 'secret.replace',
          entityType: 'secret',
          entityId: name,
          after: { name, description: secret.description, value: '[redacted]' },
        });
        return { kind, secret: secretInfo(row) } as const;
      });
    },
    async delete(name, actor) {
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query('DELETE FROM secrets WHERE name = $1', [name]);
        if (!rowCount) return { kind: 'notFound' } as const;
        await writeAudit(client, { actor, action: 'secret.delete', entityType: 'secret', entityId: name, before: { name }, after: null });
        return { kind: 'deleted' } as const;
      });
    },
  };
}
