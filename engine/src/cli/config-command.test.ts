import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runConfigCommand } from './config-command.js';

const fixtures = fileURLToPath(new URL('../adapters/telephony/drachtio/testing/', import.meta.url));
const cert = join(fixtures, 'sbc-test.cert.pem');
const key = join(fixtures, 'sbc-test.key.pem');

function io() {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, stdin: process.stdin },
    out: () => out,
    err: () => err,
  };
}

function configFile(telephony: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'frontdoor-config-'));
  const file = join(dir, 'frontdoor.json');
  writeFileSync(file, JSON.stringify({ telephony }));
  return file;
}

const base = { drachtio: { secret: 'cymru' }, mediaServers: [{ name: 'fs1', host: '127.0.0.1' }] };
const teams = (tls: { certificate: string; key: string }, sbcFqdn = 'sbc.council.example') => ({ ...base, teams: { enabled: true, sbcFqdn, tls } });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('frontdoor config check', () => {
  it('passes a good file and says what it configures', async () => {
    const t = io();
    const file = configFile(teams({ certificate: cert, key }));
    expect(await runConfigCommand(['check', file], t.io, {})).toBe(0);
    expect(t.out()).toContain(`${file}: OK — embedded database in`);
    expect(t.out()).toContain('1 media server(s), 0 trunk(s), 0 phone user(s), Teams Direct Routing as sbc.council.example');
  });

  it('names a bad key with its path', async () => {
    const t = io();
    const file = configFile({ ...base, trunks: [{ name: 'bt', outbound: { host: 'sip.bt.example', port: 99999 } }] });
    expect(await runConfigCommand(['check', file], t.io, {})).toBe(1);
    expect(t.out()).toBe(`${file}: telephony.trunks[0].outbound.port: expected a port from 1 to 65535\n`);
  });

  it('reports a missing certificate file, a certificate for another name and a key that does not match', async () => {
    const missing = io();
    expect(await runConfigCommand(['check', configFile(teams({ certificate: '/nowhere/cert.pem', key }))], missing.io, {})).toBe(1);
    expect(missing.out()).toContain('telephony.teams.tls.certificate: cannot read /nowhere/cert.pem (ENOENT)');

    const wrongName = io();
    expect(await runConfigCommand(['check', configFile(teams({ certificate: cert, key }, 'sbc.other.example'))], wrongName.io, {})).toBe(1);
    expect(wrongName.out()).toContain('telephony.teams.tls.certificate: not issued for sbc.other.example (subject CN=sbc.council.example)');

    const wrongKey = io();
    expect(await runConfigCommand(['check', configFile(teams({ certificate: cert, key: cert }))], wrongKey.io, {})).toBe(1);
    expect(wrongKey.out()).toMatch(/telephony\.teams\.tls\.key: .* is not a PEM private key/);
  });

  it('with --connect, reports an unreachable media server and drachtio-server clearly', async () => {
    const port = await freePort();
    const t = io();
    const file = configFile({ drachtio: { host: '127.0.0.1', port, secret: 's' }, mediaServers: [{ name: 'fs1', host: '127.0.0.1', eventSocketPort: port }] });
    expect(await runConfigCommand(['check', file, '--connect'], t.io, {})).toBe(1);
    expect(t.out()).toContain(`telephony.drachtio: drachtio-server admin port unreachable at 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(t.out()).toContain(`telephony.mediaServers[0]: media server fs1 event socket unreachable at 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('explains its usage and a missing file', async () => {
    const t = io();
    expect(await runConfigCommand(['lint'], t.io, {})).toBe(2);
    expect(t.err()).toContain('usage: frontdoor config check');
    const m = io();
    expect(await runConfigCommand(['check', '/nowhere/frontdoor.yaml'], m.io, {})).toBe(1);
    expect(m.out()).toBe('/nowhere/frontdoor.yaml: the config file does not exist\n');
  });
});
