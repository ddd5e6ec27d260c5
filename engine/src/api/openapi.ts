import { z } from 'zod';
import { openApiPath, type AnyRoute } from './route.js';
import { problemSchema } from './schemas.js';

type JsonSchema = Record<string, unknown>;

function schema(type: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(type, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Path or query parameters from a zod object schema. */
function parameters(type: z.ZodType | undefined, where: 'path' | 'query') {
  if (!type) return [];
  const json = schema(type, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const problemDescriptions: Record<number, string> = {
  400: 'Bad request: the `errors` name each field',
  401: 'Not signed in',
  403: 'Role too low, or a cross-site request',
  404: 'Not found',
  409: 'Conflict (already exists, stale revision, still in use)',
  413: 'Request body too large',
  415: 'Wrong Content-Type',
  422: 'Well formed but not acceptable (flow diagnostics, unknown references)',
  429: 'Too many attempts',
  500: 'Unexpected server error (logged)',
  503: 'A dependency is down',
};

/** The OpenAPI 3.1 document for the routes, generated from their zod schemas. */
export function openApiDocument(routes: readonly AnyRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const problems = [400, ...(r.access === 'public' ? [] : [401, 403]), ...(r.problems ?? []), 500];
    const responses: Record<string, unknown> = {
      [String(r.success.status)]: {
        description: r.success.description,
        ...(r.success.schema
          ? { content: { 'application/json': { schema: schema(r.success.schema, 'output') } } }
          : r.success.contentType
            ? { content: { [r.success.contentType]: { schema: { type: 'string', contentEncoding: 'binary' } } } }
            : {}),
      },
    };
    for (const status of [...new Set(problems)].sort()) responses[String(status)] = problemResponse(problemDescriptions[status] ?? 'Error');
    const requestBody =
      r.body === 'audio'
        ? { required: true, content: { 'audio/wav': { schema: { type: 'string', contentEncoding: 'binary' } } } }
        : r.body
          ? {
              required: !r.body.safeParse(undefined).success,
              content: { 'application/json': { schema: schema(r.body, 'input') } },
            }
          : undefined;
    const path = openApiPath(r.path);
    paths[path] ??= {};
    paths[path][r.method] = {
      operationId: `${r.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      'x-required-role': r.access,
      security: r.access === 'public' ? [] : [{ session: [] }, { token: [] }],
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'frontdoor API',
      version,
      description:
        'Call flows, publishing, numbers, prompts, schedules, calls, users and audit. Test calls run over the websocket ' +
        '/api/test-calls (not described here). Roles, errors and the websocket protocol: docs/api.md.',
      license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Problem: schema(problemSchema, 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'fd_session', description: 'Set by POST /api/auth/login' },
        token: { type: 'http', scheme: 'bearer', description: 'An API token: fd_…' },
      },
    },
  };
}
