/**
 * The leak scan, proven both ways: it finds card data planted where a leak would put it (so a clean
 * result means something), and after three payment calls through the product — the example payment
 * line, keyed on the designer's test-call socket into the fake Pay360's payment line with the test cards
 * 4444333322221111, 5555555555554444 and 4917610000000000 and their security codes — it finds nothing
 * in the database, the engine's log, the API's answers (calls, event logs, payments, CSV export, audit)
 * or the metrics.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { argon2Passwords, testPasswordOptions } from '../engine/src/auth/passwords.js';
import { newApiToken, secretHash } from '../engine/src/auth/secrets.js';
import type { RunningEngine } from '../engine/src/main.js';
import { dtmfStreams, scanForLeaks } from './leak-scan.js';

const CARDS = [
  { pan: '4444333322221111', code: '737' },
  { pan: '5555555555554444', code: '919' },
  { pan: '4917610000000000', code: '353' },
];
const CODES = CARDS.map((c) => c.code);

describe('the leak scan finds what it looks for', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leak-scan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('in free text, grouped or not, and in DTMF logged one key per line, with the security code', async () => {
    const plain = join(dir, 'plain.log');
    writeFileSync(plain, 'call c1 from +441234500000 at 1767780000009 ms, id 3f2a737b-0000-4000-8000-000000000000, 10:00:00.737Z\nkeyed 5555 5555 5555 4444 by mistake\n');
    const freeswitch = join(dir, 'freeswitch.log');
    const uuid = '0f6c2a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6';
    writeFileSync(freeswitch, [...'4444333322221111#737#'].map((key, i) => `${uuid} 2026-01-07 10:00:${String(i).padStart(2, '0')}.000 [DEBUG] switch_rtp.c:8000 RTP RECV DTMF ${key}:1280`).join('\n'));
    const report = await scanForLeaks({ logs: [plain, freeswitch] }, CODES);
    expect(report.findings).toEqual([
      { where: `log ${plain} line 2`, kind: 'card number', hint: '…4444' },
      { where: `log ${freeswitch} (DTMF on ${uuid})`, kind: 'card number', hint: '…1111' },
      { where: `log ${freeswitch} (DTMF on ${uuid})`, kind: 'security code', hint: '***' },
    ]);
    expect(dtmfStreams('Signal=1\nSignal= 2\nfoo\n')).toEqual(new Map([['log', '12']]));
  });
});

/** One designer test call on the payment line: its reference, then a card on the payment line. */
function payByTestCall(base: string, token: string, card: { pan: string; code: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/test-calls`, { headers: { authorization: `Bearer ${token}` } });
    const steps: Array<[string, string]> = [
      ['Please enter the 8-digit reference', '12345678#'],
      ['Press 1 if correct', '1'],
      ['To pay this now', '1'],
      ['Please enter your card number', `${card.pan}#`],
      ["Please enter your card's expiry date", '1230#'],
      ['Please enter the security code', `${card.code}#`],
    ];
    const lookup = { status: 200, body: { reference: '12345678', description: 'parking fine', balance: { pence: 7000, spoken: '£70.00' } } };
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'start', flowId: 'payments', world: { http: { 'https://payments-api.westshire.example/v1/references/12345678': lookup } } })),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; text?: string; outcome?: string; message?: string };
      if (message.type === 'prompt' && steps[0] && message.text?.includes(steps[0][0])) socket.send(JSON.stringify({ type: 'press', digits: steps.shift()![1] }));
      if (message.type === 'error') reject(new Error(message.message));
      if (message.type === 'ended') {
        socket.close();
        resolve(message.outcome ?? '');
      }
    });
    socket.on('error', reject);
  });
}

describe('after payment calls through the product', () => {
  let engine: RunningEngine;
  let dataDir: string;
  let logFile: string;
  let token: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'leak-scan-engine-'));
    logFile = join(dataDir, 'engine.log');
    const write = (level: string) => (message: string, error?: unknown) => appendFileSync(logFile, `${level} ${message}${error ? ` ${String(error)}` : ''}\n`);
    const { start } = await import('../engine/src/main.js');
    engine = await start({
      env: { FRONTDOOR_DATA_DIR: dataDir, FRONTDOOR_ADMIN_PASSWORD: 'quiet-heron-sees-7-rivers' },
      overrides: { http: { host: '127.0.0.1', port: 0 } },
      handleSignals: false,
      logger: { info: write('info'), warn: write('warn'), error: write('error') },
    });
    const admin = await engine.store.users.create({ username: 'scanner', passwordHash: await argon2Passwords(testPasswordOptions).hash('a scanner password'), role: 'admin' }, 'system:test');
    if (admin.kind !== 'created') throw new Error('could not create the scanner');
    token = newApiToken();
    await engine.store.apiTokens.create({ name: 'leak-scan', userId: admin.user.id, tokenHash: secretHash(token), prefix: token.slice(0, 7) }, 'system:test');
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds no card number or security code anywhere', async () => {
    const outcomes = await Promise.all(CARDS.map((card) => payByTestCall(engine.url, token, card)));
    expect(outcomes).toEqual(['paid', 'paid', 'paid']);
    const payments = await (await fetch(`${engine.url}/api/payments?kind=test`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(payments.items.map((p: { status: string; maskedCard: string }) => `${p.status} ${p.maskedCard}`).sort()).toEqual(['paid **** 0000', 'paid **** 1111', 'paid **** 4444']);

    const report = await scanForLeaks({ databaseUrl: engine.databaseUrl, logs: [logFile], api: { base: engine.url, token } }, CODES);
    expect(report.checked).toEqual(expect.arrayContaining([expect.stringMatching(/^database public\.payments \(3 rows\)/), expect.stringMatching(/^database public\.call_events/), `api GET /metrics`, expect.stringMatching(/^api GET \/api\/calls\/test-.+\/events$/)]));
    expect(report.findings).toEqual([]);
  }, 240_000);
});
