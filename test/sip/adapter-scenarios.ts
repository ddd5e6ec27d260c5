/**
 * The drachtio adapter's ACD features on the real stack, driven from this process (no flow, no ACD):
 * startTelephony as the SIP application, its registrations in a private PostgreSQL, a real softphone
 * (baresip) as the agent and sipp as the caller and as the outbound trunk's far end. Each scenario
 * checks what a person on each end would have heard, from the audio they recorded.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseTelephonyConfig } from '../../engine/src/adapters/telephony/drachtio/config.js';
import { startTelephony, type TelephonyService } from '../../engine/src/adapters/telephony/drachtio/start-telephony.js';
import { openDatabase } from '../../engine/src/adapters/storage/postgres/database.js';
import { migrate } from '../../engine/src/adapters/storage/postgres/migrate.js';
import { createPostgresStore } from '../../engine/src/adapters/storage/postgres/postgres-store.js';
import type { BridgeResult, CallChannel, PromptSegment } from '../../engine/src/ports/call-channel.js';
import type { Store } from '../../engine/src/ports/store.js';
import { startPrivatePostgres } from '../../scripts/test-postgres.js';
import { readWav, secondsAbove, secondsOfTone } from './harness/audio.js';
import { Baresip } from './harness/baresip.js';
import { check, type Report } from './harness/report.js';
import { runSipp } from './harness/sipp.js';
import { telephonyConfig, type Stack } from './harness/stack.js';

const say = (text: string): PromptSegment[] => [{ language: 'en-GB', text }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const AGENT = { username: 'agent1', password: 'agent1-digest-pw', agentId: 'agent1' };
/** The agent's phone sends this tone as its voice: heard back, it proves the round trip through the caller. */
const AGENT_TONE_HZ = 1020;
const TRUNK_PORT = 5391;

export const ADAPTER_SCENARIOS = {
  register: 'adapter: an agent’s softphone (baresip) registers with digest auth; the binding is in PostgreSQL',
  bridge: 'adapter: bridge to the agent with whisper, onAnswer and recording; two-way audio',
  refer: 'adapter: the agent’s phone transfers the caller (REFER) and the caller stays with the engine',
  outbound: 'adapter: a placed call rings the agent, then bridges onward to a number through the trunk (sipp far end)',
} as const;

interface Harness {
  telephony: TelephonyService;
  store: Store;
  agent: Baresip;
  /** What each test number's call does, by DID. */
  calls: Map<string, (call: CallChannel) => Promise<void>>;
  workDir: string;
  stack: Stack;
}

export async function runAdapterScenarios(stack: Stack, workDir: string, report: Report): Promise<void> {
  const postgres = await startPrivatePostgres();
  const database = await openDatabase({ url: postgres.url, dataDir: workDir, poolSize: 4, onError: () => undefined });
  const logLines: string[] = [];
  const logger = { info: (m: string) => logLines.push(`info ${m}`), error: (m: string, e?: unknown) => logLines.push(`error ${m} ${e instanceof Error ? e.message : ''}`) };
  let telephony: TelephonyService | undefined;
  let agent: Baresip | undefined;
  try {
    await migrate(database.pool);
    const store = await createPostgresStore(database, { logger: { info: () => undefined, warn: () => undefined } });
    const recordingsDir = join(workDir, 'recordings');
    mkdirSync(recordingsDir, { recursive: true });
    const calls = new Map<string, (call: CallChannel) => Promise<void>>();
    telephony = await startTelephony(parseTelephonyConfig(telephonyConfig(stack, { trunkPort: TRUNK_PORT, phones: [AGENT], recordingsDir })), {
      logger,
      registrations: store.registrations,
      engineInstanceId: 'test-sip-adapter',
      onCall: async (call, meta) => {
        const handler = calls.get(meta.did);
        if (handler) await handler(call);
      },
    });
    await waitUntil(() => {
      const s = telephony!.status();
      return s.drachtio === 'connected' && s.mediaServers.every((m) => m.state === 'connected');
    }, 30_000, 'the in-process SIP application did not connect to drachtio and FreeSWITCH');
    const [host, port] = stack.sipTarget.split(':');
    agent = await Baresip.start({ ...AGENT, registrar: `${host}:${port ?? 5060}`, sipPort: 5081, ctrlPort: 4481, toneHz: AGENT_TONE_HZ, dir: join(workDir, 'agent1') });
    const h: Harness = { telephony, store, agent, calls, workDir, stack };

    const registered = await report.run(ADAPTER_SCENARIOS.register, () => registers(h));
    if (!registered) {
      for (const name of [ADAPTER_SCENARIOS.bridge, ADAPTER_SCENARIOS.refer, ADAPTER_SCENARIOS.outbound]) report.notRun(name, 'the agent’s phone did not register');
      return;
    }
    await report.run(ADAPTER_SCENARIOS.bridge, () => bridgesWithWhisper(h));
    await report.run(ADAPTER_SCENARIOS.refer, () => agentTransfers(h));
    await report.run(ADAPTER_SCENARIOS.outbound, () => placesACallback(h));
  } finally {
    await agent?.stop();
    await telephony?.close();
    await database.close();
    postgres.dispose();
    if (report.anyFailed) console.log(`test:sip: the in-process SIP application's log:\n  ${logLines.slice(-40).join('\n  ')}`);
  }
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await condition()) return;
    await sleep(200);
  }
  throw new Error(what);
}

