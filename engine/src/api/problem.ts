import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import type { Diagnostic } from '../core/flow/diagnostics.js';
import type { Store } from '../ports/store.js';

/** One thing wrong with a request, named by where it is: `body.nodes.2.id`, `query.pageSize`. */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem document, as every error response carries it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  diagnostics?: Diagnostic[];
  [extension: string]: unknown;
}


/** Thrown by route handlers; the error handler turns it into a problem+json response. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly extensions: Omit<Problem, 'type' | 'title' | 'status' | 'detail'>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    detail: string,
    extensions: Omit<Problem, 'type' | 'title' | 'status' | 'detail'> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
    this.status = status;
    this.extensions = extensions;
    this.headers = headers;
  }

  toProblem(): Problem {
    return {
      // RFC 9457: with no problem type of our own, `about:blank` and the status's reason phrase.
      type: 'about:blank',
      title: STATUS_CODES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      ...this.extensions,
    };
  }
}

export const notFound = (what: string) => new ApiProblem(404, `${what} does not exist`);

/** Zod issues as field errors, prefixed with the part of the request they came from. */
export function fieldErrors(where: string, error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

export function invalidRequest(where: string, error: z.ZodError): ApiProblem {
  const errors = fieldErrors(where, error);
  const first = errors[0];
  return new ApiProblem(400, first ? `${first.path}: ${first.message}` : `invalid ${where}`, { errors });
}

/**
 * Flow diagnostics as field errors: `nodes.<nodeId>.params.<field>` for a node's params,
 * `nodes.<nodeId>.<field>` / `edges.<edgeId>.<field>` for their shape, else the flow's own field.
 */
export function diagnosticErrors(diagnostics: readonly Diagnostic[]): FieldError[] {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const parts = d.nodeId
        ? ['nodes', d.nodeId, ...(d.code === 'param-invalid' ? ['params'] : [])]
        : d.edgeId
          ? ['edges', d.edgeId]
          : [];
      const path = [...parts, ...(d.field ? [d.field] : [])].join('.');
      return { path: path || 'flow', message: d.message };
    });
}

export function sendProblem(res: Parameters<ErrorRequestHandler>[2], problem: ApiProblem): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.toProblem()));
}

/** Errors from express's router and body parsers (raw-body / http-errors) carry `status`, and maybe `expose` and `type`. */
interface HttpError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  limit?: number;
  message: string;
}

function fromHttpError(error: HttpError): ApiProblem | undefined {
  const status = error.status ?? error.statusCode;
  // 4xx from express and its body parsers (http-errors sets expose; the router's URI decoding does not).
  if (typeof status !== 'number' || status < 400 || status >= 500 || error.expose === false) return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return new ApiProblem(400, `The request body is not valid JSON: ${error.message}`, {
        errors: [{ path: 'body', message: 'malformed JSON' }],
      });
    case 'entity.too.large':
      return new ApiProblem(413, `The request body is larger than the limit of ${error.limit} bytes`, {
        errors: [{ path: 'body', message: `larger than ${error.limit} bytes` }],
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiProblem(415, error.message);
    default:
      return new ApiProblem(status, error.message);
  }
}

export interface ErrorLogger {
  error(message: string, error: unknown): void;
}

/** Seconds a client is told to wait before trying again while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** 503 + Retry-After while the database cannot be reached: nothing was changed, try again shortly. */
export const databaseUnavailable = () =>
  new ApiProblem(
    503,
    'The database is not reachable just now, so nothing was changed: try again in a few seconds',
    {},
    { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
  );

/**
 * The last middleware: every error becomes problem+json. The database being away is a 503 with
 * Retry-After; a value the database refused (bad input our checks missed) a 422, logged; other
 * unexpected errors are logged and get a bare 500.
 */
export function problemHandler(logger: ErrorLogger, store?: Pick<Store, 'isUnavailable' | 'isRefusedValue'>): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const fromParser = error !== null && typeof error === 'object' ? fromHttpError(error as HttpError) : undefined;
    const refused = store?.isRefusedValue(error) === true;
    const problem: ApiProblem =
      error instanceof ApiProblem
        ? error
        : (fromParser ??
          (store?.isUnavailable(error)
            ? databaseUnavailable()
            : refused
              ? new ApiProblem(422, 'A value in the request cannot be stored (out of range or malformed). It has been logged.')
              : new ApiProblem(500, 'Something went wrong on the server. It has been logged.')));
    if ((refused || (problem.status >= 500 && problem.status !== 503)) && !(error instanceof ApiProblem)) {
      logger.error(`${req.method} ${req.originalUrl} failed`, error);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, problem);
  };
}
