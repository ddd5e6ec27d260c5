/**
 * Agent-assisted payment over real SIP (issue 13, item 3): a caller (sipp) queued by a flow is answered by
 * an adviser's softphone (baresip, registered through the engine); the adviser's desk action goes through
 * the API (POST /api/desk/calls/:id/payment, signed in as the adviser); the caller is handed to the fake
 * Pay360 payment line and keys 4444333322221111, 1230 and 737 there; then is bridged back to the adviser.
 * The record must say paid with a masked card and the adviser; the desk shows the outcome; the adviser's
 * phone must have heard no DTMF (Goertzel on what baresip recorded, and no DTMF event reached it) but hold
 * music; FreeSWITCH — at debug level for the call — must have received no DTMF at all; the leak scan finds
 * no card number or security code anywhere the call left something.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JsonObject } from '../../engine/src/ports/store.js';
import { scenarioWithPcaps } from './generated-pcaps.js';
import { dtmfKeys, readWav, secondsAbove } from './harness/audio.js';
import { Baresip, type BaresipEvent } from './harness/baresip.js';
import { EngineProcess } from './harness/engine.js';
import { check, type Report } from './harness/report.js';
import { runSipp, SCENARIOS } from './harness/sipp.js';
import type { Stack } from './harness/stack.js';
import { startFakePay360, type FakePay360 } from './payment-scenarios.js';
import { publishFlow } from './shared-engines.js';

const ROOT = resolve(import.meta.dirname, '../..');

export const ASSISTED_PAYMENT_SCENARIOS = {
  pay: 'desk: an adviser takes a payment on a queued caller’s call — the caller keys the card into the fake Pay360 line and comes back to the same adviser; record paid, masked card, the adviser’s id',
  adviserHearsNoDigits: 'desk: the adviser’s phone heard hold music and no DTMF during the payment (Goertzel on its recording; no DTMF event reached it); FreeSWITCH at debug received no key',
  leakScan: 'desk: the leak scan after the assisted payment — no card number or security code in the database, logs, API or metrics',
} as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AGENT = { username: 'agent7', password: 'agent7-digest-pw', agentId: 'agent7' };
const ADVISER_PASSWORD = 'a long adviser password 7';
const DID = '+441234599307';
const QUEUE = 'assisted-pay';
const PAN = '4444333322221111';

/** A flow that queues the caller for the payments desk, then says goodbye. */
function queueFlow(): JsonObject & { id: string } {
  const bye = { id: 'bye', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Thank you for calling. Goodbye.' } } }, ui: { x: 0, y: 200 } };
  return {
    schemaVersion: 1,
    id: 'test-sip-assisted-payment',
    name: 'test:sip — queue for the payments desk',
    languages: ['en-GB'],
    entry: 'wait',
    nodes: [{ id: 'wait', kind: 'queue', version: 2, params: { queueId: QUEUE }, ui: { x: 0, y: 0 } }, bye],
    edges: ['answered', 'timeout', 'full', 'closed', 'noAgents', 'transferred'].map((outcome) => ({ id: `wait--${outcome}`, from: 'wait', outcome, to: 'bye' })),
  };
}

/** Signs in as `username` and returns a fetch for the API with that session. */
async function signedIn(engine: EngineProcess, username: string, password: string) {
  const login = await fetch(`${engine.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: engine.url }, body: JSON.stringify({ username, password }) });
  check(login.status === 200, `signing in as ${username} answered ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  return async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T; text: string }> => {
    const response = await fetch(`${engine.url}${path}`, {
      method,
      headers: { cookie, origin: engine.url, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : undefined) as T, text };
  };
}

function freeswitchLogLevel(level: 'debug' | 'warning'): boolean {
  const fsCli = process.env.FS_CLI;
  return fsCli ? spawnSync(fsCli, ['-x', `fsctl loglevel ${level}`], { stdio: 'ignore' }).status === 0 : false;
}
const sizeOf = (file: string | undefined) => (file && existsSync(file) ? statSync(file).size : 0);

interface DeskPayment {
  stage: string;
  status?: string;
  maskedCard?: string;
  transactionId?: string;
  reason?: string;
}

export async function runAssistedPaymentScenarios(stack: Stack, workDir: string, report: Report): Promise<void> {
  let pay360: FakePay360 | undefined;
  let engine: EngineProcess | undefined;
  let phone: Baresip | undefined;
  const outcome: { heard?: string[]; dtmfEvents: BaresipEvent[]; fsLog?: string; drachtioLog?: string; token?: string; debugLogged: boolean } = { dtmfEvents: [], debugLogged: false };
  try {
    await report.run(ASSISTED_PAYMENT_SCENARIOS.pay, async () => {
      pay360 = await startFakePay360(workDir, Number(process.env.FAKE_PAY360_SIP_PORT ?? 5090));
      engine = await EngineProcess.start({
        name: 'engine-assisted-payment',
        stack,
        workDir,
        httpPort: Number(process.env.FRONTDOOR_TEST_HTTP_PORT ?? 18080) + 40,
        phones: [AGENT],
        extraConfig: { payments: pay360.config } as never,
      });
      const admin = engine;
      const created = [
        await admin.api('POST', '/api/queues', { id: QUEUE, name: 'Payments desk', serviceLine: 'Payments', settings: { wrapUpSeconds: 60 } }),
        await admin.api<{ id: string }>('POST', '/api/users', { username: 'adviser7', password: ADVISER_PASSWORD, role: 'agent' }),
      ];
      check(created.every((c) => c.status === 201), `set-up answered ${created.map((c) => c.status).join(', ')}: ${JSON.stringify(created.map((c) => c.json))}`);
      const userId = (created[1]!.json as { id: string }).id;
      const agent = await admin.api('POST', '/api/agents', { id: AGENT.agentId, name: 'Adviser Seven', userId, endpoints: [{ kind: 'sip-user', value: AGENT.username, label: 'Desk phone' }], queueIds: [QUEUE] });
      check(agent.status === 201, `creating the agent answered ${agent.status}: ${JSON.stringify(agent.json)}`);
      await publishFlow(engine, queueFlow(), DID);

      const [host, port] = stack.sipTarget.split(':');
      phone = await Baresip.start({ ...AGENT, registrar: `${host}:${port ?? 5060}`, sipPort: 5087, ctrlPort: 4487, toneHz: 1020, dir: join(workDir, AGENT.username) });
      phone.events.on('event', (e: BaresipEvent) => {
        if (/DTMF/i.test(e.type)) outcome.dtmfEvents.push(e);
      });
      const adviser = await signedIn(engine, 'adviser7', ADVISER_PASSWORD);
      const available = await adviser('PUT', '/api/desk/state', { state: 'available' });
      check(available.status === 200, `going available answered ${available.status}: ${available.text}`);
      // The phone's registration is in the database before the caller comes.
      await sleep(2_000);

      const fsLog = process.env.FREESWITCH_LOG;
      const drachtioLog = process.env.DRACHTIO_LOG;
      const fsFrom = sizeOf(fsLog);
      const drachtioFrom = sizeOf(drachtioLog);
      // FreeSWITCH at debug level for the call: it logs every DTMF key it receives ("RECV DTMF").
      outcome.debugLogged = freeswitchLogLevel('debug');
      let paymentBody = '';
      try {
        const scenario = scenarioWithPcaps(SCENARIOS, 'assisted-payment.xml', workDir);
        const caller = runSipp({ scenario, target: stack.sipTarget, service: DID, localPort: 5131, mediaPort: 16_320, timeoutSeconds: 300, workDir });

        // The adviser is on the call: their desk shows it.
        let callId: string | undefined;
        for (let i = 0; i < 120 && !callId; i += 1) {
          const desk = await adviser<{ state: { state: string }; call?: { callId: string } }>('GET', '/api/desk');
          if (desk.json.state.state === 'on_call' && desk.json.call) callId = desk.json.call.callId;
          else await sleep(500);
        }
        check(callId !== undefined, 'the caller was never put through to the adviser (their desk never showed a call)');
        await sleep(2_000); // adviser and caller say hello
        const pay = (body: unknown) => adviser<DeskPayment>('POST', `/api/desk/calls/${callId}/payment`, body);
        // Two clicks, one payment.
        const [first, second] = await Promise.all([pay({ amountPence: 7000, reference: 'PCN-7007', description: 'Parking fine' }), pay({ amountPence: 7000, reference: 'PCN-7007' })]);
        check([first.status, second.status].sort().join() === '202,409', `two clicks answered ${first.status} and ${second.status}: ${first.text} ${second.text}`);

        let payment: DeskPayment | undefined;
        for (let i = 0; i < 240 && payment?.stage !== 'ended'; i += 1) {
          await sleep(500);
          const desk = await adviser<{ call?: { payment?: DeskPayment } }>('GET', '/api/desk');
          payment = desk.json.call?.payment;
          paymentBody = desk.text;
        }
        check(payment?.stage === 'ended', `the payment never ended on the desk (last: ${JSON.stringify(payment)})`);
        check(payment!.status === 'paid' && payment!.maskedCard === '**** 1111', `the desk shows ${JSON.stringify(payment)}, expected paid **** 1111`);
        // Back with the adviser for a moment, then the adviser hangs up; the flow says goodbye.
        await sleep(4_000);
        await phone.hangup();
        const result = await caller.done;
        check(result.passed, `the caller's sipp failed (exit ${result.code}): ${result.errors || result.output.slice(-600)}`);
      } finally {
        if (outcome.debugLogged) freeswitchLogLevel('warning');
        if (fsLog && existsSync(fsLog)) writeFileSync((outcome.fsLog = join(workDir, 'assisted-freeswitch.log')), readFileSync(fsLog).subarray(fsFrom));
        if (drachtioLog && existsSync(drachtioLog)) writeFileSync((outcome.drachtioLog = join(workDir, 'assisted-drachtio.log')), readFileSync(drachtioLog).subarray(drachtioFrom));
      }
      check(!paymentBody.includes(PAN), 'the desk view holds the card number');

      const records = await admin.api<{ items: Array<{ status: string; maskedCard?: string; reference: string; agentId?: string; gatewayTransactionId?: string }> }>('GET', '/api/payments?reference=PCN-7007');
      check(records.json.items.length === 1, `${records.json.items.length} payment records for PCN-7007 (two clicks must make one)`);
      const row = records.json.items[0]!;
      check(row.status === 'paid' && row.maskedCard === '**** 1111' && row.agentId === AGENT.agentId, `the payment record is ${JSON.stringify(row)}, expected paid **** 1111 by ${AGENT.agentId}`);
      outcome.heard = phone.heard();
      return `record paid ${row.maskedCard} ${row.gatewayTransactionId ?? ''} by ${row.agentId}`;
    });

    await report.run(ASSISTED_PAYMENT_SCENARIOS.adviserHearsNoDigits, async () => {
      check(outcome.heard !== undefined, 'the payment call did not run');
      check(outcome.heard!.length > 0, 'the adviser’s phone recorded nothing');
      const keys = outcome.heard!.map((file) => dtmfKeys(readWav(file))).join('');
      const loud = outcome.heard!.reduce((total, file) => total + secondsAbove(readWav(file)), 0);
      check(keys === '', `the adviser’s phone heard DTMF keys: "${keys.replace(/\d/g, '•')}" (${keys.length})`);
      check(outcome.dtmfEvents.length === 0, `DTMF events reached the adviser’s phone: ${outcome.dtmfEvents.length}`);
      check(loud >= 5, `the adviser heard only ${loud} s of sound: the hold music did not reach them`);
      let fsNote = 'FreeSWITCH log not available (FREESWITCH_LOG unset)';
      if (outcome.fsLog) {
        const received = (readFileSync(outcome.fsLog, 'utf8').match(/RECV DTMF/g) ?? []).length;
        check(received === 0, `FreeSWITCH received ${received} DTMF keys during the assisted payment`);
        fsNote = `FreeSWITCH${outcome.debugLogged ? ' at debug' : ''} received 0 DTMF keys`;
      }
      return `0 DTMF keys in ${outcome.heard!.length} recording(s) with ${loud} s of sound (hold music); 0 DTMF events; ${fsNote}`;
    });

    await report.run(ASSISTED_PAYMENT_SCENARIOS.leakScan, async () => {
      check(engine !== undefined && pay360 !== undefined, 'the payment call did not run');
      const token = await engine!.api<{ token: string }>('POST', '/api/tokens', { name: 'assisted-payment-leak-scan' });
      check(token.status === 201, `creating an API token answered ${token.status}: ${JSON.stringify(token.json)}`);
      const logs = ['--log', engine!.logFile, '--log', pay360!.logFile, '--log', join(workDir, AGENT.username, 'baresip.log')];
      if (outcome.fsLog) logs.push('--log', outcome.fsLog);
      if (outcome.drachtioLog) logs.push('--log', outcome.drachtioLog);
      const databaseUrl = /postgres:\/\/\S+/.exec(readFileSync(engine!.logFile, 'utf8'))?.[0] ?? '';
      const scan = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/leak-scan.ts', '--database-url', databaseUrl, ...logs, '--api', engine!.url, '--token', token.json.token, '--security-code', '737'], { cwd: ROOT, encoding: 'utf8' });
      writeFileSync(join(workDir, 'assisted-leak-scan.out'), `${scan.stdout}${scan.stderr}`);
      check(scan.status === 0, `the leak scan found something (or failed): ${`${scan.stdout}${scan.stderr}`.trim().slice(-800)}`);
      return `clean: ${scan.stdout.trim().split('\n').slice(-1)[0] ?? ''}`;
    });
  } finally {
    await phone?.stop();
    await engine?.stop();
    pay360?.stop();
  }
}
