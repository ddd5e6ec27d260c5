/**
 * The leak scan: after payment calls, look everywhere frontdoor (and its telephony stack) leaves a trace
 * for card data — every table of the database, log files (the engine's, FreeSWITCH's at debug level,
 * drachtio's), the API's answers (calls and their event logs, payments and their CSV export, health),
 * the Prometheus metrics and the call recordings' metadata — and fail on any card number or security code.
 *
 * What counts as a leak:
 * - a card number: any run of 13–19 digits (spaces or dashes between them allowed) that starts 2–6 and
 *   passes the Luhn check (core/redaction.ts, the same test the redaction layer uses);
 * - in DTMF as a log records it (FreeSWITCH's "RECV DTMF 4:…" line per key, a SIP INFO's "Signal=4"),
 *   the keys of each call joined up, so a card keyed one digit per line is found too, and any security
 *   code given with --security-code keyed there;
 * - a security code standing alone as a number in the database or an API answer (in free-text logs a
 *   three-digit number is too common to mean anything; keyed, it would show in the DTMF above).
 * Findings are reported by place and last four digits only: the report never repeats what it found.
 *
 *   node --import tsx scripts/leak-scan.ts --database-url postgres://… --log engine.log \
 *     --log /opt/fdstack/log/freeswitch.log --log /opt/fdstack/log/drachtio.log \
 *     --api http://127.0.0.1:8080 --token fd_… --recordings /var/lib/frontdoor/recordings \
 *     --security-code 737 --security-code 919
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { findCardNumbers, isCardNumber } from '../engine/src/core/redaction.js';

export interface Finding {
  /** Where: `database payments`, `log /opt/fdstack/log/freeswitch.log line 1234`, `api GET /api/payments` … */
  where: string;
  kind: 'card number' | 'security code';
  /** The last four digits of a card (or `***` for a code): enough to tell findings apart, nothing more. */
  hint: string;
}

export interface ScanSources {
  databaseUrl?: string;
  logs?: string[];
  api?: { base: string; token: string };
  recordingsDir?: string;
}

export interface ScanReport {
  findings: Finding[];
  /** What was looked at, for the report. */
  checked: string[];
}

const hint = (card: string) => `…${card.slice(-4)}`;

/** Cards (and standalone security codes, when `codes` is given) in a text. */
function inText(text: string, where: string, codes: string[] | undefined): Finding[] {
  const found: Finding[] = findCardNumbers(text).map((card) => ({ where, kind: 'card number', hint: hint(card) }));
  for (const code of codes ?? []) {
    // A number on its own: not part of a longer number, a word, an id or a decimal fraction (12:00:00.737Z).
    if (new RegExp(`(?<![0-9A-Za-z.])${code}(?![0-9A-Za-z])`).test(text)) found.push({ where, kind: 'security code', hint: '***' });
  }
  return found;
}

/** The keys each call sent as DTMF, as a log records them (FreeSWITCH RECV DTMF lines, SIP INFO Signal=). */
export function dtmfStreams(log: string): Map<string, string> {
  const streams = new Map<string, string>();
  for (const line of log.split('\n')) {
    const key = /RECV DTMF ([0-9A-D*#]):/i.exec(line)?.[1] ?? /^Signal=\s*([0-9A-D*#])\s*$/i.exec(line.trim())?.[1];
    if (!key) continue;
    // FreeSWITCH prefixes a channel's lines with its uuid (logfile uuid=true); else one stream for the file.
    const channel = /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(line)?.[1] ?? 'log';
    streams.set(channel, (streams.get(channel) ?? '') + key.toUpperCase());
  }
  return streams;
}

function inDtmf(log: string, where: string, codes: string[]): Finding[] {
  const found: Finding[] = [];
  for (const [channel, keys] of dtmfStreams(log)) {
    for (const run of keys.split(/[^0-9]+/)) {
      // Every window: a card keyed straight after a reference still shows.
      for (let start = 0; start + 13 <= run.length; start++) {
        for (let length = 13; length <= 19 && start + length <= run.length; length++) {
          const card = run.slice(start, start + length);
          if (isCardNumber(card)) found.push({ where: `${where} (DTMF on ${channel})`, kind: 'card number', hint: hint(card) });
        }
      }
    }
    for (const code of codes) if (keys.includes(`${code}#`)) found.push({ where: `${where} (DTMF on ${channel})`, kind: 'security code', hint: '***' });
  }
  // The same card seen in overlapping windows is one finding.
  return found.filter((f, i) => found.findIndex((g) => g.where === f.where && g.hint === f.hint && g.kind === f.kind) === i);
}

async function scanDatabase(url: string, codes: string[], report: ScanReport): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
    );
    for (const { schema, name } of tables) {
      const qualified = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
      const { rows } = await client.query<{ row: unknown }>(`SELECT row_to_json(t) AS row FROM ${qualified} t`);
      // bytea (prompt audio) comes out as hex: scan the text values, not the audio.
      const text = rows.map((r) => JSON.stringify(r.row, (_k, v: unknown) => (typeof v === 'string' && /^\\x[0-9a-f]{64,}$/.test(v) ? '' : v))).join('\n');
      report.findings.push(...inText(text, `database ${schema}.${name}`, codes));
      report.checked.push(`database ${schema}.${name} (${rows.length} rows)`);
    }
  } finally {
    await client.end();
  }
}

