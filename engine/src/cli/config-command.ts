import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { ConfigError, loadConfig, type FrontdoorConfig } from '../config/config.js';
import { EXIT, line, type CliIo } from './io.js';

const USAGE = 'usage: frontdoor config check [file] [--connect]   (file defaults to $FRONTDOOR_CONFIG)';

const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

/**
 * `frontdoor config check [file] [--connect]`: validates the config file (every bad key named with
 * its path), checks the Teams TLS certificate and key (present, PEM, matching each other and the
 * SBC FQDN, not expired), and with --connect tries a TCP connection to drachtio-server and each
 * media server's event socket. Exit 0 when all is well, 1 when something is wrong, 2 on bad usage.
 */
export async function runConfigCommand(argv: readonly string[], io: CliIo = processIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'check') {
    line(io.stderr, USAGE);
    return EXIT.unreadable;
  }
  const connect = rest.includes('--connect');
  const files = rest.filter((a) => !a.startsWith('--'));
  const unknownFlags = rest.filter((a) => a.startsWith('--') && a !== '--connect');
  if (files.length > 1 || unknownFlags.length) {
    line(io.stderr, USAGE);
    return EXIT.unreadable;
  }
  const file = files[0] ?? env.FRONTDOOR_CONFIG;
  let config: FrontdoorConfig;
  try {
    config = loadConfig({ ...(file ? { file } : {}), env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) line(io.stdout, `${error.source}: ${problem}`);
    return EXIT.failed;
  }
  const source = file ?? 'defaults';
  const problems = [...checkTeamsCertificate(config)];
  if (connect) problems.push(...(await checkReachable(config)));
  for (const problem of problems) line(io.stdout, `${source}: ${problem}`);
  if (problems.length) return EXIT.failed;
  line(io.stdout, `${source}: OK — ${describe(config)}`);
  return EXIT.ok;
}

function describe(config: FrontdoorConfig): string {
  const t = config.telephony;
  const database = config.database.url ? 'PostgreSQL' : `embedded database in ${config.database.dataDir}`;
  if (!t) return `${database}; no telephony (simulated calls only)`;
  const teams = t.teams?.enabled ? `, Teams Direct Routing as ${t.teams.sbcFqdn}` : '';
  return `${database}; drachtio ${t.drachtio.host}:${t.drachtio.port}, ${t.mediaServers.length} media server(s), ${t.trunks.length} trunk(s), ${t.agents.users.length} phone user(s)${teams}`;
}

function checkTeamsCertificate(config: FrontdoorConfig): string[] {
  const teams = config.telephony?.teams;
  if (!teams?.enabled) return [];
  const problems: string[] = [];
  const read = (path: string, key: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      problems.push(`telephony.teams.tls.${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return undefined;
    }
  };
  const certPem = read(teams.tls.certificate, 'certificate');
  const keyPem = read(teams.tls.key, 'key');
  let cert: X509Certificate | undefined;
  if (certPem !== undefined) {
    try {
      cert = new X509Certificate(certPem);
    } catch (error) {
      problems.push(`telephony.teams.tls.certificate: ${teams.tls.certificate} is not a PEM certificate (${(error as Error).message})`);
    }
  }
  if (cert) {
    if (!cert.checkHost(teams.sbcFqdn)) problems.push(`telephony.teams.tls.certificate: not issued for ${teams.sbcFqdn} (subject ${cert.subject.replace(/\n/g, ', ')})`);
    if (new Date(cert.validTo).getTime() < Date.now()) problems.push(`telephony.teams.tls.certificate: expired on ${cert.validTo}`);
  }
  if (keyPem !== undefined) {
    try {
      const key = createPrivateKey(keyPem);
      if (cert && !cert.checkPrivateKey(key)) problems.push(`telephony.teams.tls.key: does not match the certificate ${teams.tls.certificate}`);
    } catch (error) {
      problems.push(`telephony.teams.tls.key: ${teams.tls.key} is not a PEM private key (${(error as Error).message})`);
    }
  }
  return problems;
}

/** TCP reachability of drachtio-server and each FreeSWITCH event socket. */
async function checkReachable(config: FrontdoorConfig): Promise<string[]> {
  const t = config.telephony;
  if (!t) return [];
  const targets = [
    { key: 'telephony.drachtio', host: t.drachtio.host, port: t.drachtio.port, what: 'drachtio-server admin port' },
    ...t.mediaServers.map((m, i) => ({ key: `telephony.mediaServers[${i}]`, host: m.host, port: m.eventSocketPort, what: `media server ${m.name} event socket` })),
  ];
  const results = await Promise.all(targets.map(async (target) => ({ target, error: await tryConnect(target.host, target.port) })));
  return results.filter((r) => r.error).map(({ target, error }) => `${target.key}: ${target.what} unreachable at ${target.host}:${target.port} (${error})`);
}

function tryConnect(host: string, port: number, timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (error?: string) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer in ${timeoutMs / 1000} s`));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    socket.connect(port, host, () => done());
  });
}
