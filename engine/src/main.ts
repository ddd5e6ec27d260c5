/**
 * The composition root: config → database (embedded PGlite unless DATABASE_URL) → migrations →
 * store → engine instance (heartbeat, engine-lost sweep) → example flows on first start → HTTP API,
 * test-call websocket and the designer → telephony when configured.
 */
import { storeSchedules } from './calls/stored-schedules.js';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import express from 'express';
import { SystemClock } from './adapters/clock/system-clock.js';
import { FetchHttpClient } from './adapters/http/fetch-http-client.js';
import { PocketSphinxRecognizer } from './adapters/speech/offline/pocketsphinx-recognizer.js';
import { openDatabase } from './adapters/storage/postgres/database.js';
import { migrate } from './adapters/storage/postgres/migrate.js';
import { createPostgresStore } from './adapters/storage/postgres/postgres-store.js';
import type { TelephonyService } from './adapters/telephony/drachtio/start-telephony.js';
import { createApi } from './api/create-api.js';
import { attachTestCallSocket } from './api/test-call-socket.js';
import { loadConfig, type FrontdoorConfig, type FrontdoorConfigInput } from './config/config.js';
import type { FlowPorts } from './core/runtime/ports.js';
import { phoneCallHandler, PublishedFlows, UNCONFIGURED_PORTS, type EngineLogger } from './phone-calls.js';
import type { Recognizer } from './ports/recognizer.js';
import type { Store } from './ports/store.js';
import { seedExamples } from './seed-examples.js';
import { ensureFirstAdmin } from './first-admin.js';
import { argon2Passwords } from './auth/passwords.js';

const REPO = resolve(import.meta.dirname, '../..');

export interface StartOptions {
  /** Config file (YAML/JSON); default env FRONTDOOR_CONFIG, else defaults only. */
  configFile?: string;
  env?: Record<string, string | undefined>;
  /** Settings over the file and env (tests: `{ http: { port: 0 } }`). */
  overrides?: FrontdoorConfigInput;
  /** Example flows loaded on first start (default flows/). */
  flowsDir?: string;
  logger?: EngineLogger;
  /** Shut down cleanly on SIGINT/SIGTERM (default true; tests that start engines in-process pass false). */
  handleSignals?: boolean;
}

export interface RunningEngine {
  url: string;
  config: FrontdoorConfig;
  store: Store;
  engineInstanceId: string;
  close(): Promise<void>;
}

const consoleLogger: EngineLogger = {
  info: (message) => console.info(message),
  warn: (message) => console.warn(message),
  error: (message, error) => console.error(message, error instanceof Error ? error.message : (error ?? '')),
};