async function registers(h: Harness): Promise<string> {
  // baresip registers as it starts (its REGISTER_OK event may come before our control connection): look where it matters.
  let contacts: string[] = [];
  await waitUntil(async () => (contacts = await h.store.registrations.contactsOf(AGENT.agentId, Date.now())).length > 0, 15_000, 'no binding for agent1 in sip_registrations').catch(
    () => {
      throw new Error(`baresip did not register: ${h.agent.log.filter((l) => /regist|40[13]|binding/i.test(l)).slice(-3).join(' | ') || 'nothing in its log'}`);
    },
  );
  check(contacts.length === 1 && contacts[0]!.includes(':5081'), `expected agent1's phone (port 5081) in sip_registrations, found ${JSON.stringify(contacts)}`);
  // The registrar challenges every REGISTER without credentials: a binding means digest auth succeeded.
  return `contact ${contacts[0]}`;
}

/** A caller (sipp, echoing what it hears) is bridged to the agent: whisper first, recorded, two-way audio. */
async function bridgesWithWhisper(h: Harness): Promise<string> {
  const did = '+441234599101';
  const events: string[] = [];
  let result: BridgeResult | undefined;
  h.calls.set(did, async (call) => {
    await call.play(say('Connecting you to an adviser.'), { bargeIn: false, signal: new AbortController().signal });
    result = await call.bridge(
      { kind: 'agent', agentId: AGENT.agentId },
      { ringTimeoutMs: 20_000, whisper: say('Call from the highways queue.'), record: true, onAnswer: () => events.push('answered'), signal: new AbortController().signal },
    );
    events.push(`bridge ${result.kind}`);
    await call.play(say('Thank you for calling. Goodbye.'), { bargeIn: false, signal: new AbortController().signal });
  });
  const heardBefore = h.agent.heard().length;
  const caller = runSipp({ scenario: 'caller-until-bye.xml', target: h.stack.sipTarget, service: did, localPort: 5101, mediaPort: 16_000, echo: true, timeoutSeconds: 60, workDir: h.workDir });
  await h.agent.waitFor('CALL_ESTABLISHED', 30_000);
  await sleep(10_000); // whisper (~2 s), then talk
  await h.agent.hangup();
  const sipp = await caller.done;
  check(sipp.passed, `the caller's sipp failed (exit ${sipp.code}): ${sipp.errors}`);
  check(result?.kind === 'completed', `expected the bridge to complete, got ${JSON.stringify(result)}`);
  check(events[0] === 'answered', `onAnswer was not told first: ${events.join(', ')}`);
  check(result.talkMs > 5_000 && result.talkMs < 12_000, `talk time ${result.talkMs} ms is not the ~8 s the agent talked`);
  const recording = join(h.workDir, 'recordings', result.recordingId ?? '(none)');
  check(result.recordingId && existsSync(recording), `no recording at ${recording}`);
  const recorded = readWav(recording);
  check(secondsAbove(recorded) >= 4, `the recording of the conversation is silent (${secondsAbove(recorded)} s of sound)`);
  await sleep(500);
  const files = h.agent.heard().slice(heardBefore);
  check(files.length === 1, `expected one recording of what the agent heard, found ${files.length}`);
  const heard = readWav(files[0]!);
  const whisper = readWav(files[0]!);
  whisper.samples = whisper.samples.subarray(0, whisper.rate * 2);
  check(secondsAbove(whisper) >= 1, 'the agent heard nothing in the first two seconds: no whisper');
  check(secondsOfTone(whisper, AGENT_TONE_HZ) < 0.5, 'the agent heard its own voice during the whisper: the caller was connected too early');
  const echoed = secondsOfTone(heard, AGENT_TONE_HZ);
  check(echoed >= 3, `the agent's voice did not come back through the caller (${echoed} s): no two-way audio`);
  return `talk ${Math.round(result.talkMs / 100) / 10} s, agent heard ${secondsAbove(heard)} s of sound of which ${echoed.toFixed(1)} s its own voice back through the caller; recording ${result.recordingId}`;
}

