import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'frontdoor-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on defaults with no file: embedded database under ./data, 127.0.0.1:8080', () => {
    const config = loadConfig({ env: {} });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080, allowedOrigins: [], trustProxy: false, secureCookies: false });
    expect(config.dataDips).toEqual({ allowedHosts: [], allowedNetworks: [], maxResponseBytes: 1024 * 1024 });
    expect(config.secrets.keyFile).toBe(resolve('data', 'secrets.key'));
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe(resolve('data'));
    expect(config.engine.name.length).toBeGreaterThan(0);
    expect(config.telephony).toBeUndefined();
  });

  it('reads YAML, and the environment overrides the file', () => {
    const path = file('a.yaml', 'http:\n  port: 9000\n  host: 0.0.0.0\ndatabase:\n  dataDir: /var/lib/frontdoor\nengine:\n  name: engine-a\n');
    expect(loadConfig({ file: path, env: {} })).toMatchObject({
      http: { host: '0.0.0.0', port: 9000 },
      database: { dataDir: '/var/lib/frontdoor' },
      engine: { name: 'engine-a' },
    });
    const config = loadConfig({
      env: { FRONTDOOR_CONFIG: path, PORT: '9100', DATABASE_URL: 'postgres://fd@db/frontdoor', FRONTDOOR_DATA_DIR: '/tmp/x', HOST: '::1' },
    });
    expect(config.http).toMatchObject({ host: '::1', port: 9100 });
    expect(config.database).toMatchObject({ url: 'postgres://fd@db/frontdoor', dataDir: '/tmp/x' });
  });

  it('reads JSON and validates the telephony section with its own schema', () => {
    const path = file('t.json', JSON.stringify({ telephony: { drachtio: {}, mediaServers: [] } }));
    const problems = problemsOf(() => loadConfig({ file: path, env: {} }));
    expect(problems.some((p) => p.startsWith('telephony.'))).toBe(true);
  });

  it('names every bad key path', () => {
    const path = file('bad.yaml', 'http:\n  port: 70000\ndatabase:\n  url: mysql://x\n  poolSize: 1\nsurprise: true\n');
    const problems = problemsOf(() => loadConfig({ file: path, env: {} }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'http.port: expected a port from 0 to 65535',
        'database.url: expected a postgres:// or postgresql:// URL',
        'database.poolSize: must be at least 2',
      ]),
    );
    expect(problems.some((p) => p.includes('surprise'))).toBe(true);
  });

  it('reads the settings for running behind a reverse proxy, data dip networks and the secrets key (issue 9)', () => {
    const path = file(
      'proxy.yaml',
      'http:\n  allowedOrigins: [https://frontdoor.westshire.gov.uk]\n  trustProxy: [loopback, 10.0.0.0/8]\n  secureCookies: true\n' +
        'dataDips:\n  allowedNetworks: [10.20.0.0/16]\nsecrets:\n  keyFile: /etc/frontdoor/secrets.key\n',
    );
    expect(loadConfig({ file: path, env: {} })).toMatchObject({
      http: { allowedOrigins: ['https://frontdoor.westshire.gov.uk'], trustProxy: ['loopback', '10.0.0.0/8'], secureCookies: true },
      dataDips: { allowedNetworks: ['10.20.0.0/16'] },
      secrets: { keyFile: '/etc/frontdoor/secrets.key' },
    });
    expect(loadConfig({ env: { FRONTDOOR_SECRETS_KEY_FILE: '/run/key' } }).secrets.keyFile).toBe('/run/key');
    const bad = file('bad-proxy.yaml', 'http:\n  allowedOrigins: [https://x.example/path]\ndataDips:\n  allowedNetworks: [10.20.0.0/99]\n');
    expect(problemsOf(() => loadConfig({ file: bad, env: {} }))).toEqual([
      'http.allowedOrigins[0]: expected an origin like https://frontdoor.council.gov.uk (scheme, host and port only)',
      'dataDips.allowedNetworks[0]: expected an address range like 10.20.0.0/16 or fd00::/8',
    ]);
  });

  it('says what is wrong with the file itself and with PORT', () => {
    expect(problemsOf(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }))).toEqual(['the config file does not exist']);
    expect(problemsOf(() => loadConfig({ file: file('list.yaml', '- 1\n- 2\n'), env: {} }))).toEqual(['expected a mapping of settings at the top level']);
    expect(problemsOf(() => loadConfig({ file: file('broken.yaml', 'http: [\n'), env: {} }))[0]).toMatch(/^not valid YAML or JSON/);
    expect(problemsOf(() => loadConfig({ env: { PORT: 'eighty' } }))).toEqual(['PORT: expected a whole number, got "eighty"']);
  });
});
