/**
 * The engine as a council runs it, on the stack: one engine (embedded database, the example flows),
 * callers played by sipp walking the main line, hanging up, cancelling, and fifty at once.
 */
import { existsSync } from 'node:fs';
import { EngineProcess } from './harness/engine.js';
import { check, type Report } from './harness/report.js';
import { runSipp, type SippOptions } from './harness/sipp.js';
import type { Stack } from './harness/stack.js';
import { mainLineOpenOffsetSeconds } from './office-hours-offset.js';
import { payByCard, PAYMENT_SCENARIOS, startFakePay360, type FakePay360 } from './payment-scenarios.js';

export const ENGINE_SCENARIOS = {
  queueWalk: 'engine: walk the main line by DTMF to the highways queue (main-line-dtmf-to-queue.xml)',
  transferWalk: 'engine: walk the main line by DTMF to a transfer (REFER) (main-line-dtmf-to-transfer.xml)',
  hangupMidPrompt: 'engine: caller hangs up during the welcome prompt (hangup-mid-prompt.xml)',
  cancel: 'engine: CANCEL before the call is answered (cancel-before-answer.xml)',
  concurrent: 'engine: 50 concurrent calls (concurrent-call.xml)',
} as const;

/** libfaketime's environment moving a process's clock `seconds` on; undefined when faketime is missing. */
export function clockMovedBy(seconds: number): Record<string, string> | undefined {
  if (seconds <= 0) return {};
  for (const dir of ['/usr/lib/x86_64-linux-gnu/faketime', '/usr/lib/aarch64-linux-gnu/faketime', '/usr/lib/faketime']) {
    const lib = `${dir}/libfaketime.so.1`;
    if (existsSync(lib)) return { LD_PRELOAD: lib, FAKETIME: `+${seconds}s`, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
  }
  return undefined;
}

/** The clock the main-line walks need (the line open), and a note when it cannot be had. */
export function mainLineClock(): Record<string, string> {
  const offset = mainLineOpenOffsetSeconds();
  const env = clockMovedBy(offset);
  if (offset > 0 && env) console.log(`test:sip: the main line is closed now; engines run on a clock moved ${offset} s on, to its next opening`);
  if (!env) {
    console.log('test:sip: NOTE — the main line is closed now and faketime is not installed (apt-get install faketime): main-line walks take the out-of-hours branch.');
    return {};
  }
  return env;
}

export async function runEngineScenarios(stack: Stack, workDir: string, report: Report): Promise<void> {
  const did = process.env.MAIN_LINE_DID ?? '+441234500000';
  const httpPort = Number(process.env.FRONTDOOR_TEST_HTTP_PORT ?? 18080);
  // The fake Pay360 (REST API + payment line as a SIP endpoint) in a process of its own, as the real one would be.
  let pay360: FakePay360 | undefined;
  let pay360Problem = '';
  try {
    pay360 = await startFakePay360(workDir, Number(process.env.FAKE_PAY360_SIP_PORT ?? 5090));
  } catch (error) {
    pay360Problem = (error as Error).message;
  }
  console.log(`test:sip: starting an engine on 127.0.0.1:${httpPort} (embedded database, example flows${pay360 ? ', the fake Pay360' : ''})…`);
  let engine: EngineProcess | undefined;
  try {
    engine = await EngineProcess.start({
      name: 'engine-walks',
      stack,
      workDir,
      httpPort,
      clockEnv: mainLineClock(),
      // The payment line's reference look-up (payments-line.ts) answers on this machine: a loopback address,
      // which data dips refuse unless the config names it.
      extraConfig: {
        dataDips: { allowedHosts: [], allowedNetworks: ['127.0.0.1/32'], maxResponseBytes: 1024 * 1024 },
        ...(pay360 ? { payments: pay360.config } : {}),
      },
    });
  } catch (error) {
    pay360?.stop();
    for (const name of [...Object.values(ENGINE_SCENARIOS), ...Object.values(PAYMENT_SCENARIOS)]) report.failed(name, `the engine did not start: ${(error as Error).message}`);
    return;
  }
  try {
    const sipp = (scenario: string, extra: Partial<SippOptions> = {}) => async () => {
      const run = runSipp({ scenario, target: stack.sipTarget, service: did, localPort: 5110, mediaPort: 16_100, timeoutSeconds: 180, workDir, ...extra });
      const result = await run.done;
      check(result.passed, `sipp exit ${result.code}: ${result.errors || result.output.slice(-600)}`);
    };
    await report.run(ENGINE_SCENARIOS.queueWalk, sipp('main-line-dtmf-to-queue.xml'));
    await report.run(ENGINE_SCENARIOS.transferWalk, sipp('main-line-dtmf-to-transfer.xml'));
    await report.run(ENGINE_SCENARIOS.hangupMidPrompt, sipp('hangup-mid-prompt.xml'));
    await report.run(ENGINE_SCENARIOS.cancel, sipp('cancel-before-answer.xml'));
    await report.run(ENGINE_SCENARIOS.concurrent, sipp('concurrent-call.xml', { calls: 50, limit: 50, rate: 10 }));
    if (!pay360) {
      for (const name of Object.values(PAYMENT_SCENARIOS)) report.failed(name, `the fake Pay360 did not start: ${pay360Problem}`);
      return;
    }
    let leakScan: { clean: boolean; report: string; dtmfSeen: number } | undefined;
    const paid = await report.run(PAYMENT_SCENARIOS.pay, async () => {
      const result = await payByCard({ stack, workDir, engineUrl: engine.url, engineLog: engine.logFile, pay360: pay360!, ...(process.env.PAYMENTS_DID ? { did: process.env.PAYMENTS_DID } : {}) });
      leakScan = result.leakScan;
      return `record: ${result.record}`;
    });
    if (!paid || !leakScan) report.notRun(PAYMENT_SCENARIOS.leakScan, 'the payment call did not complete');
    else {
      const scan = leakScan;
      await report.run(PAYMENT_SCENARIOS.leakScan, async () => {
        console.log(scan.report);
        check(scan.clean, 'something the call left holds card data: see the leak scan report above');
        return `FreeSWITCH logged ${scan.dtmfSeen} RECV DTMF lines for this run: the keys it did carry`;
      });
    }
  } finally {
    if (report.anyFailed) console.log(`test:sip: engine log: ${engine.logFile}`);
    await engine.stop();
    pay360?.stop();
  }
}