export async function start(options: StartOptions = {}): Promise<RunningEngine> {
  const logger = options.logger ?? consoleLogger;
  const config = loadConfig({ file: options.configFile, env: options.env ?? process.env, overrides: options.overrides });
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error('shutting down', error);
      }
    }
  };
  try {
    const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: config.database.poolSize, onError: (e) => logger.error('database', e) });
    cleanups.push(() => database.close());
    logger.info(
      database.kind === 'embedded'
        ? `database: embedded PostgreSQL (PGlite) in ${join(config.database.dataDir, 'pglite')}, opened in ${database.startupMs} ms`
        : `database: PostgreSQL at ${new URL(config.database.url!).host}`,
    );
    const { applied } = await migrate(database.pool);
    if (applied.length > 0) logger.info(`database: applied migrations ${applied.join(', ')}`);
    const store = await createPostgresStore(database, { logger });
    cleanups.push(() => store.close());

    const engineInstanceId = randomUUID();
    const { lostCalls } = await store.engineInstances.register({
      id: engineInstanceId,
      name: config.engine.name,
      host: hostname(),
      pid: process.pid,
      deadAfterMs: config.engine.deadAfterSeconds * 1000,
    });
    const reportLost = (calls: string[]) => {
      if (calls.length > 0) logger.warn(`ended ${calls.length} call(s) left open by an engine that stopped: ${calls.join(', ')} (outcome engine-lost)`);
    };
    reportLost(lostCalls);
    const heartbeat = setInterval(() => {
      store.engineInstances.heartbeat(engineInstanceId, config.engine.deadAfterSeconds * 1000).then(
        ({ lostCalls: lost }) => reportLost(lost),
        (error: unknown) => logger.error('engine heartbeat', error),
      );
    }, config.engine.heartbeatSeconds * 1000);
    heartbeat.unref();
    cleanups.push(async () => {
      clearInterval(heartbeat);
      await store.engineInstances.stop(engineInstanceId);
    });

    await seedExamples(store, options.flowsDir ?? join(REPO, 'flows'), logger);
    await ensureFirstAdmin(store, argon2Passwords(), options.env ?? process.env, logger);

    const flows = new PublishedFlows(store, logger);
    const ports: FlowPorts = {
      clock: new SystemClock(),
      speech: await recognizer(config),
      flows,
      schedules: storeSchedules(store),
      ...UNCONFIGURED_PORTS,
      http: new FetchHttpClient({ allowedHosts: config.dataDips.allowedHosts, maxBodyBytes: config.dataDips.maxResponseBytes }),
    };
    let telephony: TelephonyService | undefined;
    const apiDeps = {
      store,
      telephonyStatus: config.telephony ? () => ({ ...telephony?.status() }) : undefined,
      activeCalls: () => telephony?.status().activeCalls ?? 0,
      logger: { info: logger.info, error: logger.error },
      engineInstanceId,
    };
    const app = express();
    app.use(createApi(apiDeps));
    await serveDesigner(app, config.http.designerDir, logger);
    const server = createServer(app);
    const testCalls = attachTestCallSocket(server, apiDeps);
    cleanups.push(() => testCalls.close());
    await listen(server, config.http.host, config.http.port);
    cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
    cleanups.push(() => void server.closeAllConnections());
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    const url = `http://${host}:${port}`;
    console.log(`frontdoor is running at ${url}`);

    if (config.telephony) {
      // Loaded only when configured: drachtio-srf and drachtio-fsmrf are not needed for the designer alone.
      const { startTelephony } = await import('./adapters/telephony/drachtio/start-telephony.js');
      telephony = await startTelephony(config.telephony, {
        onCall: phoneCallHandler({ store, flows, ports, engineInstanceId, logger }),
        logger,
      });
      cleanups.push(() => telephony?.close());
    } else {
      logger.info('telephony: not configured (add a telephony section to the config file for real SIP calls); test calls work in the designer');
    }

    if (options.handleSignals ?? true) {
      const onSignal = (signal: NodeJS.Signals) => {
        logger.info(`${signal}: shutting down`);
        void close().then(() => process.exit(0));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    }
    return { url, config, store, engineInstanceId, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function recognizer(config: FrontdoorConfig): Promise<Recognizer> {
  if (config.speech?.recognizer !== 'google') return new PocketSphinxRecognizer();
  // Loaded only when configured: the Google client is large.
  const { GoogleRecognizer, createSpeechClient } = await import('./adapters/speech/google/google-recognizer.js');
  return new GoogleRecognizer(createSpeechClient({ ...config.speech.google }));
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
}

/**
 * The designer's built files at `/`, with index.html for every other non-API path (client-side routes).
 * designer/dist is built with Vite on first start if missing; a designerDir from the config must be built already.
 */
async function serveDesigner(app: express.Express, designerDir: string | undefined, logger: EngineLogger): Promise<void> {
  const dist = designerDir ?? join(REPO, 'designer', 'dist');
  if (designerDir === undefined && !existsSync(join(dist, 'index.html'))) {
    logger.info(`designer: ${dist} is missing; building it with Vite (once)…`);
    try {
      const { build } = await import('vite');
      await build({ configFile: join(REPO, 'designer', 'vite.config.ts'), logLevel: 'warn' });
    } catch (error) {
      logger.warn(`designer: could not build it (${(error as Error).message}); build it with: npx vite build --config designer/vite.config.ts`);
    }
  }
  if (!existsSync(join(dist, 'index.html'))) {
    logger.warn(`designer: no index.html in ${dist}; serving the API only`);
    app.get('/', (_req, res) => {
      res.type('text/plain').send('frontdoor is running. The designer is not built: npx vite build --config designer/vite.config.ts\n');
    });
    return;
  }
  app.use(express.static(dist, { index: 'index.html', maxAge: '1h' }));
  app.get(/^\/(?!api\/|api$|metrics$).*/, (_req, res) => res.sendFile(join(dist, 'index.html')));
}
