/**
 * A running API for tests: the express app and the test-call websocket on a real HTTP server
 * (port 0), one user and one API token per role, and a small fetch client. Tests talk real HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ENGINE_INSTANCE_ID } from '../../adapters/storage/postgres/test-databases.js';
import { argon2Passwords, testPasswordOptions } from '../../auth/passwords.js';
import { roles, type Role } from '../../auth/roles.js';
import { newApiToken, secretHash } from '../../auth/secrets.js';
import type { Store } from '../../ports/store.js';
import { createApi, type ApiDeps } from '../create-api.js';
import { attachTestCallSocket } from '../test-call-socket.js';
import { attachDeskSocket } from '../desk-socket.js';
import { DeskLegRegistry } from '../../desk/desk-legs.js';
import { DeskService } from '../../desk/desk-service.js';
import { SystemClock } from '../../adapters/clock/system-clock.js';
import { simulatedStandIns } from '../../adapters/telephony/simulator/simulated-ports.js';
import { EngineAcd } from '../../queue/engine-acd.js';
import { defaultWorld } from '../../adapters/telephony/simulator/world.js';
import { SimulatedOutboundCalls } from '../../adapters/telephony/simulator/simulated-outbound-calls.js';
import { createEngineCalls } from '../../calls/engine-calls.js';
import type { ApiLogger } from '../context.js';
import type { AnyRoute } from '../route.js';

export const passwordOf = (role: Role) => `correct horse battery ${role}`;

export interface CallOptions {
  /** Sign in as this role (default: anonymous). */
  as?: Role;
  /** With the role's session cookie (default) or API token. */
  via?: 'cookie' | 'token';
  /** JSON body. */
  body?: unknown;
  /** A body sent as it is (with `contentType`). */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  /** Parsed JSON body when there is one. */
  json: any;
}

export interface RunningApi {
  base: string;
  /** The agent desk as this API serves it (its legs ring for test calls offered to real advisers). */
  desk: { service: DeskService; legs: DeskLegRegistry };
  store: Store;
  server: Server;
  engineInstanceId: string;
  /** Every route the app serves. */
  routes: readonly AnyRoute[];
  users: Record<Role, { id: string; cookie: string; token: string }>;
  /** Errors the API logged (unexpected 500s). */
  logged: unknown[];
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  login(username: string, password: string, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export async function startTestApi(store: Store, deps: Partial<ApiDeps> = {}): Promise<RunningApi> {
  const passwords = argon2Passwords(testPasswordOptions);
  const logged: unknown[] = [];
  const logger: ApiLogger = { info: () => undefined, error: (message, error) => logged.push({ message, error }) };
  const engineInstanceId = TEST_ENGINE_INSTANCE_ID;
  const deskLegs = new DeskLegRegistry();
  const desk = {
    legs: deskLegs,
    service: new DeskService({
      store,
      now: () => Date.now(),
      engineInstanceId,
      legs: deskLegs,
      logger: { info: () => undefined, warn: () => undefined, error: logger.error },
      settings: { offlineGraceSeconds: 60, previousCallsDays: 30 },
      pollMs: 200,
    }),
  };
  const allDeps: ApiDeps & { desk: typeof desk } = {
    store,
    passwords,
    logger,
    desk,
    ttsCacheDir: mkdtempSync(join(tmpdir(), 'frontdoor-api-tts-')),
    ...deps,
  };
  const app = createApi(allDeps);
  const server = createServer(app);
  // The engine's calls as main.ts builds them, with the simulated world's adapters in place of real ones.
  const clock = new SystemClock();
  const engineLogger = { info: () => undefined, warn: () => undefined, error: logger.error };
  const acd = new EngineAcd({ store, clock, engineInstanceId, logger: engineLogger, sweepMs: 0 });
  const calls = await createEngineCalls({
    store,
    logger: engineLogger,
    adapters: { clock, ...simulatedStandIns(defaultWorld(), clock), queue: acd.phone },
    outbound: new SimulatedOutboundCalls(defaultWorld(), clock),
  });
  const testCalls = attachTestCallSocket(server, { ...allDeps, engineInstanceId, calls, acd });
  const deskSocket = attachDeskSocket(server, allDeps);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { origin: base, ...options.headers };
    if (options.as) {
      const user = users[options.as];
      if (options.via === 'token') headers.authorization = `Bearer ${user.token}`;
      else headers.cookie = user.cookie;
    }
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (options.raw !== undefined) {
      body = typeof options.raw === 'string' ? options.raw : new Uint8Array(options.raw);
      if (options.contentType) headers['content-type'] = options.contentType;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let json: unknown;
    if (/json/.test(contentType) && text) json = JSON.parse(text);
    return { status: response.status, headers: response.headers, contentType, text, json };
  }

  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    call('POST', '/api/auth/login', { body: { username, password }, headers });

  const users = {} as RunningApi['users'];
  for (const role of roles) {
    const created = await store.users.create({ username: role, passwordHash: await passwords.hash(passwordOf(role)), role }, 'system:test');
    // Another API started on the same store earlier made the user already: use it.
    const user = created.kind === 'created' ? created.user : await store.users.byUsername(role);
    if (!user) throw new Error(`could not create the ${role} test user`);
    const token = newApiToken();
    await store.apiTokens.create({ name: `${role}-token`, userId: user.id, tokenHash: secretHash(token), prefix: token.slice(0, 7) }, 'system:test');
    users[role] = { id: user.id, cookie: '', token };
  }
  for (const role of roles) {
    const reply = await login(role, passwordOf(role));
    const setCookie = reply.headers.get('set-cookie');
    if (reply.status !== 200 || !setCookie) throw new Error(`could not sign in as ${role}: ${reply.status} ${reply.text}`);
    users[role].cookie = setCookie.split(';')[0]!;
  }

  return {
    base,
    desk,
    store,
    server,
    engineInstanceId,
    routes: app.routes,
    users,
    logged,
    call,
    login,
    async close() {
      await testCalls.close();
      await acd.close();
      await deskSocket.close();
      await desk.service.close();
      calls.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A small valid flow: welcome prompt, then goodbye. */
export function sampleFlow(id: string, welcome = 'Welcome to the council.') {
  return {
    schemaVersion: 1,
    id,
    name: `Flow ${id}`,
    entry: 'welcome',
    nodes: [
      { id: 'welcome', kind: 'play', version: 1, params: { prompt: { text: { 'en-GB': welcome } } }, ui: { x: 0, y: 0 } },
      { id: 'bye', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Goodbye.' } } }, ui: { x: 0, y: 100 } },
    ],
    edges: [{ id: 'e1', from: 'welcome', outcome: 'done', to: 'bye' }],
  };
}

/** Headers of a WAV file with a little silence: enough for the RIFF/WAVE check. */
export function wav(bytes = 1600): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + bytes, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(bytes, 40);
  return Buffer.concat([header, Buffer.alloc(bytes)]);
}
