/**
 * Listening in over real SIP (issue 12, the supervisor view): a sipp caller speaking a tone is queued and
 * answered by a baresip adviser (a tone of their own); a second baresip is the supervisor (a third tone),
 * who asks to listen in through the API. Their phone rings, answers, and — by FreeSWITCH eavesdrop on the
 * adviser's channel — hears the caller and the adviser; neither hears the supervisor (the adviser's phone
 * records what it hears; the caller's channel is recorded on FreeSWITCH, both directions). The supervisor
 * hanging up leaves the call alone; the audit log says who listened to which call; a call that has ended
 * is refused.
 *
 * Runs alone (one SIP application on the stack at a time):
 *   source /opt/fdstack/bin/env.sh && flock /tmp/fdstack.lock node --import tsx test/sip/listen-in-scenarios.ts
 */
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../../engine/src/adapters/storage/postgres/database.js';
import { createPostgresStore } from '../../engine/src/adapters/storage/postgres/postgres-store.js';
import { readWav, secondsOfTone } from './harness/audio.js';
import { Baresip } from './harness/baresip.js';
import { check, Report } from './harness/report.js';
import { runSipp, SCENARIOS } from './harness/sipp.js';
import { missingVariables, stackFromEnv, type PhoneAccount, type Stack } from './harness/stack.js';
import { publishFlow, startSharedEngines } from './shared-engines.js';
import { scenarioWithPcaps } from './generated-pcaps.js';

export const LISTEN_IN_SCENARIOS = {
  listenIn:
    'Listen-in: a sipp caller queued and answered by a baresip adviser; a baresip supervisor listens in through the API and hears both sides; neither the adviser nor the caller hears the supervisor; the supervisor hanging up leaves the call; audited; an ended call is refused',
} as const;

const ACTOR = 'system:test-sip';
const QUEUE = 'listen-in-test';
const LINE = '+441234599501';
/** The caller's tone (generated-pcaps.ts writes it for caller-tone-until-bye.xml). */
const CALLER_HZ = 1300;
const ADVISER_HZ = 700;
const SUPERVISOR_HZ = 1900;

