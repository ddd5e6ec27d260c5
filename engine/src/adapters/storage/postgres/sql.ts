import type pg from 'pg';
import type { Actor, JsonValue, Page, Paged } from '../../../ports/store.js';

/** A pool or one transaction's client. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** PostgreSQL error codes the repositories turn into typed results. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

export function isPgError(error: unknown, code: string): error is Error & { code: string; constraint?: string } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** null → undefined, for optional fields. */
export function opt<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

export interface AuditWrite {
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  before?: JsonValue | undefined;
  after?: JsonValue | undefined;
}

/** Appends to the audit log; call it inside the transaction that makes the change. */
export async function writeAudit(q: Queryable, entry: AuditWrite): Promise<void> {
  await q.query(
    'INSERT INTO audit_log (actor, action, entity_type, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)',
    [entry.actor, entry.action, entry.entityType, entry.entityId, jsonParam(entry.before), jsonParam(entry.after)],
  );
}

/** A JSON value as a query parameter (pg would send arrays as PostgreSQL arrays); null and undefined are SQL NULL. */
export function jsonParam(value: JsonValue | undefined): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Dates and other objects → plain JSON for the audit log. */
export function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Builds `WHERE a = $1 AND b >= $2 …` from the filters given. */
export class Where {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  add(sql: (param: string) => string, value: unknown): this {
    if (value === undefined) return this;
    this.params.push(value);
    this.clauses.push(sql(`$${this.params.length}`));
    return this;
  }

  raw(sql: string): this {
    this.clauses.push(sql);
    return this;
  }

  toString(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }

  /** `LIMIT $n OFFSET $m` for a 1-based page. */
  limit(page: Page): string {
    this.params.push(page.pageSize, (page.page - 1) * page.pageSize);
    return `LIMIT $${this.params.length - 1} OFFSET $${this.params.length}`;
  }
}

function checkPage(page: Page): Page {
  if (!Number.isInteger(page.page) || page.page < 1) throw new RangeError(`page must be a whole number from 1, got ${page.page}`);
  if (!Number.isInteger(page.pageSize) || page.pageSize < 1 || page.pageSize > 1000) {
    throw new RangeError(`pageSize must be a whole number from 1 to 1000, got ${page.pageSize}`);
  }
  return page;
}

/** One page of `SELECT columns FROM from WHERE … ORDER BY …`, with the total count of matching rows. */
export async function pagedQuery<Row extends pg.QueryResultRow, T>(
  q: Queryable,
  query: { columns: string; from: string; where: Where; orderBy: string },
  page: Page,
  map: (row: Row) => T,
): Promise<Paged<T>> {
  checkPage(page);
  const { columns, from, where, orderBy } = query;
  const { rows: counted } = await q.query<{ total: number }>(`SELECT count(*) AS total FROM ${from} ${where}`, where.params);
  const { rows } = await q.query<Row>(`SELECT ${columns} FROM ${from} ${where} ORDER BY ${orderBy} ${where.limit(page)}`, where.params);
  return { items: rows.map(map), total: counted[0]!.total, page: page.page, pageSize: page.pageSize };
}
