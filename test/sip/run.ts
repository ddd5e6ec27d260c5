/**
 * npm run test:sip — calls over real SIP against a running drachtio-server + FreeSWITCH stack
 * (/opt/fdstack here, docker/ elsewhere), with sipp as callers and as the outbound trunk's far end and
 * baresip as agents' phones. Prints what passed, what failed and why, and what was NOT run and why.
 *
 * Needs: DRACHTIO_HOST DRACHTIO_PORT DRACHTIO_SECRET (drachtio-server admin), FREESWITCH_HOST
 * FREESWITCH_PORT FREESWITCH_SECRET (event socket), SIP_TARGET (drachtio's SIP address, host:port).
 * Optional: FRONTDOOR_ADVERTISED_ADDRESS (address FreeSWITCH reaches this machine on; default 127.0.0.1),
 * FRONTDOOR_LISTEN_ADDRESS (where engines listen for FreeSWITCH's per-call connections; default 0.0.0.0),
 * FRONTDOOR_TEST_HTTP_PORT (first engine's HTTP port; default 18080), MAIN_LINE_DID (+441234500000).
 * FAKE_PAY360_SIP_PORT (the fake Pay360's payment line; default 5090), PAYMENTS_DID (+441234500002),
 * FS_CLI, FREESWITCH_LOG, DRACHTIO_LOG (FreeSWITCH at debug level for the payment call, and this run's share
 * of both logs for the leak scan). DRACHTIO_WS_URL (drachtio's SIP websocket, for the desk's browser phone).
 * KEEP_WORK=1 keeps the work folder (it is always kept when something fails).
 * SPEECH_LATENCY_CALLS=N measures end of speech → decision over N more calls (speech-scenarios.ts).
 * With any required variable unset it runs nothing, says so, and exits 0.
 *
 * One SIP application at a time may be connected to the stack (drachtio shares calls out between them):
 * run it under `flock /tmp/fdstack.lock` where the stack is shared.
 *
 * Arguments pick parts: `npm run test:sip -- acd` (a group: adapter, engine, shared, acd, browser-phone, listen-in, assisted-payment, speech) or
 * `npm run test:sip -- acd.queued acd.abandon` (ACD scenarios by their key in ACD_SCENARIOS); TEST_SIP_ONLY
 * takes the same words, comma-separated. What is left out is reported as not run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADAPTER_SCENARIOS, runAdapterScenarios } from './adapter-scenarios.js';
import { ACD_SCENARIOS, runAcdScenarios } from './acd-scenarios.js';
import { BROWSER_PHONE_SCENARIOS, runBrowserPhoneScenarios } from './browser-phone-scenarios.js';
import { ENGINE_SCENARIOS, runEngineScenarios } from './engine-scenarios.js';
import { LISTEN_IN_SCENARIOS, runListenInScenarios } from './listen-in-scenarios.js';
import { ASSISTED_PAYMENT_SCENARIOS, runAssistedPaymentScenarios } from './assisted-payment-scenarios.js';
import { PAYMENT_SCENARIOS } from './payment-scenarios.js';
import { Report } from './harness/report.js';
import { runSharedEngineScenarios, SHARED_ENGINE_SCENARIOS } from './shared-engines.js';
import { runSpeechScenarios, SPEECH_SCENARIOS } from './speech-scenarios.js';
import { missingVariables, stackFromEnv } from './harness/stack.js';

const report = new Report();

const root = resolve(import.meta.dirname, '../..');
const installed = (command: string, arg = '-h') => spawnSync(command, [arg], { stdio: 'ignore' }).error === undefined;
const every = [...Object.values(ADAPTER_SCENARIOS), ...Object.values(ENGINE_SCENARIOS), ...Object.values(PAYMENT_SCENARIOS), ...Object.values(SHARED_ENGINE_SCENARIOS), ...Object.values(ACD_SCENARIOS), ...Object.values(BROWSER_PHONE_SCENARIOS), ...Object.values(LISTEN_IN_SCENARIOS), ...Object.values(ASSISTED_PAYMENT_SCENARIOS), ...Object.values(SPEECH_SCENARIOS)];
const GROUPS = ['adapter', 'engine', 'shared', 'acd', 'browser-phone', 'listen-in', 'assisted-payment', 'speech'] as const;
type Group = (typeof GROUPS)[number];
// What to run: arguments (`npm run test:sip -- acd acd.queued`) or TEST_SIP_ONLY=acd,browser-phone, the same words.
const picked = [...process.argv.slice(2), ...(process.env.TEST_SIP_ONLY?.split(',') ?? [])].map((p) => p.trim()).filter(Boolean);
const unknown = picked.filter((p) => !(GROUPS as readonly string[]).includes(p.split('.')[0]!));
if (unknown.length) {
  console.error(`test:sip: no such group: ${unknown.join(', ')} (groups: ${GROUPS.join(', ')}; ACD scenarios as acd.<key>)`);
  process.exit(1);
}
const wanted = (group: Group) => picked.length === 0 || picked.some((p) => p === group || p.startsWith(`${group}.`));
const acdPicked = picked.filter((p) => p.startsWith('acd.')).map((p) => p.slice(4));
/** Runs a group of scenarios unless the selection leaves it out (then each is reported as not run). */
async function group(name: Group, scenarios: Record<string, string>, run: () => Promise<void>): Promise<void> {
  if (!wanted(name)) {
    for (const scenario of Object.values(scenarios)) report.notRun(scenario, `not asked for (test:sip ${picked.join(' ')})`);
    return;
  }
  await run();
}

