/**
 * The real product for browser tests: the designer build and the engine's `start()`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const repo = resolve(import.meta.dirname, '../..');
const designer = join(repo, 'designer');

export interface RunningProduct {
  url: string;
  /** True when the tests use an engine they did not start (its users already exist). */
  external?: boolean;
  createAdmin?(username: string, password: string): Promise<void>;
  /** The engine itself, when the tests started it in this process. */
  engine?: import('../../engine/src/main.js').RunningEngine;
  /** A user with any role, made through the engine's Store. */
  createUser?(username: string, password: string, role: 'viewer' | 'payments' | 'designer' | 'publisher' | 'admin'): Promise<void>;
  close(): Promise<void>;
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Build designer/dist with Vite when it is missing or older than the designer's or the core's sources. */
export async function ensureDesignerBuilt(): Promise<void> {
  const built = join(designer, 'dist', 'index.html');
  const sources = Math.max(newest(join(designer, 'src')), newest(join(repo, 'engine', 'src', 'core')), statSync(join(designer, 'index.html')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  await build({ configFile: join(designer, 'vite.config.ts'), logLevel: 'warn' });
}

/** The engine as `npm start` runs it: embedded PostgreSQL under `dataDir`, a free port on 127.0.0.1. */
export async function startProduct(dataDir: string): Promise<RunningProduct> {
  // Against an engine already running elsewhere (its admin must exist): FRONTDOOR_E2E_URL=http://…
  const external = process.env.FRONTDOOR_E2E_URL;
  if (external) return { url: external, close: async () => undefined, external: true };
  const { start } = await import('../../engine/src/main.js');
  const quiet = { info: () => undefined, warn: () => undefined, error: (message: string, error?: unknown) => console.error(message, error) };
  const engine = await start({
    env: { FRONTDOOR_DATA_DIR: dataDir },
    overrides: { http: { host: '127.0.0.1', port: 0 } },
    handleSignals: false,
    logger: quiet,
  });
  const createUser: NonNullable<RunningProduct['createUser']> = async (username, password, role) => {
    const { argon2Passwords } = await import('../../engine/src/auth/passwords.js');
    const created = await engine.store.users.create({ username, passwordHash: await argon2Passwords().hash(password), role }, 'system:e2e');
    if (created.kind !== 'created') throw new Error(`Could not create the ${role} ${username}: ${created.kind}`);
  };
  return {
    url: engine.url,
    engine,
    close: () => engine.close(),
    createAdmin: (username, password) => createUser(username, password, 'admin'),
    createUser,
  };
}

/** Create an admin for the test through the engine's Store (the embedded database admits one process at a time). */
export async function createAdmin(product: RunningProduct, username: string, password: string): Promise<void> {
  await product.createAdmin?.(username, password);
}
