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
import { lineLogger } from './adapters/logging/line-logger.js';
import { unhandledErrors } from './metrics.js';
import { ANY_NETWORK, FetchHttpClient } from './adapters/http/fetch-http-client.js';
import { PocketSphinxRecognizer } from './adapters/speech/offline/pocketsphinx-recognizer.js';
import { openDatabase } from './adapters/storage/postgres/database.js';
import { migrate } from './adapters/storage/postgres/migrate.js';
import { createPostgresStore } from './adapters/storage/postgres/postgres-store.js';
import type { TelephonyService } from './adapters/telephony/drachtio/start-telephony.js';
import { createApi } from './api/create-api.js';
import { securityHeaders } from './api/security-headers.js';
import { attachTestCallSocket } from './api/test-call-socket.js';
import { attachWallboardSocket } from './api/wallboard-socket.js';
import { Reporting } from './reporting/reporting.js';
import { pinoLogger } from './adapters/logging/pino-logger.js';
import { countingErrors, registerLiveMetrics } from './metrics.js';
import { attachDeskSocket } from './api/desk-socket.js';
import { DeskLegRegistry } from './desk/desk-legs.js';
import { DeskService } from './desk/desk-service.js';
import { ListenInRelay } from './desk/listen-in-relay.js';
import { AssistedPayments } from './desk/assisted-payments.js';
import { webrtcCredentials } from './desk/webrtc-credentials.js';
import { loadConfig, type FrontdoorConfig, type FrontdoorConfigInput } from './config/config.js';
import { createEngineCalls } from './calls/engine-calls.js';
import { MediaUrls } from './calls/media-urls.js';
import { phoneCallHandler, refusedCallRecorder } from './calls/phone-calls.js';
import { EngineAcd } from './queue/engine-acd.js';
import { mediaRouter } from './api/media-route.js';
import { EngineError } from './core/engine-error.js';
import type { EngineLogger } from './ports/logger.js';
import type { PaymentGateway } from './ports/payment-gateway.js';
import type { Recognizer } from './ports/recognizer.js';
import { espeakRenderer } from './tts/espeak-tts.js';
import type { Store } from './ports/store.js';
import { seedExamples, seedQueues } from './seed-examples.js';
import { redactingLogger } from './logging.js';
import { pay360Settings } from './adapters/payments/pay360/config.js';
import { startSharedFakePay360 } from './adapters/payments/pay360/fake/stand-in.js';
import { Pay360Gateway } from './adapters/payments/pay360/pay360-gateway.js';
import { ensureFirstAdmin } from './first-admin.js';
import { argon2Passwords } from './auth/passwords.js';
import { loadSecretsKey, SecretVault } from './auth/secret-vault.js';

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
  /** The database it uses (the embedded one's local socket address included), e.g. for scripts/leak-scan.ts. */
  databaseUrl: string;
  config: FrontdoorConfig;
  store: Store;
  engineInstanceId: string;
  /** The agent desk this engine serves (its legs ring for test calls offered to real advisers). */
  desk: { service: DeskService; legs: DeskLegRegistry; payments: AssistedPayments };
  close(): Promise<void>;
}

/** Timestamped lines, written once per turn of the event loop; flushed before the process exits. */
const consoleLogger = lineLogger();
process.on('exit', () => consoleLogger.flush());