const missing = missingVariables();
if (missing.length) {
  console.log('test:sip: NOT RUN — no SIP test was run and nothing here was tested.');
  console.log(`  Why: these variables are unset: ${missing.join(' ')}.`);
  console.log('  They give the address of a running drachtio-server + FreeSWITCH stack (see docker/ and docs/telephony.md;');
  console.log('  on a machine with /opt/fdstack: source /opt/fdstack/bin/env.sh).');
  console.log('  Not run:');
  for (const name of every) console.log(`    - ${name}`);
  process.exit(0);
}
if (!installed('sipp', '-v')) {
  console.error('test:sip: FAILED — sipp is not installed (apt-get install sip-tester).');
  process.exit(1);
}

const stack = stackFromEnv();
const workDir = mkdtempSync(join(tmpdir(), 'frontdoor-test-sip-'));
let keep = false;
try {
  console.log(`test:sip: checking the stack (drachtio ${stack.drachtio.host}:${stack.drachtio.port}, FreeSWITCH ${stack.freeswitch.host}:${stack.freeswitch.port})…`);
  const checked = join(workDir, 'stack-check.json');
  writeFileSync(checked, JSON.stringify({ telephony: { drachtio: stack.drachtio, mediaServers: [{ name: 'fs', host: stack.freeswitch.host, eventSocketPort: stack.freeswitch.port, secret: stack.freeswitch.secret }] } }));
  const reachable = spawnSync(process.execPath, ['bin/frontdoor.js', 'config', 'check', checked, '--connect'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (reachable.status !== 0) {
    console.error('test:sip: FAILED — the stack is not reachable; no call was placed.');
    process.exit(1);
  }

  const baresip = installed('baresip');
  const withBaresip = (scenarios: Record<string, string>, run: () => Promise<void>) => async () => {
    if (baresip) await run();
    else for (const name of Object.values(scenarios)) report.notRun(name, 'baresip is not installed (apt-get install --no-install-recommends baresip-core)');
  };
  await group('adapter', ADAPTER_SCENARIOS, withBaresip(ADAPTER_SCENARIOS, () => runAdapterScenarios(stack, workDir, report)));
  await group('engine', { ...ENGINE_SCENARIOS, ...PAYMENT_SCENARIOS }, () => runEngineScenarios(stack, workDir, report));
  await group('speech', SPEECH_SCENARIOS, () => runSpeechScenarios(stack, workDir, report));
  await group('shared', SHARED_ENGINE_SCENARIOS, withBaresip(SHARED_ENGINE_SCENARIOS, () => runSharedEngineScenarios(stack, workDir, report)));
  await group('acd', ACD_SCENARIOS, withBaresip(ACD_SCENARIOS, () => runAcdScenarios(stack, workDir, report, acdPicked.length ? acdPicked : undefined)));
  await group('browser-phone', BROWSER_PHONE_SCENARIOS, () => runBrowserPhoneScenarios(stack, workDir, report));
  await group('listen-in', LISTEN_IN_SCENARIOS, withBaresip(LISTEN_IN_SCENARIOS, () => runListenInScenarios(stack, join(workDir, 'listen-in'), report)));
  await group('assisted-payment', ASSISTED_PAYMENT_SCENARIOS, withBaresip(ASSISTED_PAYMENT_SCENARIOS, () => runAssistedPaymentScenarios(stack, workDir, report)));

  report.print(stack.sipTarget);
  keep = report.anyFailed || Boolean(process.env.KEEP_WORK);
  if (keep) console.log(`test:sip: logs, recordings, what each phone heard and the leak scan report are kept in ${workDir}`);
  process.exitCode = report.anyFailed ? 1 : 0;
} finally {
  if (!keep) rmSync(workDir, { recursive: true, force: true });
}
