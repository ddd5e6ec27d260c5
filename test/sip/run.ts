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
 * of both logs for the leak scan). KEEP_WORK=1 keeps the work folder (it is always kept when something fails).
 * TEST_SIP_ONLY=speech (or adapter, engine, shared, acd; comma-separated) runs only those groups and names the
 * rest as not run. SPEECH_LATENCY_CALLS=N measures end of speech → decision over N more calls (speech-scenarios.ts).
 * With any required variable unset it runs nothing, says so, and exits 0.
 *
 * One SIP application at a time may be connected to the stack (drachtio shares calls out between them):
 * run it under `flock /tmp/fdstack.lock` where the stack is shared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADAPTER_SCENARIOS, runAdapterScenarios } from './adapter-scenarios.js';
import { ACD_SCENARIOS, runAcdScenarios } from './acd-scenarios.js';
import { ENGINE_SCENARIOS, runEngineScenarios } from './engine-scenarios.js';
import { PAYMENT_SCENARIOS } from './payment-scenarios.js';
import { Report } from './harness/report.js';
import { runSharedEngineScenarios, SHARED_ENGINE_SCENARIOS } from './shared-engines.js';
import { runSpeechScenarios, SPEECH_SCENARIOS } from './speech-scenarios.js';
import { missingVariables, stackFromEnv } from './harness/stack.js';

const report = new Report();

const root = resolve(import.meta.dirname, '../..');
const installed = (command: string, arg = '-h') => spawnSync(command, [arg], { stdio: 'ignore' }).error === undefined;
const every = [
  ...Object.values(ADAPTER_SCENARIOS),
  ...Object.values(ENGINE_SCENARIOS),
  ...Object.values(PAYMENT_SCENARIOS),
  ...Object.values(SHARED_ENGINE_SCENARIOS),
  ...Object.values(ACD_SCENARIOS),
  ...Object.values(SPEECH_SCENARIOS),
];
/** TEST_SIP_ONLY: the groups to run (all when unset). */
const only = process.env.TEST_SIP_ONLY ? new Set(process.env.TEST_SIP_ONLY.split(',').map((g) => g.trim())) : undefined;
const wanted = (group: string, names: Record<string, string>): boolean => {
  if (!only || only.has(group)) return true;
  for (const name of Object.values(names)) report.notRun(name, `TEST_SIP_ONLY=${process.env.TEST_SIP_ONLY} left out the ${group} group`);
  return false;
};

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
  const noBaresip = 'baresip is not installed (apt-get install --no-install-recommends baresip-core)';
  if (wanted('adapter', ADAPTER_SCENARIOS)) {
    if (baresip) await runAdapterScenarios(stack, workDir, report);
    else for (const name of Object.values(ADAPTER_SCENARIOS)) report.notRun(name, noBaresip);
  }

  if (wanted('engine', { ...ENGINE_SCENARIOS, ...PAYMENT_SCENARIOS })) await runEngineScenarios(stack, workDir, report);

  if (wanted('speech', SPEECH_SCENARIOS)) await runSpeechScenarios(stack, workDir, report);

  if (wanted('shared', SHARED_ENGINE_SCENARIOS)) {
    if (baresip) await runSharedEngineScenarios(stack, workDir, report);
    else for (const name of Object.values(SHARED_ENGINE_SCENARIOS)) report.notRun(name, noBaresip);
  }

  if (wanted('acd', ACD_SCENARIOS)) {
    if (baresip) await runAcdScenarios(stack, workDir, report);
    else for (const name of Object.values(ACD_SCENARIOS)) report.notRun(name, noBaresip);
  }

  report.print(stack.sipTarget);
  keep = report.anyFailed || Boolean(process.env.KEEP_WORK);
  if (keep) console.log(`test:sip: logs, recordings, what each phone heard and the leak scan report are kept in ${workDir}`);
  process.exitCode = report.anyFailed ? 1 : 0;
} finally {
  if (!keep) rmSync(workDir, { recursive: true, force: true });
}
