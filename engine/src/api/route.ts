import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Role } from '../auth/roles.js';
import { ApiProblem, invalidRequest } from './problem.js';
import { unstorable } from './unstorable.js';

/** Who is making a request, once authenticated. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  /** How they proved it: a session cookie (designer) or an API token (automation). */
  via: 'session' | 'token';
  /** The API token's name, when `via` is `token`. */
  tokenName?: string;
}

/**
 * Who may call a route: nobody signed in (`public`), anyone signed in whatever their role (`signedIn`:
 * who am I, sign out), or anyone whose role carries that role's rights.
 */
export type Access = 'public' | 'signedIn' | Role;

export type Method = 'get' | 'post' | 'put' | 'delete';

/** A response a route may give, for the OpenAPI document. */
export interface ResponseSpec {
  description: string;
  /** JSON body; omitted for empty responses. */
  schema?: z.ZodType;
  /** Non-JSON body (audio/wav, text/plain). */
  contentType?: string;
}

export interface RequestContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Undefined only on public routes. */
  principal: Principal | undefined;
  req: Request;
  res: Response;
}

/**
 * One HTTP route, described once: path, who may call it, its zod schemas and its handler. The app,
 * the OpenAPI document and the authorisation tests are all built from the list of these.
 */
export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Express path, e.g. `/api/flows/:id`. */
  path: string;
  access: Access;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** JSON body schema, or `audio` for a raw audio/wav body (a Buffer). */
  body?: z.ZodType<B> | 'audio';
  /** Status of a successful response (default 200) and its description. */
  success: { status: number } & ResponseSpec;
  /** Other statuses this route answers with besides 400/401/403/500, for the OpenAPI document. */
  problems?: number[];
  /**
   * Returns the JSON body of a successful response, or `undefined` when it wrote the response
   * itself (audio, text) or the success status has no body.
   */
  handler(context: RequestContext<P, Q, B>): Promise<unknown>;
}

/** Type-checks a route against its own schemas (the list holds them with their types erased). */
export function route<
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  Q extends z.ZodType = z.ZodType<Record<string, never>>,
  B extends z.ZodType | 'audio' = z.ZodType<undefined>,
>(
  definition: Omit<Route<z.output<P>, z.output<Q>, B extends z.ZodType ? z.output<B> : Buffer>, 'params' | 'query' | 'body'> & {
    params?: P;
    query?: Q;
    body?: B;
  },
): AnyRoute {
  return definition as unknown as AnyRoute;
}

// The handler's context is contravariant in P/Q/B, so an erased route takes `any` here.
export type AnyRoute = Route<any, any, any>;

/** Express `:id` params as OpenAPI `{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return (where === 'body' ? undefined : {}) as T;
  const unfit = unstorable(value, where);
  if (unfit) throw new ApiProblem(400, `${unfit.path}: ${unfit.message}`, { errors: [unfit] });
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(where, result.error);
  return result.data;
}

/** Parses a request's params, query and body with the route's schemas; 400 naming the field otherwise. */
export function parseRequest(definition: AnyRoute, req: Request) {
  const params = parsePart(definition.params, { ...req.params }, 'params');
  const query = parsePart(definition.query, { ...(req.query as object) }, 'query');
  let body: unknown;
  if (definition.body === 'audio') {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      throw new ApiProblem(415, 'Send the audio as the request body with Content-Type audio/wav', {
        errors: [{ path: 'body', message: 'expected an audio/wav body' }],
      });
    }
    body = req.body;
  } else if (definition.body) {
    // With no body at all, the schema decides whether that is allowed (some bodies are optional).
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      throw new ApiProblem(415, 'Send the request body as JSON with Content-Type application/json', {
        errors: [{ path: 'body', message: 'expected an application/json body' }],
      });
    }
    body = parsePart(definition.body, req.body, 'body');
  }
  return { params, query, body };
}

/** Shared schemas for path parameters. */
export const idParam = z.strictObject({ id: z.string().min(1).max(200) });