export async function runListenInScenarios(stack: Stack, workDir: string, report: Report): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  const adviser: PhoneAccount = { username: 'li-adviser', password: `li-adviser-${Math.random().toString(36).slice(2, 10)}`, agentId: 'li-adviser' };
  const supervisor: PhoneAccount = { username: 'li-supervisor', password: `li-supervisor-${Math.random().toString(36).slice(2, 10)}`, agentId: 'li-supervisor' };
  const phones: Baresip[] = [];
  let stopEngines: (() => Promise<void>) | undefined;
  let closeDatabase: (() => Promise<void>) | undefined;
  let stopCaller: (() => void) | undefined;
  await report.run(LISTEN_IN_SCENARIOS.listenIn, async () => {
    const shared = await startSharedEngines(stack, workDir, { count: 1, firstHttpPort: 18_151, phones: [adviser, supervisor], recordCalls: true });
    stopEngines = () => shared.stop();
    const engine = shared.engines[0]!;
    const database = await openDatabase({ url: shared.postgres.url, dataDir: workDir, poolSize: 4, onError: () => undefined });
    const store = await createPostgresStore(database, { logger: { info: () => undefined, warn: () => undefined } });
    closeDatabase = async () => {
      await store.close();
      await database.close();
    };
    // A queue of its own, always open, nobody else in it; the supervisor is the agent the admin signs in as.
    const queue = await store.queues.create({ id: QUEUE, name: 'Listen-in test', serviceLine: 'Test', settings: { wrapUpSeconds: 0, ringTimeoutSeconds: 20 } }, ACTOR);
    check(queue.kind === 'created', `creating queue ${QUEUE}: ${JSON.stringify(queue)}`);
    const { rows } = await database.pool.query<{ id: string }>(`SELECT id FROM users WHERE username = 'admin'`);
    check(rows[0], 'the first admin is not in the database');
    const people: [PhoneAccount, { name: string; queueIds: string[]; skills: Record<string, number>; userId?: string }][] = [
      [adviser, { name: 'Adviser Ada', queueIds: [QUEUE], skills: {} }],
      [supervisor, { name: 'Supervisor Sam', queueIds: [], skills: {}, userId: rows[0].id }],
    ];
    for (const [account, extra] of people) {
      const created = await store.agents.create({ id: account.agentId, endpoints: [{ kind: 'sip-user', value: account.username }], ...extra }, ACTOR);
      check(created.kind === 'created', `adding ${account.agentId}: ${JSON.stringify(created)}`);
    }
    const say = (text: string) => ({ text: { 'en-GB': text } });
    await publishFlow(
      engine,
      {
        schemaVersion: 1,
        id: 'test-sip-listen-in-line',
        name: 'test:sip — listen-in',
        languages: ['en-GB'],
        entry: 'wait',
        nodes: [
          { id: 'wait', kind: 'queue', version: 2, params: { queueId: QUEUE, skills: [] }, ui: { x: 0, y: 0 } },
          { id: 'bye', kind: 'hangup', version: 1, params: { prompt: say('Goodbye.') }, ui: { x: 0, y: 150 } },
        ],
        edges: ['answered', 'transferred', 'callback', 'message', 'overflow', 'timeout', 'full', 'closed', 'noAgents'].map((outcome) => ({ id: `wait--${outcome}`, from: 'wait', outcome, to: 'bye' })),
      },
      LINE,
    );
    const [host, port] = stack.sipTarget.split(':');
    const registrar = `${host}:${port ?? 5060}`;
    const adviserPhone = await Baresip.start({ ...adviser, registrar, sipPort: 5240, ctrlPort: 4540, toneHz: ADVISER_HZ, dir: join(workDir, adviser.username) });
    phones.push(adviserPhone);
    const supervisorPhone = await Baresip.start({ ...supervisor, registrar, sipPort: 5242, ctrlPort: 4541, toneHz: SUPERVISOR_HZ, dir: join(workDir, supervisor.username) });
    phones.push(supervisorPhone);
    const until = async <T>(what: string, ms: number, probe: () => Promise<T | undefined | false>): Promise<T> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const value = await probe();
        if (value) return value;
        check(Date.now() < deadline, what);
        await sleep(250);
      }
    };
    for (const account of [adviser, supervisor]) {
      await until(`${account.agentId}'s phone did not register`, 20_000, async () => (await store.registrations.bindingsOf(account.agentId, Date.now())).length > 0);
    }
    const available = await store.agentStates.set(adviser.agentId, { state: 'available' }, new Date(), ACTOR);
    check(available.kind === 'changed' || available.kind === 'unchanged', `adviser available: ${JSON.stringify(available)}`);

    // The caller: a tone from the moment they are answered, until the system hangs up.
    const scenario = scenarioWithPcaps(SCENARIOS, 'caller-tone-until-bye.xml', workDir);
    const adviserAnswered = adviserPhone.waitFor('CALL_ESTABLISHED', 30_000);
    const caller = runSipp({ scenario, target: stack.sipTarget, service: LINE, localPort: 5350, mediaPort: 17_600, timeoutSeconds: 120, workDir });
    stopCaller = () => caller.kill();
    await adviserAnswered;
    const callId = await until('the adviser is not on a call in the ACD', 10_000, async () => {
      const state = await store.agentStates.get(adviser.agentId);
      return state?.state === 'on_call' && state.callId;
    });
    await sleep(1_000);

    // The supervisor asks; their phone rings and answers by itself.
    const supervisorAnswered = supervisorPhone.waitFor('CALL_ESTABLISHED', 30_000);
    // The adviser may still be hearing the queue's whisper (the ACD has them on the call already): until then, 409.
    let asked = await engine.api<{ agentId: string; ringing: string; detail?: string }>('POST', `/api/supervisor/calls/${encodeURIComponent(callId)}/listen`);
    for (let tries = 0; asked.status === 409 && /yet, or any more/.test(asked.json.detail ?? '') && tries < 20; tries++) {
      await sleep(500);
      asked = await engine.api('POST', `/api/supervisor/calls/${encodeURIComponent(callId)}/listen`);
    }
    check(asked.status === 200, `POST /api/supervisor/calls/:id/listen answered ${asked.status}: ${JSON.stringify(asked.json)}`);
    check(asked.json.agentId === adviser.agentId, `the listen names adviser ${asked.json.agentId}`);
    await supervisorAnswered;
    const again = await engine.api<{ detail?: string }>('POST', `/api/supervisor/calls/${encodeURIComponent(callId)}/listen`);
    check(again.status === 409, `a second listen by the same supervisor answered ${again.status}, not 409`);
    await sleep(8_000);

    // The supervisor hangs up: the call goes on.
    const adviserClosed = adviserPhone.waitFor('CALL_CLOSED', 60_000);
    let adviserClosedEarly = false;
    void adviserClosed.then(() => (adviserClosedEarly = true), () => undefined);
    await supervisorPhone.hangup();
    await sleep(3_000);
    check(!adviserClosedEarly, "the adviser's call ended when the supervisor hung up");
    const state = await store.agentStates.get(adviser.agentId);
    check(state?.state === 'on_call' && state.callId === callId, `after the supervisor hung up the adviser is ${state?.state}, not still on the call`);

    // The adviser ends the call; the caller is said goodbye and hung up.
    await adviserPhone.hangup();
    await adviserClosed;
    const called = await caller.done;
    check(called.passed, `the caller's sipp failed (exit ${called.code}): ${called.errors}`);

    // What each heard.
    const heardBySupervisor = supervisorPhone.heard();
    check(heardBySupervisor.length === 1, `the supervisor's phone recorded ${heardBySupervisor.length} calls, not 1`);
    const supervisorWav = readWav(heardBySupervisor[0]!);
    const supervisorHeard = { caller: secondsOfTone(supervisorWav, CALLER_HZ, 0.15), adviser: secondsOfTone(supervisorWav, ADVISER_HZ, 0.15) };
    check(supervisorHeard.caller >= 3, `the supervisor heard the caller's ${CALLER_HZ} Hz for ${supervisorHeard.caller.toFixed(1)} s (want ≥ 3 s)`);
    check(supervisorHeard.adviser >= 3, `the supervisor heard the adviser's ${ADVISER_HZ} Hz for ${supervisorHeard.adviser.toFixed(1)} s (want ≥ 3 s)`);
    const heardByAdviser = adviserPhone.heard();
    check(heardByAdviser.length === 1, `the adviser's phone recorded ${heardByAdviser.length} calls, not 1`);
    const adviserWav = readWav(heardByAdviser[0]!);
    const adviserHeard = { caller: secondsOfTone(adviserWav, CALLER_HZ), supervisor: secondsOfTone(adviserWav, SUPERVISOR_HZ, 0.1) };
    check(adviserHeard.caller >= 3, `the adviser heard the caller for ${adviserHeard.caller.toFixed(1)} s only`);
    check(adviserHeard.supervisor < 0.5, `the adviser heard the supervisor's ${SUPERVISOR_HZ} Hz for ${adviserHeard.supervisor.toFixed(1)} s`);
    // The caller's channel as FreeSWITCH recorded it (what the caller said and what was sent to them).
    const recordings = join(workDir, 'recordings');
    const safeId = callId.replace(/[^A-Za-z0-9_.-]/g, '_');
    const callerRecording = readdirSync(recordings).find((f) => f.startsWith(`${safeId}-call`));
    check(callerRecording, `no recording of the caller's channel in ${recordings}`);
    const callerWav = readWav(join(recordings, callerRecording));
    const callerChannel = { adviser: secondsOfTone(callerWav, ADVISER_HZ, 0.1), supervisor: secondsOfTone(callerWav, SUPERVISOR_HZ, 0.1) };
    check(callerChannel.adviser >= 3, `the caller's channel carried the adviser for ${callerChannel.adviser.toFixed(1)} s only`);
    check(callerChannel.supervisor < 0.5, `the caller's channel carried the supervisor's ${SUPERVISOR_HZ} Hz for ${callerChannel.supervisor.toFixed(1)} s`);

    // Audited: the request, the listen starting, and ending when the supervisor hung up.
    const audit = await until('the listen did not end in the audit log', 10_000, async () => {
      const { rows: entries } = await database.pool.query<{ action: string; actor: string; after: Record<string, unknown> }>(
        `SELECT action, actor, after FROM audit_log WHERE entity_type = 'call' AND entity_id = $1 AND action LIKE 'call.listenIn%' ORDER BY at, id`,
        [callId],
      );
      return entries.some((e) => e.action === 'call.listenIn.ended') && entries;
    });
    const actions = audit.map((e) => e.action);
    check(['call.listenIn', 'call.listenIn.started', 'call.listenIn.ended'].every((a) => actions.includes(a)), `audit log: ${actions.join(', ')}`);
    const ended = audit.find((e) => e.action === 'call.listenIn.ended')!;
    check(ended.after.by === 'supervisor' && ended.after.supervisorAgentId === supervisor.agentId && ended.actor === 'admin', `call.listenIn.ended: ${JSON.stringify(ended)}`);

    // The call has ended: refused.
    const late = await engine.api<{ detail?: string }>('POST', `/api/supervisor/calls/${encodeURIComponent(callId)}/listen`);
    check(late.status === 409, `listening in on the ended call answered ${late.status}, not 409`);
    return `supervisor heard caller ${supervisorHeard.caller.toFixed(1)} s + adviser ${supervisorHeard.adviser.toFixed(1)} s; adviser heard supervisor ${adviserHeard.supervisor.toFixed(1)} s, caller's channel carried supervisor ${callerChannel.supervisor.toFixed(1)} s; audit ${actions.join(', ')}; ended call → 409 (${late.json.detail ?? ''})`;
  });
  stopCaller?.();
  for (const phone of phones) await phone.stop();
  await closeDatabase?.();
  await stopEngines?.();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = missingVariables();
  if (missing.length) {
    console.log(`listen-in over SIP: NOT RUN — unset: ${missing.join(' ')} (source /opt/fdstack/bin/env.sh)`);
    process.exit(0);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'frontdoor-listen-in-'));
  const report = new Report();
  await runListenInScenarios(stackFromEnv(), workDir, report);
  report.print(stackFromEnv().sipTarget);
  console.log(`work folder: ${workDir}`);
  process.exit(report.anyFailed ? 1 : 0);
}
