/**
 * vitest globalSetup: a private, throwaway PostgreSQL 15 server for the test run, so every storage and
 * API test runs against real PostgreSQL as well as the embedded PGlite. initdb into a temp dir (as the
 * postgres user when running as root), pg_ctl start on 127.0.0.1 on a free port with fsync off, export
 * FRONTDOOR_TEST_PG_URL, stop and delete it afterwards. Without Debian's postgresql-15 the real-server
 * runs are skipped, and it says so. A FRONTDOOR_TEST_PG_URL already set is used as it is.
 * `startPrivatePostgres` gives a test a server of its own (one it may stop and start: the database
 * outage test), started the same way.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs a PostgreSQL binary, as the postgres user when we are root (PostgreSQL refuses to run as root). */
function run(binary: string, args: string[]): void {
  const command = join(BIN, binary);
  if (userInfo().uid === 0) {
    const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { stdio: 'pipe' });
  } else {
    execFileSync(command, args, { stdio: 'pipe' });
  }
}

/** A throwaway PostgreSQL 15 server of our own: initdb'd into a temp dir, on 127.0.0.1 and a free port. */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** Stop it ("fast": sessions are ended with 57P01, as when an administrator stops PostgreSQL). */
  stop(mode?: 'fast' | 'immediate'): void;
  /** Start it again on the same data and port. */
  start(): void;
  /** Stop it (if running) and delete its files. */
  dispose(): void;
}

/** Can this machine run a private server (Debian's postgresql-15)? */
export const canRunPrivatePostgres = (): boolean => existsSync(join(BIN, 'initdb'));

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'frontdoor-pg-'));
  const dataDir = join(dir, 'data');
  if (userInfo().uid === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const start = () =>
    run('pg_ctl', ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`, 'start']);
  let running = false;
  try {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    start();
    running = true;
  } catch (error) {
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`[test-postgres] could not start the private PostgreSQL 15 server: ${output}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop(mode = 'fast') {
      run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
      running = false;
    },
    start() {
      start();
      running = true;
    },
    dispose() {
      try {
        if (running) run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.FRONTDOOR_TEST_PG_URL) {
    console.info(`[test-postgres] using the PostgreSQL server at FRONTDOOR_TEST_PG_URL`);
    return undefined;
  }
  if (!canRunPrivatePostgres()) {
    console.warn(
      `[test-postgres] ${BIN}/initdb not found: the real-PostgreSQL runs of the storage and API tests are SKIPPED (embedded only). Install postgresql-15 (scripts/ensure-test-deps.sh) to run them.`,
    );
    return undefined;
  }
  const started = performance.now();
  const server = await startPrivatePostgres();
  process.env.FRONTDOOR_TEST_PG_URL = server.url;
  console.info(`[test-postgres] private PostgreSQL 15 on 127.0.0.1:${server.port} (started in ${Math.round(performance.now() - started)} ms)`);
  return () => {
    try {
      server.dispose();
    } finally {
      delete process.env.FRONTDOOR_TEST_PG_URL;
    }
  };
}
