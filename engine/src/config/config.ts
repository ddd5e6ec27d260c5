import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { pay360ConfigSchema } from '../adapters/payments/pay360/config.js';
import { formatConfigIssues, telephonyConfigSchema } from '../adapters/telephony/drachtio/config.js';

/**
 * frontdoor's one config file (YAML or JSON), zod-validated. Every key has a default, so no file at all
 * runs the engine with the embedded database on http://127.0.0.1:8080. Environment variables override
 * the file: PORT, HOST, DATABASE_URL, FRONTDOOR_DATA_DIR, FRONTDOOR_ENGINE_NAME, FRONTDOOR_DESIGNER_DIR,
 * FRONTDOOR_SECRETS_KEY_FILE;
 * FRONTDOOR_CONFIG names the file.
 */
const port = z.number().int().min(0, 'expected a port from 0 to 65535').max(65535, 'expected a port from 0 to 65535');

export const configSchema = z
  .strictObject({
    http: z
      .strictObject({
        host: z.string().min(1, 'expected a host name or IP address').default('127.0.0.1').describe('Address the API and designer listen on'),
        port: port.default(8080).describe('0 picks a free port'),
        designerDir: z
          .string()
          .min(1)
          .optional()
          .describe('A built designer to serve at / (default designer/dist, built with Vite on first start if missing)'),
        allowedOrigins: z
          .array(z.string().regex(/^https?:\/\/[^/\s?#]+$/, 'expected an origin like https://frontdoor.council.gov.uk (scheme, host and port only)'))
          .default([])
          .describe('Browser origins allowed to make changes and open test calls besides the engine’s own, e.g. the public https:// address behind a reverse proxy'),
        trustProxy: z
          .union([z.boolean(), z.number().int().min(0).max(10), z.array(z.string().min(1))])
          .default(false)
          .describe('Proxies whose X-Forwarded-For is believed: false (none), a hop count, or addresses/CIDRs ("loopback", "10.0.0.0/8")'),
        secureCookies: z
          .boolean()
          .default(false)
          .describe('Mark the sign-in cookie Secure and send Strict-Transport-Security: set it when browsers reach frontdoor over HTTPS'),
      })
      .prefault({}),
    database: z
      .strictObject({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
          .optional()
          .describe('A PostgreSQL server; without it the embedded database (PGlite) runs under dataDir'),
        dataDir: z.string().min(1, 'must not be empty').default('./data').describe('Where the embedded database keeps its files'),
        poolSize: z.number().int().min(2, 'must be at least 2').max(100).default(10).describe('Connections to the database'),
      })
      .default({ dataDir: './data', poolSize: 10 }),
    engine: z
      .strictObject({
        name: z
          .string()
          .min(1, 'must not be empty')
          .max(128)
          .optional()
          .describe('Stable name of this engine (default: the host name); calls left open by an earlier run of the same name are ended as engine-lost'),
        heartbeatSeconds: z.number().int().min(1).max(300).default(10).describe('How often this engine reports it is alive'),
        deadAfterSeconds: z.number().int().min(5).max(3600).default(60).describe('Silence after which another engine is taken for dead'),
      })
      .default({ heartbeatSeconds: 10, deadAfterSeconds: 60 }),
    acd: z
      .strictObject({
        sweepSeconds: z
          .number()
          .min(0.2)
          .max(60)
          .default(2)
          .describe('How often this engine looks for work a lost signal or a stopped engine left behind (offers, wrap-ups, callbacks due)'),
      })
      .default({ sweepSeconds: 2 }),
    telephony: telephonyConfigSchema.optional(),
    speech: z
      .strictObject({
        recognizer: z.enum(['offline', 'google']).default('offline').describe('offline: PocketSphinx on this machine; google: Google Cloud Speech'),
        google: z
          .strictObject({
            keyFilename: z.string().min(1).optional().describe('Service account key file (else application default credentials)'),
            projectId: z.string().min(1).optional(),
          })
          .optional(),
      })
      .optional(),
    dataDips: z
      .strictObject({
        allowedHosts: z
          .array(z.string().regex(/^(\*\.)?[A-Za-z0-9.-]+$/, 'expected a host name, or *.domain for a domain and its sub-domains'))
          .default([])
          .describe('Hosts the http node may call; empty allows any (list your services in production)'),
        allowedNetworks: z
          .array(z.string().refine(isCidr, 'expected an address range like 10.20.0.0/16 or fd00::/8'))
          .default([])
          .describe('Private, loopback or link-local address ranges data dips may reach (denied by default), e.g. the council back office'),
        maxResponseBytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024).describe('Largest response a data dip reads'),
      })
      .prefault({}),
    secrets: z
      .strictObject({
        keyFile: z
          .string()
          .min(1)
          .optional()
          .describe('File holding the 32-byte key secrets are sealed with (base64); default <dataDir>/secrets.key, created on first start. Every engine sharing a database needs the same key'),
      })
      .prefault({}),
    payments: z
      .strictObject({ pay360: pay360ConfigSchema.optional() })
      .default({})
      .describe('Card payments by phone; without payments.pay360, real calls cannot take payments (test calls use a stand-in)'),
    desk: z
      .strictObject({
        offlineGraceSeconds: z.number().int().min(10).max(3600).default(60).describe('An adviser whose every desk has been closed this long is set offline'),
        previousCallsDays: z.number().int().min(0).max(366).default(30).describe('The desk shows calls from the same number in this many days before'),
        webrtc: z
          .strictObject({
            websocketUrl: z.string().regex(/^wss?:\/\//, 'expected ws://… or wss://…').describe('drachtio-server’s SIP websocket the browser phone registers through'),
            domain: z.string().min(1).describe('SIP domain of the browser phone’s address (sip:<agent>@<domain>)'),
            iceServers: z.array(z.string().regex(/^(stun|turn)s?:/, 'expected stun:… or turn:…')).default([]).describe('STUN/TURN servers for the browser'),
            secret: z.string().min(32, 'must be at least 32 characters').describe('Derives each browser phone’s SIP password (the registrar checks it); keep it secret'),
          })
          .optional()
          .describe('The desk’s browser phone; absent: advisers take calls on their other endpoints'),
      })
      .default({ offlineGraceSeconds: 60, previousCallsDays: 30 }),
  })
  .superRefine((config, ctx) => {
    if (config.engine.deadAfterSeconds <= config.engine.heartbeatSeconds * 2) {
      ctx.addIssue({ code: 'custom', path: ['engine', 'deadAfterSeconds'], message: 'must be more than twice engine.heartbeatSeconds' });
    }
  });

function isCidr(range: string): boolean {
  try {
    ipaddr.parseCIDR(range);
    return true;
  } catch {
    return false;
  }
}

export type FrontdoorConfig = z.output<typeof configSchema> & { engine: { name: string }; secrets: { keyFile: string } };
export type FrontdoorConfigInput = z.input<typeof configSchema>;

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration in ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Path to a YAML or JSON file; defaults to env FRONTDOOR_CONFIG; no file means defaults only. */
  file?: string;
  env?: Record<string, string | undefined>;
  /** Taken as-is over the file (after env), e.g. `{ http: { port: 0 } }` from tests. */
  overrides?: FrontdoorConfigInput;
}

/** Reads, merges and validates the config. Throws ConfigError naming every bad key. */
export function loadConfig(options: LoadConfigOptions = {}): FrontdoorConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.FRONTDOOR_CONFIG;
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const source = file ?? 'the environment';

  const merged = deepMerge(deepMerge(fromFile, fromEnv(env, source)), (options.overrides ?? {}) as Record<string, unknown>);
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(source, formatConfigIssues(result.error.issues, ''));
  const config = result.data;
  return {
    ...config,
    database: { ...config.database, dataDir: resolve(config.database.dataDir) },
    secrets: { keyFile: resolve(config.secrets.keyFile ?? join(config.database.dataDir, 'secrets.key')) },
    engine: { ...config.engine, name: config.engine.name ?? hostname() },
  };
}

function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ConfigError(file, [`the config file does not exist`]);
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'), { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(file, [`not valid YAML or JSON: ${(error as Error).message}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(file, ['expected a mapping of settings at the top level']);
  return parsed as Record<string, unknown>;
}

