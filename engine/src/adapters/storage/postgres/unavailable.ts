/**
 * Which errors mean "the database cannot be reached right now" (worth answering 503 and trying again
 * later) rather than a bad request or a bug: the connection refused, reset or cut, the server shutting
 * down or starting up (SQLSTATE class 08, 57P01–57P03), too many connections, a connect timeout.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const PG_CLIENT_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Connection timeout',
  'Cannot use a pool after calling end on the pool',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code))) return true;
  if (typeof message === 'string' && PG_CLIENT_MESSAGES.some((m) => message.includes(m))) return true;
  // AggregateError (a connect that tried IPv4 and IPv6) and wrapped causes.
  const inner = (error as { errors?: unknown[]; cause?: unknown }).errors?.[0] ?? (error as { cause?: unknown }).cause;
  return inner !== undefined && inner !== error && isDatabaseUnavailable(inner);
}

/**
 * Errors where PostgreSQL refused a value the request carried (SQLSTATE class 22 data exceptions: out of
 * range, bad text; 23514 check constraints; 54001 nesting too deep): bad input the API's own checks
 * missed. The API answers 422 for them — never 500 — and logs them, since each is a check to add.
 */
export function isRefusedValue(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('22') || code === '23514' || code === '54001');
}