export async function start(options: StartOptions = {}): Promise<RunningEngine> {
  const config = loadConfig({ file: options.configFile, env: options.env ?? process.env, overrides: options.overrides });
  // Everything the engine logs passes the redaction layer once, here; errors are counted for /metrics.
  const logger = countingErrors(
    redactingLogger(options.logger ?? (config.logging.format === 'json' ? pinoLogger({ level: config.logging.level, base: { engine: config.engine.name } }) : consoleLogger)),
  );
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
        ? `database: embedded PostgreSQL (PGlite) in ${join(config.database.dataDir, 'pglite')}, opened in ${database.startupMs} ms; tools on this machine reach it at ${database.url}`
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
    await seedQueues(store, options.flowsDir ?? join(REPO, 'flows'), logger);
    await ensureFirstAdmin(store, argon2Passwords(), options.env ?? process.env, logger);

    const secretsKey = loadSecretsKey(config.secrets.keyFile);
    if (secretsKey.created) {
      const shared = config.database.url ? ': copy it to every other engine that shares this database (secrets.keyFile)' : '';
      logger.info(`secrets: made a new key in ${config.secrets.keyFile} (keep it with your backups${shared})`);
    }
    for (const warning of secretsKey.warnings) logger.warn(warning);
    const secrets = new SecretVault(store.secrets, secretsKey.key, (name) =>
      logger.error(`secret ${name} cannot be opened with the key in ${config.secrets.keyFile}: every engine sharing a database needs the same key file`),
    );

    let listeningPort = config.http.port;
    const mediaUrls = config.telephony ? new MediaUrls(() => mediaBaseUrl(config, listeningPort)) : undefined;
    const phoneSpeech = { kind: config.speech?.recognizer ?? 'offline', recognizer: await recognizer(config) } as const;
    if (phoneSpeech.recognizer instanceof PocketSphinxRecognizer) cleanups.push(() => (phoneSpeech.recognizer as PocketSphinxRecognizer).close());
    const clock = new SystemClock();
    const payments = await startPayments(config, clock, logger);
    cleanups.push(() => payments.close());
    // The ACD: this engine's queue port, dispatch and safety sweeps, and a realm per designer test call.
    const acd = new EngineAcd({ store, clock, engineInstanceId, logger, sweepMs: config.acd.sweepSeconds * 1000 });
    cleanups.push(() => acd.close());
    const calls = await createEngineCalls({
      store,
      logger,
      adapters: {
        clock,
        speech: phoneSpeech.recognizer,
        payments: payments.phoneCalls,
        queue: acd.phone,
        http: new FetchHttpClient({
          allowedHosts: config.dataDips.allowedHosts,
          allowedNetworks: config.dataDips.allowedNetworks,
          maxBodyBytes: config.dataDips.maxResponseBytes,
        }),
        secrets,
      },
      ...(mediaUrls ? { mediaServerRecording: mediaUrls.recording } : {}),
    });
    cleanups.push(() => calls.close());
    const reporting = new Reporting({
      store,
      clock,
      logger,
      rollupEveryMs: config.reports.rollupEveryMinutes * 60_000,
      rollup: { settleMinutes: config.reports.settleMinutes },
    });
    reporting.startRollups();
    cleanups.push(() => reporting.close());
    registerLiveMetrics({
      wallboard: () => reporting.wallboard.current(),
      database: () => store.health(),
      ...(config.telephony ? { telephony: () => ({ ...telephony?.status() }) } : {}),
    });
    let telephony: TelephonyService | undefined;
    const deskLegs = new DeskLegRegistry();
    // Advisers' "take payment" on calls this engine runs: their desks follow the payment (assisted-payments.ts).
    const assistedPayments: AssistedPayments = new AssistedPayments({ running: calls.running, now: () => Date.now(), logger, onChange: (agentId) => desk.service.notify(agentId) });
    const desk = {
      legs: deskLegs,
      payments: assistedPayments,
      service: new DeskService({ store, now: () => Date.now(), engineInstanceId, legs: deskLegs, logger, settings: config.desk, payments: assistedPayments }),
    };
    cleanups.push(() => desk.service.close());
    // Supervisors listen in through any engine; the engine holding the call rings them in (telephony, below).
    const listenIn = new ListenInRelay({ store, engineInstanceId, logger });
    cleanups.push(() => listenIn.close());
    const apiDeps = {
      desk,
      listenIn,
      store,
      telephonyStatus: config.telephony ? () => ({ ...telephony?.status() }) : undefined,
      activeCalls: () => telephony?.status().activeCalls ?? 0,
      logger: { info: logger.info, error: logger.error },
      engineInstanceId,
      allowedOrigins: config.http.allowedOrigins,
      trustProxy: config.http.trustProxy,
      secureCookies: config.http.secureCookies,
      // The engine's own folder, never a shared /tmp path someone else could plant files in.
      ttsCacheDir: join(config.database.dataDir, 'tts-cache'),
      secretsKey: secretsKey.key,
      reporting,
      phoneSpeech,
      testCallPay360: payments.testCalls,
      paymentNotified: payments.notified,
    };
    const app = express();
    app.disable('x-powered-by');
    app.use(securityHeaders({ secureCookies: config.http.secureCookies, sipWebsocketUrl: config.desk.webrtc?.websocketUrl }));
    if (mediaUrls) {
      const mediaSpeech = espeakRenderer({ cacheDir: join(config.database.dataDir, 'tts-phone'), sampleRateHz: 8000 });
      app.use(mediaRouter({ urls: mediaUrls, store, tts: mediaSpeech, logger }));
    }
    app.use(createApi(apiDeps));
    await serveDesigner(app, config.http.designerDir, logger);
    const server = createServer(app);
    const testCalls = attachTestCallSocket(server, { ...apiDeps, calls, acd });
    cleanups.push(() => testCalls.close());
    const wallboard = attachWallboardSocket(server, apiDeps);
    cleanups.push(() => wallboard.close());
    const deskSocket = attachDeskSocket(server, apiDeps);
    cleanups.push(() => deskSocket.close());
    await listen(server, config.http.host, config.http.port);
    cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
    cleanups.push(() => void server.closeAllConnections());
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    listeningPort = port;
    const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    const url = `http://${host}:${port}`;
    console.log(`frontdoor is running at ${url}`);

    if (config.telephony) {
      // Loaded only when configured: drachtio-srf and drachtio-fsmrf are not needed for the designer alone.
      const { startTelephony } = await import('./adapters/telephony/drachtio/start-telephony.js');
      telephony = await startTelephony(config.telephony, {
        onCall: phoneCallHandler({ flows: calls.flows, ports: calls.ports.phone, engineInstanceId, logger, log: calls.log, running: calls.running }),
        onRefused: refusedCallRecorder({ log: calls.log, engineInstanceId }),
        logger,
        registrations: store.registrations,
        engineInstanceId,
        ...(mediaUrls ? { speechFor: (text: string, language: string) => mediaUrls.speech(text, language) } : {}),
        // Browser phones on the desk register with the password the desk hands them (telephony.agents.useAgentsTable).
        ...(config.desk.webrtc ? { lookupAgent: webrtcCredentials(store.agents, config.desk.webrtc.secret) } : {}),
        onListenIn: (event) => void listenIn.record(event),
      });
      listenIn.attach(telephony.listenIn);
      cleanups.push(() => telephony?.close());
      calls.outbound.attach(telephony.outbound);
      // Callbacks need a trunk: this engine works them once its calls can be placed.
      acd.placeCallsWith(calls.outbound);
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
      // The last resort, not the fix: a library's stray rejection or exception (each known one is
      // guarded where it starts) is logged and counted, and the engine keeps answering calls.
      process.on('unhandledRejection', (reason) => {
        unhandledErrors.inc({ kind: 'rejection' });
        logger.error('a promise was rejected and nothing handled it; the engine keeps serving (please report this)', reason);
      });
      process.on('uncaughtException', (error) => {
        unhandledErrors.inc({ kind: 'exception' });
        logger.error('an exception reached the top of the event loop; the engine keeps serving (please report this)', error);
      });
    }
    return { url, databaseUrl: database.url, config, store, engineInstanceId, desk, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Card payments on real calls with no payment service configured: the payment node takes its error exit
 * (never a stand-in: real callers' cards must only ever be keyed into the real Pay360).
 */
const UNCONFIGURED_PAYMENTS: PaymentGateway = {
  start: async (request) => ({
    kind: 'finished',
    result: { status: 'error', reason: 'not-configured', currency: request.currency, reference: request.reference, merchantReference: request.merchantReference },
  }),
  awaitResult: async (session) => ({ status: 'error', reason: 'not-configured', currency: 'GBP', reference: session.reference, merchantReference: session.merchantReference }),
};

/**
 * Card payments: real calls go to the configured Pay360 (or take the payment node's error exit when
 * none is configured), and the designer's test calls pay into the engine's own fake Pay360 on this
 * machine, never the real one.
 */
async function startPayments(config: FrontdoorConfig, clock: SystemClock, logger: EngineLogger) {
  const testCalls = await startSharedFakePay360(clock);
  const pay360 = config.payments.pay360;
  if (!pay360) {
    logger.info('payments: Pay360 is not configured (payments.pay360): payments on real calls take the error exit; test calls use a fake Pay360');
    return { phoneCalls: UNCONFIGURED_PAYMENTS, testCalls, notified: () => undefined, close: () => testCalls.close() };
  }
  const settings = pay360Settings(pay360);
  const gateway = new Pay360Gateway(new FetchHttpClient({ allowedHosts: [new URL(settings.baseUrl).hostname], allowedNetworks: [...ANY_NETWORK] }), clock, settings, logger);
  logger.info(`payments: Pay360 installation ${settings.installationId} at ${settings.baseUrl}`);
  return { phoneCalls: gateway, testCalls, notified: (sessionId: string) => gateway.notified(sessionId), close: () => testCalls.close() };
}

/** This engine's HTTP address as the media servers reach it (telephony.mediaBaseUrl, else derived). */
function mediaBaseUrl(config: FrontdoorConfig, port: number): string {
  const telephony = config.telephony!;
  if (telephony.mediaBaseUrl) return telephony.mediaBaseUrl.replace(/\/$/, '');
  const host = telephony.mediaServers[0]?.advertisedAddress ?? config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
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