function fromEnv(env: Record<string, string | undefined>, source: string): Record<string, unknown> {
  const out: { http?: Record<string, unknown>; database?: Record<string, unknown>; engine?: Record<string, unknown>; secrets?: Record<string, unknown> } = {};
  if (env.PORT !== undefined && env.PORT !== '') {
    const value = Number(env.PORT);
    if (!Number.isInteger(value)) throw new ConfigError(source, [`PORT: expected a whole number, got "${env.PORT}"`]);
    out.http = { ...out.http, port: value };
  }
  if (env.HOST) out.http = { ...out.http, host: env.HOST };
  if (env.FRONTDOOR_DESIGNER_DIR) out.http = { ...out.http, designerDir: env.FRONTDOOR_DESIGNER_DIR };
  if (env.DATABASE_URL) out.database = { ...out.database, url: env.DATABASE_URL };
  if (env.FRONTDOOR_DATA_DIR) out.database = { ...out.database, dataDir: env.FRONTDOOR_DATA_DIR };
  if (env.FRONTDOOR_ENGINE_NAME) out.engine = { ...out.engine, name: env.FRONTDOOR_ENGINE_NAME };
  if (env.FRONTDOOR_SECRETS_KEY_FILE) out.secrets = { keyFile: env.FRONTDOOR_SECRETS_KEY_FILE };
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}
