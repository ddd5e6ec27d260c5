/**
 * The reporting wing's way to the database: it states every figure as SQL (engine/src/reporting/) and
 * runs it here, so counting happens in PostgreSQL and never by loading rows into the engine. Types only —
 * implemented over the store's pool in engine/src/adapters/storage/postgres/report-sql.ts (the same code for
 * the embedded database and a real server).
 *
 * Statements take their values as parameters ($1, $2 …), never spliced into the text.
 */
export interface ReportSql {
  readonly kind: 'embedded' | 'postgres';
  /** Runs one statement and returns its rows (timestamptz as Date, numeric and bigint as number). */
  query<Row extends object>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs `work` in one transaction holding the advisory lock named `lock`, if no other engine holds it;
   * otherwise does nothing and returns undefined (another engine is doing the same work).
   */
  exclusive<T>(lock: string, work: (sql: Pick<ReportSql, 'query'>) => Promise<T>): Promise<T | undefined>;
}
