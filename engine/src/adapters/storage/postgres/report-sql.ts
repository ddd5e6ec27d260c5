import type pg from 'pg';
import type { ReportSql } from '../../../ports/report-sql.js';
import type { DatabaseKind } from '../../../ports/store.js';
import { inTransaction } from './database.js';

/** ReportSql over the store's pool: the reporting wing's statements, and its roll-ups under an advisory lock. */
export function reportSql(pool: pg.Pool, kind: DatabaseKind): ReportSql {
  return {
    kind,
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      const { rows } = await pool.query<Row & pg.QueryResultRow>(text, params as unknown[]);
      return rows;
    },
    async exclusive(lock, work) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS got', [lock]);
        if (!rows[0]?.got) return undefined;
        return work({
          async query<Row extends object>(text: string, params: readonly unknown[] = []) {
            const result = await client.query<Row & pg.QueryResultRow>(text, params as unknown[]);
            return result.rows;
          },
        });
      });
    },
  };
}