async function scanApi(base: string, token: string, codes: string[], report: ScanReport): Promise<void> {
  const get = async (path: string) => {
    const response = await fetch(new URL(path, base), { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${text.slice(0, 200)}`);
    report.checked.push(`api GET ${path}`);
    report.findings.push(...inText(text, `api GET ${path}`, codes));
    return text;
  };
  for (const path of ['/api/health', '/metrics', '/api/payments?pageSize=500', '/api/payments/export', '/api/audit?pageSize=500']) await get(path);
  const calls = JSON.parse(await get('/api/calls?pageSize=500')) as { items: Array<{ id: string }> };
  for (const call of calls.items) {
    await get(`/api/calls/${encodeURIComponent(call.id)}`);
    await get(`/api/calls/${encodeURIComponent(call.id)}/events`);
  }
}

/** File names, sizes and any text in a WAV's header chunks (LIST/INFO): what a recording says about itself. */
function recordingMetadata(dir: string, report: ScanReport, codes: string[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const head = readFileSync(path).subarray(0, 64 * 1024);
    const chunks: string[] = [name];
    for (let offset = 12; offset + 8 <= head.length; ) {
      const id = head.toString('latin1', offset, offset + 4);
      const size = head.readUInt32LE(offset + 4);
      if (id === 'data') break;
      chunks.push(head.toString('latin1', offset + 8, Math.min(head.length, offset + 8 + size)));
      offset += 8 + size + (size % 2);
    }
    report.findings.push(...inText(chunks.join('\n'), `recording ${path}`, codes));
    report.checked.push(`recording ${name}`);
  }
}

export async function scanForLeaks(sources: ScanSources, securityCodes: string[] = []): Promise<ScanReport> {
  const report: ScanReport = { findings: [], checked: [] };
  if (sources.databaseUrl) await scanDatabase(sources.databaseUrl, securityCodes, report);
  for (const path of sources.logs ?? []) {
    if (!existsSync(path)) throw new Error(`log ${path} does not exist`);
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    lines.forEach((line, i) => report.findings.push(...inText(line, `log ${path} line ${i + 1}`, undefined)));
    report.findings.push(...inDtmf(text, `log ${path}`, securityCodes));
    report.checked.push(`log ${path} (${lines.length} lines, ${[...dtmfStreams(text).values()].join('').length} DTMF keys)`);
  }
  if (sources.api) await scanApi(sources.api.base, sources.api.token, securityCodes, report);
  if (sources.recordingsDir && existsSync(sources.recordingsDir)) recordingMetadata(sources.recordingsDir, report, securityCodes);
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      log: { type: 'string', multiple: true, default: [] },
      api: { type: 'string' },
      token: { type: 'string', default: process.env.FRONTDOOR_TOKEN },
      recordings: { type: 'string' },
      'security-code': { type: 'string', multiple: true, default: [] },
    },
  });
  if (values.api && !values.token) {
    console.error('leak scan: --api needs --token (or FRONTDOOR_TOKEN): an API token of an admin, who may read payments and the audit log');
    process.exit(2);
  }
  const report = await scanForLeaks(
    {
      ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
      logs: values.log,
      ...(values.api ? { api: { base: values.api, token: values.token! } } : {}),
      ...(values.recordings ? { recordingsDir: values.recordings } : {}),
    },
    values['security-code'].filter((code) => /^\d{3,4}$/.test(code)),
  );
  console.log(`leak scan: looked at ${report.checked.length} places`);
  for (const place of report.checked) console.log(`  ${place}`);
  if (report.findings.length === 0) {
    console.log('leak scan: no card number or security code found');
  } else {
    console.log(`leak scan: FOUND ${report.findings.length}:`);
    for (const f of report.findings) console.log(`  ${f.kind} ${f.hint} in ${f.where}`);
    process.exitCode = 1;
  }
}