/** The agent transfers the caller from the phone: the bridge ends 'referred', the caller stays with us. */
async function agentTransfers(h: Harness): Promise<string> {
  const did = '+441234599102';
  let result: BridgeResult | undefined;
  let afterwards = '';
  h.calls.set(did, async (call) => {
    result = await call.bridge({ kind: 'agent', agentId: AGENT.agentId }, { ringTimeoutMs: 20_000, signal: new AbortController().signal });
    const played = await call.play(say('Transferring you now.'), { bargeIn: false, signal: new AbortController().signal });
    afterwards = played.kind;
  });
  const caller = runSipp({ scenario: 'caller-until-bye.xml', target: h.stack.sipTarget, service: did, localPort: 5102, mediaPort: 16_010, timeoutSeconds: 60, workDir: h.workDir });
  await h.agent.waitFor('CALL_ESTABLISHED', 30_000);
  await sleep(3_000);
  const closed = h.agent.waitFor('CALL_CLOSED', 15_000);
  const transfer = await h.agent.transfer('sip:+441234567000@127.0.0.1');
  check(transfer.ok, `baresip would not transfer: ${transfer.data}`);
  await closed;
  const sipp = await caller.done;
  check(sipp.passed, `the caller's sipp failed (exit ${sipp.code}): ${sipp.errors}`);
  check(result?.kind === 'referred', `expected 'referred', got ${JSON.stringify(result)}`);
  check(result.target === 'sip:+441234567000@127.0.0.1', `Refer-To read as ${result.target}`);
  check(afterwards === 'played', 'the caller could not be played to after the agent left');
  return `target ${result.target}, talk ${Math.round(result.talkMs / 100) / 10} s; the agent's phone was released, the caller heard the next prompt`;
}

/** A callback: ring the agent, tell them who it is, then dial the resident through the trunk and connect. */
async function placesACallback(h: Harness): Promise<string> {
  const farEnd = runSipp({ scenario: 'trunk-far-end.xml', localPort: TRUNK_PORT, mediaPort: 16_020, echo: true, pauseMs: 8_000, timeoutSeconds: 90, workDir: h.workDir });
  const heardBefore = h.agent.heard().length;
  try {
    await sleep(500);
    const signal = new AbortController().signal;
    const dialled = await h.telephony.outbound.dial({ kind: 'agent', agentId: AGENT.agentId }, { callerId: '+441234500000', ringTimeoutMs: 20_000, callId: 'test-sip-callback-1', signal });
    check(dialled.kind === 'answered', `the agent's phone did not answer the callback: ${JSON.stringify(dialled)}`);
    const agentCall = dialled.call;
    check(agentCall.callId === 'test-sip-callback-1', `the placed call's id is ${agentCall.callId}`);
    await agentCall.play(say('Callback for Mrs Jones, about a pothole.'), { bargeIn: false, signal });
    const resident = await agentCall.bridge({ kind: 'number', e164: '+447700900123' }, { ringTimeoutMs: 20_000, callerId: '+441234500000', signal });
    await agentCall.hangup();
    const sipp = await farEnd.done;
    check(sipp.passed, `the trunk's far end (sipp) failed (exit ${sipp.code}): ${sipp.errors}`);
    check(resident.kind === 'completed' && resident.talkMs > 6_000, `expected the resident to talk ~8 s, got ${JSON.stringify(resident)}`);
    await sleep(500);
    const files = h.agent.heard().slice(heardBefore);
    check(files.length === 1, `expected one recording of what the agent heard, found ${files.length}`);
    const heard = readWav(files[0]!);
    const echoed = secondsOfTone(heard, AGENT_TONE_HZ);
    check(secondsAbove(heard) >= 6, `the agent heard only ${secondsAbove(heard)} s of sound`);
    check(echoed >= 3, `the agent's voice did not come back through the resident (${echoed} s): no two-way audio`);
    return `resident talked ${Math.round(resident.talkMs / 100) / 10} s; the agent heard the callback's context, then their own voice back through the resident for ${echoed.toFixed(1)} s`;
  } finally {
    farEnd.kill();
  }
}
