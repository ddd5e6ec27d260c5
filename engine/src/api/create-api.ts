import { readFileSync } from 'node:fs';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { httpRequestSeconds, httpRequests, metrics } from '../metrics.js';
import { authenticate, authorize } from './authenticate.js';
import { apiContext, type ApiContext, type ApiDeps } from './context.js';
import { openApiDocument } from './openapi.js';
import { ApiProblem, problemHandler } from './problem.js';
import { parseRequest, route, type AnyRoute } from './route.js';
import { agentStateRoutes } from './routes/acd.js';
import { securityHeaders } from './security-headers.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { deskRoutes } from './routes/desk.js';
import { callRoutes } from './routes/calls.js';
import { collectionsRoutes } from './routes/collections.js';
import { flowRoutes } from './routes/flows.js';
import { numberRoutes } from './routes/numbers.js';
import { paymentRoutes } from './routes/payments.js';
import { promptRoutes } from './routes/prompts.js';
import { secretRoutes } from './routes/secrets.js';

export type { ApiDeps } from './context.js';

export const JSON_BODY_LIMIT = '1mb';
export const AUDIO_BODY_LIMIT = '10mb';

const packageVersion = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function systemRoutes(context: ApiContext, all: () => readonly AnyRoute[]): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/health',
      access: 'public',
      tag: 'system',
      summary: 'Engine, database and telephony status (503 when the database is down)',
      success: {
        status: 200,
        description: 'Healthy',
        schema: z.object({
          status: z.enum(['ok', 'degraded']),
          engine: z.object({ version: z.string(), uptimeSeconds: z.number(), activeCalls: z.number().int() }),
          database: z.object({ kind: z.enum(['embedded', 'postgres']), ok: z.boolean(), error: z.string().optional() }),
          telephony: z.record(z.string(), z.unknown()),
          speech: z.object({
            recognizer: z.enum(['offline', 'google', 'none']).describe('What recognises callers\' speech on phone calls (and audio spoken into a test call)'),
          }),
        }),
      },
      problems: [503],
      handler: async ({ res }) => {
        const database = await context.store.health().catch((error: unknown) => ({
          kind: context.databaseKind,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        }));
        let telephony: Record<string, unknown> = { state: 'not-configured' };
        try {
          if (context.telephonyStatus) telephony = { state: 'configured', ...context.telephonyStatus() };
        } catch (error) {
          telephony = { state: 'error', error: error instanceof Error ? error.message : String(error) };
        }
        const body = {
          status: database.ok ? 'ok' : 'degraded',
          engine: {
            version: context.version,
            uptimeSeconds: Math.round((context.now() - context.startedAt) / 1000),
            activeCalls: context.activeCalls(),
          },
          database: { ...database, kind: context.databaseKind },
          telephony,
          speech: { recognizer: context.phoneSpeech?.kind ?? 'none' },
        };
        res.status(database.ok ? 200 : 503).json(body);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      access: 'public',
      tag: 'system',
      summary: 'Prometheus metrics (text exposition format); nothing personal in any label',
      success: { status: 200, description: 'Metrics', contentType: 'text/plain' },
      handler: async ({ res }) => {
        res.status(200).type(metrics.contentType).send(await metrics.metrics());
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/openapi.json',
      access: 'public',
      tag: 'system',
      summary: 'This API’s OpenAPI 3.1 document',
      success: { status: 200, description: 'OpenAPI document', schema: z.record(z.string(), z.unknown()) },
      handler: async () => openApiDocument(all(), context.version),
    }),
  ];
}

/** Every route, in registration order: the app, the OpenAPI document and the authorisation tests use this list. */
export function apiRoutes(context: ApiContext): AnyRoute[] {
  const routes: AnyRoute[] = [];
  routes.push(
    ...authRoutes(context),
    ...flowRoutes(context),
    ...numberRoutes(context),
    ...promptRoutes(context),
    ...collectionsRoutes(context),
    ...agentStateRoutes(context),
    ...deskRoutes(context),
    ...callRoutes(context),
    ...paymentRoutes(context),
    ...adminRoutes(context),
    ...secretRoutes(context),
    ...systemRoutes(context, () => routes),
  );
  return routes;
}

function mount(app: Express, context: ApiContext, definition: AnyRoute): void {
  app[definition.method](definition.path, async (req: Request, res: Response) => {
    const stopTimer = httpRequestSeconds.startTimer({ method: definition.method, route: definition.path });
    res.on('finish', () => {
      stopTimer();
      httpRequests.inc({ method: definition.method, route: definition.path, status: String(res.statusCode) });
    });
    const principal = await authenticate(context, req);
    authorize(context, definition.access, principal, req);
    const { params, query, body } = parseRequest(definition, req);
    const result = await definition.handler({ params, query, body, principal, req, res });
    if (res.headersSent || req.socket.destroyed) return;
    if (result === undefined) res.status(definition.success.status).end();
    else res.status(definition.success.status).json(result);
  });
}

/**
 * The HTTP API as an express app: every route in `apiRoutes`, JSON bodies up to 1 MB (audio up to
 * 10 MB), errors as application/problem+json. Mount the test-call websocket with
 * `attachTestCallSocket(server, deps)` on the HTTP server that serves this app.
 */
export function createApi(deps: ApiDeps): Express & { routes: readonly AnyRoute[]; context: ApiContext } {
  const context = apiContext(deps, packageVersion);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', context.trustProxy);
  app.use(securityHeaders(context));
  app.use(express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(express.raw({ limit: AUDIO_BODY_LIMIT, type: ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'] }));
  const routes = apiRoutes(context);
  for (const definition of routes) mount(app, context, definition);
  app.use('/api', (req) => {
    const known = routes.some((r) => matchesPath(r.path, req.originalUrl.split('?')[0] ?? ''));
    throw known
      ? new ApiProblem(405, `${req.method} is not supported here`)
      : new ApiProblem(404, `There is no API route ${req.method} ${req.originalUrl.split('?')[0]}`);
  });
  app.use(problemHandler(context.logger, context.store));
  return Object.assign(app, { routes, context });
}

function matchesPath(pattern: string, path: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`);
  return regex.test(path);
}
