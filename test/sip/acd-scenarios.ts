/**
 * The ACD on real SIP (issue 8, "What it must show"): callers (sipp) queued by the main line or a small
 * queue line, advisers' softphones (baresip) registered through the engines, engines sharing one
 * PostgreSQL. Advisers, their states and the queue's settings are set in the database the engines
 * share (as the agent desk and the Queues screen would); call records are read through the engines' API.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, type Database } from '../../engine/src/adapters/storage/postgres/database.js';
import { createPostgresStore } from '../../engine/src/adapters/storage/postgres/postgres-store.js';
import type { JsonObject, Store } from '../../engine/src/ports/store.js';
import { mainLineClock } from './engine-scenarios.js';
import { scenarioWithPcaps } from './generated-pcaps.js';
import { loudness, readWav, secondsAbove, secondsOfTone } from './harness/audio.js';
import { Baresip } from './harness/baresip.js';
import type { EngineProcess } from './harness/engine.js';
import { check, type Report } from './harness/report.js';
import { runSipp, SCENARIOS, type SippRun } from './harness/sipp.js';
import type { PhoneAccount, Stack } from './harness/stack.js';
import { publishFlow, startSharedEngines, type SharedEngines } from './shared-engines.js';

export const ACD_SCENARIOS = {
  queued: 'ACD: a caller walks to the highways queue, hears hold music and its position, a baresip agent answers; two-way audio; the record shows queue, agent, wait and talk',
  noAnswer: 'ACD: the adviser offered the caller lets the phone ring out; the caller is offered to the next adviser, who answers',
  abandon: 'ACD: a caller hangs up in the queue; the record says abandoned after N s',
  callback: 'ACD: a caller takes a callback and hangs up; the engine rings the agent, then the caller’s number (sipp as the trunk’s far end)',
  twoEngines: 'ACD: two engines on one drachtio-server and PostgreSQL share 20 queued callers and 5 agents; each call answered exactly once',
  postgresRestart: 'ACD: PostgreSQL restarted while callers wait; they keep hearing the treatment and are answered after',
  engineKilled: 'ACD: an engine killed with kill -9 while callers wait on it; its records end engine-lost, its agents are freed, the other engine serves on',
} as const;

const ROOT = resolve(import.meta.dirname, '../..');
const ACTOR = 'system:test-sip';
const QUEUE = 'highways';
const MAIN_LINE = '+441234500000';
/** A line of its own for the load scenarios: a short welcome, the highways queue (version 2), goodbye. */
const QUEUE_LINE = '+441234599401';
const CALLER = '+447700900123';
const TRUNK_PORT = 5392;

interface CallRow {
  id: string;
  from: string;
  to: string;
  outcome?: string;
  queueId?: string;
  agentId?: string;
  waitSeconds?: number;
  talkSeconds?: number;
  queueOutcome?: string;
  engineInstanceId: string;
  startedAt: string;
  endedAt?: string;
}

interface CallEventRow {
  at: number;
  type: string;
  nodeId?: string;
  data: Record<string, unknown>;
}

/** A set-up for one scenario: engines on one PostgreSQL, the harness's own view of that database, advisers' phones. */
class Acd {
  readonly phones = new Map<string, Baresip>();
  private readonly talking = new Map<string, () => void>();

  private constructor(
    readonly shared: SharedEngines,
    readonly store: Store,
    private readonly database: Database,
    /** How far faketime moved the engines' clock (the main line and the queue open). */
    private readonly offsetMs: number,
    readonly stack: Stack,
    readonly workDir: string,
  ) {}

  get engines(): EngineProcess[] {
    return this.shared.engines;
  }

  /** An engine's instance id (each run of an engine registers one; found by its name and pid). */
  async instanceIdOf(engine: EngineProcess): Promise<string> {
    const { rows } = await this.database.pool.query<{ id: string }>('SELECT id FROM engine_instances WHERE name = $1 AND pid = $2 ORDER BY started_at DESC LIMIT 1', [engine.name, engine.pid]);
    check(rows[0], `engine ${engine.name} (pid ${engine.pid}) is not in engine_instances`);
    return rows[0].id;
  }

  /** After a failure: every call's record and events, and the queue events, into the work folder (the database goes with the run). */
  async keepEvidence(scenario: string): Promise<void> {
    const calls = await this.calls('');
    const events = Object.fromEntries(await Promise.all(calls.map(async (c) => [c.id, await this.events(c.id)] as const)));
    const { rows: queueEvents } = await this.database.pool.query('SELECT * FROM queue_events ORDER BY id');
    const { rows: entries } = await this.database.pool.query('SELECT * FROM queue_entries ORDER BY entered_at');
    const { rows: agentLog } = await this.database.pool.query('SELECT * FROM agent_state_log ORDER BY id');
    writeFileSync(join(this.workDir, `${scenario}-evidence.json`), JSON.stringify({ calls, events, queueEvents, entries, agentLog }, null, 2));
  }

  /** The engines' time: the ACD compares the times the harness writes with theirs. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  static async start(stack: Stack, workDir: string, options: { engines: number; advisers: number; firstHttpPort: number; recordCalls?: boolean; ringOnly?: string[] }): Promise<Acd> {
    mkdirSync(workDir, { recursive: true });
    const clock = mainLineClock();
    const advisers: PhoneAccount[] = Array.from({ length: options.advisers }, (_, i) => ({
      username: `adviser-${i + 1}`,
      password: `adviser-${i + 1}-${Math.random().toString(36).slice(2, 10)}`,
      agentId: `adviser-${i + 1}`,
    }));
    const shared = await startSharedEngines(stack, workDir, {
      count: options.engines,
      firstHttpPort: options.firstHttpPort,
      phones: advisers,
      trunkPort: TRUNK_PORT,
      clockEnv: clock.env,
      // An engine that dies is noticed within seconds (the kill -9 scenario).
      heartbeatSeconds: 2,
      deadAfterSeconds: 8,
      ...(options.recordCalls ? { recordCalls: true } : {}),
    });
    let database: Database | undefined;
    try {
      database = await openDatabase({ url: shared.postgres.url, dataDir: workDir, poolSize: 4, onError: () => undefined });
      const store = await createPostgresStore(database, { logger: { info: () => undefined, warn: () => undefined } });
      const acd = new Acd(shared, store, database, clock.offsetMs, stack, workDir);
      for (const adviser of advisers) {
        const created = await store.agents.create(
          { id: adviser.agentId, name: `Adviser ${adviser.agentId.slice(8)}`, endpoints: [{ kind: 'sip-user', value: adviser.username }], skills: { highways: 5 }, queueIds: [QUEUE] },
          ACTOR,
        );
        check(created.kind === 'created' || created.kind === 'exists', `adding ${adviser.agentId}: ${JSON.stringify(created)}`);
        await acd.setState(adviser.agentId, { state: 'break', reason: 'test:sip: not yet' });
      }
      const [host, port] = stack.sipTarget.split(':');
      for (const [i, adviser] of advisers.entries()) {
        const phone = await Baresip.start({
          ...adviser,
          registrar: `${host}:${port ?? 5060}`,
          // Two ports apart: baresip takes sip_listen's port + 1 as well (for TLS).
          sipPort: 5200 + 2 * i,
          ctrlPort: 4500 + i,
          // Each adviser's voice has a tone of its own, so whoever hears it can be told apart.
          toneHz: 700 + 110 * i,
          dir: join(workDir, adviser.username),
          // An adviser whose phone only rings (never answered by itself).
          ...(options.ringOnly?.includes(adviser.agentId) ? { answer: 'manual' as const } : {}),
        });
        acd.phones.set(adviser.agentId, phone);
      }
      // Every phone registered (through whichever engine drachtio handed its REGISTER to).
      const until = Date.now() + 20_000;
      for (const adviser of advisers) {
        while ((await store.registrations.bindingsOf(adviser.agentId, acd.now().getTime())).length === 0) {
          check(Date.now() < until, `${adviser.agentId}'s phone did not register`);
          await sleep(250);
        }
      }
      return acd;
    } catch (error) {
      await database?.close();
      await shared.stop();
      throw error;
    }
  }

  /** Log in, take a break or log out, as the adviser would on the agent desk. */
  async setState(agentId: string, change: { state: 'available' } | { state: 'break'; reason: string } | { state: 'offline' }): Promise<void> {
    const result = await this.store.agentStates.set(agentId, change, this.now(), ACTOR);
    check(result.kind === 'changed' || result.kind === 'unchanged', `${agentId} → ${change.state}: ${JSON.stringify(result)}`);
  }

  /** The highways queue's settings for the test, over what is stored (the example seed). */
  async queueSettings(changes: JsonObject): Promise<void> {
    const queue = await this.store.queues.get(QUEUE);
    check(queue, `queue ${QUEUE} is not in the database (flows/queues.json seeds it)`);
    const updated = await this.store.queues.update(QUEUE, { settings: { ...(queue.settings as JsonObject), ...changes } }, ACTOR);
    check(updated.kind === 'updated', `updating queue ${QUEUE}: ${JSON.stringify(updated)}`);
  }

  /** Each adviser's phone hangs up `talkMs` after it answers (an adviser who helps and says goodbye). */
  talkFor(talkMs: number, agentIds: string[] = [...this.phones.keys()]): void {
    for (const id of agentIds) {
      const phone = this.phones.get(id)!;
      // One way of talking per adviser: a scenario's replaces the one before.
      const before = this.talking.get(id);
      if (before) phone.events.off('CALL_ESTABLISHED', before);
      const talk = () => void sleep(talkMs).then(() => phone.hangup().catch(() => undefined));
      this.talking.set(id, talk);
      phone.events.on('CALL_ESTABLISHED', talk);
    }
  }

  /** The advisers' phones stay on the line until the other side hangs up (no scenario's talk time left behind). */
  stayOnLine(agentIds: string[]): void {
    for (const id of agentIds) {
      const before = this.talking.get(id);
      if (before) this.phones.get(id)!.events.off('CALL_ESTABLISHED', before);
      this.talking.delete(id);
    }
  }

  /** Every adviser on a break (between scenarios: nobody takes a call a scenario did not mean for them). */
  async allOnBreak(): Promise<void> {
    for (const id of this.phones.keys()) await this.setState(id, { state: 'break', reason: 'test:sip: between scenarios' });
  }

  /** Counts the calls each phone is offered from now on (CALL_INCOMING); `stop()` returns the counts. */
  countRings(): { stop(): Map<string, number> } {
    const counts = new Map<string, number>();
    const listeners = [...this.phones].map(([id, phone]) => {
      const listener = () => counts.set(id, (counts.get(id) ?? 0) + 1);
      phone.events.on('CALL_INCOMING', listener);
      return () => phone.events.off('CALL_INCOMING', listener);
    });
    return {
      stop: () => {
        for (const off of listeners) off();
        return counts;
      },
    };
  }

  async calls(query: string): Promise<CallRow[]> {
    const { status, json } = await this.engines[0]!.api<{ items: CallRow[] }>('GET', `/api/calls?${query}&pageSize=200`);
    check(status === 200, `GET /api/calls answered ${status}`);
    return json.items;
  }

  async events(callId: string): Promise<CallEventRow[]> {
    const { json } = await this.engines[0]!.api<CallEventRow[]>('GET', `/api/calls/${encodeURIComponent(callId)}/events`);
    return json;
  }

  /** queue_events for these calls (the ACD's own log, read from the shared database). */
  async queueEvents(callIds: string[]): Promise<{ call_id: string; type: string; agent_id: string | null; at: Date }[]> {
    const { rows } = await this.database.pool.query<{ call_id: string; type: string; agent_id: string | null; at: Date }>(
      `SELECT call_id, type, agent_id, at FROM queue_events WHERE realm = '' AND call_id = ANY($1::text[]) ORDER BY at, id`,
      [callIds],
    );
    return rows;
  }

  /** The main line with its queue nodes on version 2 (treatment, callbacks and overflow from the stored queue), when they are not already. */
  async mainLineOnQueueVersion2(): Promise<string | undefined> {
    const engine = this.engines[0]!;
    const { json: flow } = await engine.api<{ draft: JsonObject & { nodes: JsonObject[] }; draftRevision: number }>('GET', '/api/flows/main-line');
    const old = flow.draft.nodes.filter((n) => n.kind === 'queue' && n.version === 1);
    if (old.length === 0) return undefined;
    for (const node of old) {
      const params = node.params as { queueId: string; priority?: number; priorityVariable?: string; skills?: string[]; maxWaitSeconds?: number };
      node.version = 2;
      node.params = {
        queueId: params.queueId,
        ...(params.priority !== undefined ? { priority: params.priority } : {}),
        ...(params.priorityVariable ? { priorityVariable: params.priorityVariable } : {}),
        skills: (params.skills ?? []).map((skill) => ({ skill, level: 1 })),
      };
    }
    const saved = await engine.api<{ revision: number }>('PUT', '/api/flows/main-line/draft', { flow: flow.draft, revision: flow.draftRevision });
    check(saved.status === 200, `saving the main line with queue version 2 answered ${saved.status}: ${JSON.stringify(saved.json)}`);
    const published = await engine.api('POST', '/api/flows/main-line/publish', { revision: saved.json.revision, note: 'test:sip: queue nodes on version 2' });
    check(published.status === 201, `publishing it answered ${published.status}: ${JSON.stringify(published.json)}`);
    return `the main line's ${old.length} queue node(s) were on version 1 (no hold music, callbacks or whisper): test:sip published them on version 2`;
  }

  /** The queue line (QUEUE_LINE): a short welcome, the highways queue on version 2, goodbye. */
  async publishQueueLine(): Promise<void> {
    const say = (text: string) => ({ text: { 'en-GB': text } });
    await publishFlow(
      this.engines[0]!,
      {
        schemaVersion: 1,
        id: 'test-sip-queue-line',
        name: 'test:sip — the highways queue',
        languages: ['en-GB'],
        entry: 'welcome',
        nodes: [
          { id: 'welcome', kind: 'play', version: 1, params: { prompt: say('Please hold for the highways team.') }, ui: { x: 0, y: 0 } },
          { id: 'wait', kind: 'queue', version: 2, params: { queueId: QUEUE, skills: [{ skill: 'highways', level: 1 }] }, ui: { x: 0, y: 150 } },
          { id: 'bye', kind: 'hangup', version: 1, params: { prompt: say('Thank you for calling. Goodbye.') }, ui: { x: 0, y: 300 } },
        ],
        edges: [
          { id: 'welcome--done', from: 'welcome', outcome: 'done', to: 'wait' },
          ...['answered', 'transferred', 'callback', 'message', 'overflow', 'timeout', 'full', 'closed', 'noAgents'].map((outcome) => ({ id: `wait--${outcome}`, from: 'wait', outcome, to: 'bye' })),
        ],
      },
      QUEUE_LINE,
    );
  }

  caller(scenario: string, n: number, options: { service?: string; echo?: boolean; calls?: number; limit?: number; rate?: number } = {}): SippRun {
    return runSipp({
      scenario,
      target: this.stack.sipTarget,
      service: options.service ?? MAIN_LINE,
      localPort: 5300 + n,
      mediaPort: 17_000 + n * 20,
      timeoutSeconds: 600,
      workDir: this.workDir,
      ...(options.echo ? { echo: true } : {}),
      ...(options.calls ? { calls: options.calls } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
      ...(options.rate ? { rate: options.rate } : {}),
    });
  }

  /** Waits until `condition` holds (polling), failing with `what` after `timeoutMs`. */
  async until<T>(what: string, timeoutMs: number, condition: () => Promise<T | undefined | false>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await condition();
      if (value) return value;
      check(Date.now() < deadline, what);
      await sleep(500);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.phones.values()].map((p) => p.stop()));
    await this.store.close();
    await this.database.close();
    await this.shared.stop();
  }
}

const around = (value: number | undefined, expected: number, slack: number) => value !== undefined && Math.abs(value - expected) <= slack;

/** The recording FreeSWITCH made of a call from answer (telephony.recordCalls), if there is one. */
function callRecording(workDir: string, callId: string): string | undefined {
  const dir = join(workDir, 'recordings');
  const name = `${callId.replace(/[^A-Za-z0-9_.-]/g, '_')}-call.wav`;
  return existsSync(join(dir, name)) ? join(dir, name) : undefined;
}

/** Seconds `from`..`to` (from the recording's start) of a recording, as loudness per half second. */
function stretch(path: string, fromS: number, toS: number): number[] {
  const pcm = readWav(path);
  return loudness({ rate: pcm.rate, samples: pcm.samples.subarray(Math.floor(fromS * pcm.rate), Math.floor(toS * pcm.rate)) }, 500);
}

// ───────────── the scenarios ─────────────

/** One caller through the main line to the highways queue, put through to a real softphone. */
async function queued(acd: Acd): Promise<string> {
  const notes = [await acd.mainLineOnQueueVersion2()].filter(Boolean);
  await acd.queueSettings({
    treatment: { holdMusic: 'local_stream://moh', announceEverySeconds: 15, announcePosition: true, announceWait: false, periodicMessages: [] },
    callback: { enabled: false, offerAfterSeconds: 60, key: '1', confirmNumber: true, maxAttempts: 3, retryAfterSeconds: 300 },
    recordCalls: true,
    whisper: true,
    wrapUpSeconds: 0,
    overflow: { kind: 'none' },
  });
  const adviser = 'adviser-1';
  acd.talkFor(8_000, [adviser]);
  const heardBefore = acd.phones.get(adviser)!.heard().length;
  const caller = acd.caller('main-line-to-agent.xml', 1, { echo: true });
  // The caller walks the line (~30 s) and waits; the adviser logs in once the caller has waited a while.
  const entered = await acd.until('the caller never reached the highways queue', 90_000, async () => (await acd.calls(`queueId=${QUEUE}`)).find((c) => c.from === CALLER && !c.endedAt));
  await sleep(25_000);
  await acd.setState(adviser, { state: 'available' });
  const sipp = await caller.done;
  check(sipp.passed, `the caller's sipp failed (exit ${sipp.code}): ${sipp.errors}`);

  const record = await acd.until('the call record was not finished', 20_000, async () => (await acd.calls(`queueId=${QUEUE}`)).find((c) => c.id === entered.id && c.endedAt));
  check(record.queueOutcome === 'answered' && record.agentId === adviser, `record: queue outcome ${record.queueOutcome}, agent ${record.agentId}`);
  check(record.waitSeconds !== undefined && record.waitSeconds >= 20 && record.waitSeconds < 90, `wait ${record.waitSeconds} s, expected the 25 s or so before the adviser logged in`);
  check(around(record.talkSeconds, 8, 4), `talk ${record.talkSeconds} s, expected about 8`);

  const events = await acd.events(record.id);
  const announced = events.filter((e) => e.type === 'prompt.played' && /number 1 in the queue/i.test(String(e.data.text)));
  check(announced.length >= 1, `no position announcement in the call's events: ${events.filter((e) => e.type === 'prompt.played').map((e) => e.data.text).join(' | ')}`);
  // Hold music: the recording of the whole call, between entering the queue and the adviser answering.
  const recording = callRecording(acd.workDir, record.id);
  check(recording, `no recording of the call ${record.id}`);
  const start = events.find((e) => e.type === 'call.started')?.at ?? events[0]!.at;
  const queuedAt = (events.find((e) => e.type === 'node.entered' && e.data.kind === 'queue')?.at ?? start) - start;
  const waiting = stretch(recording, queuedAt / 1000 + 6, queuedAt / 1000 + 22);
  const sounding = waiting.filter((db) => db > -45).length / Math.max(1, waiting.length);
  check(sounding >= 0.8, `the caller heard sound in only ${Math.round(sounding * 100)}% of the wait: no hold music`);

  // Two-way audio: the adviser heard the whisper and then their own voice back through the caller.
  await sleep(500);
  const files = acd.phones.get(adviser)!.heard().slice(heardBefore);
  check(files.length === 1, `expected one recording of what ${adviser} heard, found ${files.length}`);
  const heard = readWav(files[0]!);
  const ownTone = 700;
  check(secondsAbove(heard) >= 6, `${adviser} heard only ${secondsAbove(heard)} s of sound after answering`);
  const echoed = secondsOfTone(heard, ownTone);
  check(echoed >= 3, `${adviser}'s voice did not come back through the caller (${echoed} s): no two-way audio`);
  const conversation = readdirSync(join(acd.workDir, 'recordings')).find((f) => f.startsWith(record.id.replace(/[^A-Za-z0-9_.-]/g, '_')) && f.includes('-bridge-'));
  check(conversation, 'the queue records calls, but there is no recording of the conversation');
  return [
    `record: queue ${record.queueId}, agent ${record.agentId}, wait ${record.waitSeconds} s, talk ${record.talkSeconds} s, ${record.queueOutcome}`,
    `${announced.length} position announcement(s), sound through ${Math.round(sounding * 100)}% of the wait`,
    `the adviser heard their voice back through the caller for ${echoed.toFixed(1)} s; conversation recorded`,
    ...notes,
  ].join('; ');
}

/** The adviser offered the caller lets it ring out: the offer is missed, and the next adviser takes the caller. */
async function noAnswer(acd: Acd): Promise<string> {
  await acd.publishQueueLine();
  await acd.queueSettings({ ringTimeoutSeconds: 8, maxMissedOffers: 3, whisper: false, recordCalls: false, wrapUpSeconds: 0, overflow: { kind: 'none' } });
  const [answering, ringing] = ['adviser-1', 'adviser-2'];
  await acd.setState(answering, { state: 'break', reason: 'test:sip: not yet' });
  await acd.setState(ringing, { state: 'available' });
  acd.talkFor(5_000, [answering]);
  const rang = acd.phones.get(ringing)!.waitFor('CALL_INCOMING', 60_000);
  const heardBefore = acd.phones.get(answering)!.heard().length;
  const caller = acd.caller('caller-until-bye.xml', 4, { service: QUEUE_LINE, echo: true });
  await rang;
  // The first adviser's phone is ringing (nobody picks it up); the second logs in meanwhile.
  await acd.setState(answering, { state: 'available' });
  const sipp = await caller.done;
  check(sipp.passed, `the caller's sipp failed (exit ${sipp.code}): ${sipp.errors}`);
  const record = await acd.until('the call record was not finished', 20_000, async () =>
    (await acd.calls(`to=${encodeURIComponent(QUEUE_LINE)}`)).find((c) => c.endedAt && c.queueOutcome),
  );
  check(record.queueOutcome === 'answered' && record.agentId === answering, `record: queue outcome ${record.queueOutcome}, agent ${record.agentId} (expected answered by ${answering})`);
  const events = (await acd.queueEvents([record.id])).map((e) => `${e.type}${e.agent_id ? `:${e.agent_id}` : ''}`);
  // Exactly: the first adviser rang out, the second answered (an offer missed by the adviser whose phone answers by itself is a fault).
  const offers = events.filter((e) => /^(offered|missed|answered):/.test(e));
  const expected = [`offered:${ringing}`, `missed:${ringing}`, `offered:${answering}`, `answered:${answering}`];
  check(JSON.stringify(offers) === JSON.stringify(expected), `offers: ${offers.join(' → ')} (expected ${expected.join(' → ')})`);
  const missedState = await acd.store.agentStates.get(ringing);
  await sleep(500);
  const files = acd.phones.get(answering)!.heard().slice(heardBefore);
  check(files.length === 1, `expected one recording of what ${answering} heard, found ${files.length}`);
  const echoed = secondsOfTone(readWav(files[0]!), 700);
  check(echoed >= 2, `${answering}'s voice did not come back through the caller (${echoed} s)`);
  await acd.setState(ringing, { state: 'break', reason: 'test:sip: done' });
  return `queue events ${events.join(' → ')}; ${ringing} after the missed offer: ${missedState?.state}; ${answering} and the caller talked (${echoed.toFixed(1)} s of echo)`;
}

/** A caller hangs up in the queue: abandoned, after the time they waited. */
async function abandoned(acd: Acd): Promise<string> {
  // Nobody free to answer: every adviser logged in but on a break.
  await acd.mainLineOnQueueVersion2();
  await acd.allOnBreak();
  const rings = acd.countRings();
  const caller = acd.caller('main-line-dtmf-to-queue.xml', 2);
  const sipp = await caller.done;
  check(sipp.passed, `the caller's sipp failed (exit ${sipp.code}): ${sipp.errors}`);
  await sleep(2_000);
  const rung = rings.stop();
  check(rung.size === 0, `an adviser's phone rang for a caller nobody was free for: ${JSON.stringify([...rung])}`);
  const record = await acd.until('no finished call record in the highways queue', 20_000, async () =>
    (await acd.calls(`queueId=${QUEUE}`)).find((c) => c.from === CALLER && c.endedAt && c.queueOutcome === 'abandoned'),
  );
  // main-line-dtmf-to-queue.xml hangs up 12 s after pressing 0 (entering the queue takes a prompt or so).
  check(around(record.waitSeconds, 10, 5), `abandoned after ${record.waitSeconds} s, expected about 10`);
  check(!record.agentId && !record.talkSeconds, `an abandoned call has an agent (${record.agentId}) or talk time (${record.talkSeconds})`);
  const types = (await acd.queueEvents([record.id])).map((e) => e.type);
  check(types.includes('abandoned') && !types.includes('offered'), `queue events: ${types.join(' → ')}`);
  return `record: ${record.queueOutcome} after ${record.waitSeconds} s; queue events ${types.join(' → ')}; no phone rang`;
}

/** A caller takes a callback and hangs up; the engine rings the adviser, then the caller's number through the trunk. */
async function callback(acd: Acd): Promise<string> {
  await acd.mainLineOnQueueVersion2();
  await acd.allOnBreak();
  await acd.queueSettings({ callback: { enabled: true, offerAfterSeconds: 10, key: '1', confirmNumber: true, maxAttempts: 2, retryAfterSeconds: 30 } });
  const adviser = 'adviser-1';
  // The adviser talks until the resident hangs up (an earlier scenario's hang-up after N s would end the callback before the resident is dialled).
  acd.stayOnLine([adviser]);
  await acd.setState(adviser, { state: 'break', reason: 'test:sip: busy elsewhere' });
  const phone = acd.phones.get(adviser)!;
  const heardBefore = phone.heard().length;
  const scenario = scenarioWithPcaps(SCENARIOS, 'main-line-callback.xml', acd.workDir);
  const caller = acd.caller(scenario, 3);
  const sipp = await caller.done;
  check(sipp.passed, `the caller's sipp failed (exit ${sipp.code}): ${sipp.errors}`);
  const record = await acd.until('no call record with a callback requested', 20_000, async () =>
    (await acd.calls(`queueId=${QUEUE}`)).find((c) => c.from === CALLER && c.endedAt && /^callback/.test(c.queueOutcome ?? '')),
  );
  // The resident's phone, at the trunk's far end: answers, talks 8 s, hangs up.
  const resident = runSipp({ scenario: 'trunk-far-end.xml', localPort: TRUNK_PORT, mediaPort: 17_500, echo: true, pauseMs: 8_000, timeoutSeconds: 180, workDir: acd.workDir });
  try {
    await acd.setState(adviser, { state: 'available' });
    const far = await resident.done;
    check(far.passed, `the resident's phone (sipp, trunk far end) failed (exit ${far.code}): ${far.errors}`);
  } finally {
    resident.kill();
  }
  const done = await acd.until('the callback was not recorded as completed', 30_000, async () => {
    const again = (await acd.calls(`queueId=${QUEUE}`)).find((c) => c.id === record.id);
    return again?.queueOutcome === 'callback_completed' ? again : undefined;
  });
  const events = await acd.queueEvents([record.id]);
  const types = events.map((e) => e.type);
  check(types.includes('callback_accepted') && types.includes('callback_dialed') && types.includes('callback_completed'), `queue events: ${types.join(', ')}`);
  await sleep(500);
  const files = phone.heard().slice(heardBefore);
  check(files.length >= 1, `${adviser}'s phone recorded no call`);
  const heard = readWav(files.at(-1)!);
  const echoed = secondsOfTone(heard, 700);
  check(echoed >= 3, `${adviser}'s voice did not come back through the resident (${echoed} s): the callback's two legs were not connected`);
  return `record: ${done.queueOutcome}; queue events ${types.join(' → ')}; the adviser and the resident talked (${echoed.toFixed(1)} s of the adviser's voice came back)`;
}

/** Twenty callers, five advisers, two engines: each call answered exactly once, no adviser given two at once. */
async function twentyCallers(acd: Acd): Promise<string> {
  await acd.publishQueueLine();
  await acd.queueSettings({
    treatment: { holdMusic: 'local_stream://moh', announceEverySeconds: 30, announcePosition: true, announceWait: false, periodicMessages: [] },
    callback: { enabled: false, offerAfterSeconds: 60, key: '1', confirmNumber: true, maxAttempts: 3, retryAfterSeconds: 300 },
    whisper: false,
    recordCalls: false,
    wrapUpSeconds: 0,
    maxWaitSeconds: 600,
    overflow: { kind: 'none' },
  });
  acd.talkFor(4_000);
  for (const id of acd.phones.keys()) await acd.setState(id, { state: 'available' });
  const callers = acd.caller('caller-until-bye.xml', 10, { service: QUEUE_LINE, calls: 20, limit: 20, rate: 4 });
  const sipp = await callers.done;
  check(sipp.passed, `sipp's 20 callers did not all finish (exit ${sipp.code}): ${sipp.errors}`);
  const records = await acd.until('not all 20 call records are finished', 30_000, async () => {
    const rows = (await acd.calls(`to=${encodeURIComponent(QUEUE_LINE)}`)).filter((c) => c.endedAt);
    return rows.length >= 20 ? rows : undefined;
  });
  check(records.length === 20, `${records.length} call records for 20 callers`);
  const unanswered = records.filter((r) => r.queueOutcome !== 'answered' || !r.agentId);
  check(unanswered.length === 0, `not answered: ${unanswered.map((r) => `${r.id} ${r.queueOutcome}`).join(', ')}`);
  const engines = new Set(records.map((r) => r.engineInstanceId));
  check(engines.size === 2, `all 20 callers were on one engine`);
  const events = await acd.queueEvents(records.map((r) => r.id));
  const answeredPerCall = new Map<string, number>();
  for (const e of events) if (e.type === 'answered') answeredPerCall.set(e.call_id, (answeredPerCall.get(e.call_id) ?? 0) + 1);
  const twice = [...answeredPerCall].filter(([, n]) => n !== 1);
  check(answeredPerCall.size === 20 && twice.length === 0, `answered events per call: ${JSON.stringify([...answeredPerCall])}`);
  // No adviser talks to two callers at once: each adviser's answered → talk_ended alternate.
  const perAgent = new Map<string, string[]>();
  for (const e of events) if (e.agent_id && (e.type === 'answered' || e.type === 'talk_ended')) perAgent.set(e.agent_id, [...(perAgent.get(e.agent_id) ?? []), e.type]);
  for (const [agent, sequence] of perAgent) {
    check(sequence.every((type, i) => type === (i % 2 === 0 ? 'answered' : 'talk_ended')), `${agent} was given a second caller before the first ended: ${sequence.join(' ')}`);
  }
  const perAdviser = [...perAgent].map(([agent, s]) => `${agent} ${s.filter((t) => t === 'answered').length}`).join(', ');
  return `20 answered once each, across ${engines.size} engines; calls per adviser: ${perAdviser}`;
}

/** PostgreSQL restarts under waiting callers: they keep hearing the treatment, and are answered after. */
async function postgresRestart(acd: Acd): Promise<string> {
  await acd.publishQueueLine();
  await acd.queueSettings({
    treatment: { holdMusic: 'local_stream://moh', announceEverySeconds: 15, announcePosition: true, announceWait: false, periodicMessages: [] },
    callback: { enabled: false, offerAfterSeconds: 60, key: '1', confirmNumber: true, maxAttempts: 3, retryAfterSeconds: 300 },
    whisper: false,
    wrapUpSeconds: 0,
    overflow: { kind: 'none' },
  });
  acd.talkFor(3_000);
  const callers = [0, 1, 2].map((i) => acd.caller('caller-until-bye.xml', 20 + i, { service: QUEUE_LINE }));
  await acd.until('the three callers did not all reach the queue', 30_000, async () => (await acd.calls(`to=${encodeURIComponent(QUEUE_LINE)}&active=true`)).length >= 3 || undefined);
  await sleep(5_000);
  const stoppedAt = Date.now();
  acd.shared.postgres.stop('fast');
  await sleep(8_000);
  acd.shared.postgres.start();
  const outageS = (Date.now() - stoppedAt) / 1000;
  await sleep(5_000);
  for (const id of acd.phones.keys()) await acd.setState(id, { state: 'available' });
  const results = await Promise.all(callers.map((c) => c.done));
  const failed = results.filter((r) => !r.passed);
  check(failed.length === 0, `${failed.length} caller(s) failed: ${failed.map((r) => r.errors).join(' | ')}`);
  const records = await acd.until('the three records are not finished', 30_000, async () => {
    const rows = (await acd.calls(`to=${encodeURIComponent(QUEUE_LINE)}`)).filter((c) => c.endedAt && Date.parse(c.startedAt) >= acd.now().getTime() - 10 * 60_000);
    return rows.length >= 3 ? rows : undefined;
  });
  const answered = records.filter((r) => r.queueOutcome === 'answered');
  check(answered.length === 3, `after the restart: ${records.map((r) => r.queueOutcome).join(', ')}`);
  // The treatment went on while the database was away (FreeSWITCH plays it; the engines held on).
  const heard = records.map((r) => {
    const recording = callRecording(acd.workDir, r.id);
    if (!recording) return 0;
    const start = Date.parse(r.startedAt) - acd.now().getTime() + Date.now();
    const from = (stoppedAt - start) / 1000;
    const loud = stretch(recording, from, from + outageS);
    return loud.filter((db) => db > -45).length / Math.max(1, loud.length);
  });
  check(heard.every((share) => share >= 0.8), `sound during the outage: ${heard.map((s) => `${Math.round(s * 100)}%`).join(', ')}`);
  return `PostgreSQL down ${outageS.toFixed(0)} s under 3 waiting callers; each kept hearing the treatment (${heard.map((s) => `${Math.round(s * 100)}%`).join(', ')} of the outage) and was answered after`;
}

/** kill -9 of the engine holding an adviser's call: its calls end engine-lost, the adviser is freed, the other engine serves on. */
async function engineKilled(acd: Acd): Promise<string> {
  await acd.publishQueueLine();
  await acd.queueSettings({
    treatment: { holdMusic: 'local_stream://moh', announceEverySeconds: 30, announcePosition: true, announceWait: false, periodicMessages: [] },
    callback: { enabled: false, offerAfterSeconds: 60, key: '1', confirmNumber: true, maxAttempts: 3, retryAfterSeconds: 300 },
    whisper: false,
    wrapUpSeconds: 0,
    overflow: { kind: 'none' },
  });
  acd.talkFor(3_000, ['adviser-2']);
  // adviser-1 takes the first caller and stays on the line; adviser-2 logs in later.
  await acd.setState('adviser-1', { state: 'available' });
  const callers = [0, 1, 2, 3].map((i) => acd.caller('caller-until-bye.xml', 30 + i, { service: QUEUE_LINE }));
  const held = await acd.until('adviser-1 was never put through to a caller', 60_000, async () => {
    const state = await acd.store.agentStates.get('adviser-1');
    return state?.state === 'on_call' && state.engineInstanceId ? state : undefined;
  });
  const ids = await Promise.all(acd.engines.map((e) => acd.instanceIdOf(e)));
  const victim = acd.engines.find((_, i) => held.engineInstanceId === ids[i]);
  check(victim, `adviser-1's call is held by engine ${held.engineInstanceId}, not one of ours`);
  const survivorId = ids[acd.engines.findIndex((e) => e !== victim)]!;
  await acd.until('not every caller is in', 30_000, async () => (await acd.calls(`to=${encodeURIComponent(QUEUE_LINE)}&active=true`)).length >= 4 || undefined);
  const before = await acd.calls(`to=${encodeURIComponent(QUEUE_LINE)}&active=true`);
  const lostIds = before.filter((c) => c.engineInstanceId === held.engineInstanceId).map((c) => c.id);
  await victim.killHard();
  // The adviser's call died with the engine: their phone hears silence, and they hang up.
  await acd.phones.get('adviser-1')!.hangup().catch(() => undefined);
  const lost = await acd.until('the killed engine’s calls were not ended as engine-lost', 60_000, async () => {
    const rows = (await acd.calls(`to=${encodeURIComponent(QUEUE_LINE)}`)).filter((c) => lostIds.includes(c.id));
    return rows.length === lostIds.length && rows.every((r) => r.outcome === 'engine-lost') ? rows : undefined;
  });
  const freed = await acd.until('adviser-1 is still held by the dead engine', 60_000, async () => {
    const state = await acd.store.agentStates.get('adviser-1');
    return state && state.state !== 'on_call' && state.state !== 'ringing' ? state : undefined;
  });
  // The dead engine's callers' SIP dialogs have nobody behind them any more: those sipp callers are let go.
  for (const caller of callers) if (lostIds.some((id) => id.includes(`-${caller.pid}@`))) caller.kill();
  await acd.setState('adviser-2', { state: 'available' });
  const survivors = await acd.until('the surviving engine did not put its callers through', 90_000, async () => {
    const rows = (await acd.calls(`to=${encodeURIComponent(QUEUE_LINE)}`)).filter((c) => c.engineInstanceId === survivorId && c.endedAt);
    const expected = before.filter((c) => c.engineInstanceId === survivorId).length;
    return rows.length >= expected && rows.every((r) => r.queueOutcome === 'answered') ? rows : undefined;
  });
  return `${lost.length} call(s) on the killed engine ended engine-lost; adviser-1 freed (${freed.state}); the other engine answered its ${survivors.length} caller(s)`;
}

export async function runAcdScenarios(stack: Stack, workDir: string, report: Report, only?: string[]): Promise<void> {
  if (!existsSync(join(ROOT, 'engine/src/queue'))) {
    const why = 'needs the ACD (issue 8: dispatch, the queue node v2 and callbacks in engine/src/queue/), which is not on this branch yet';
    for (const name of Object.values(ACD_SCENARIOS)) report.notRun(name, why);
    return;
  }
  type Key = keyof typeof ACD_SCENARIOS;
  const unknown = (only ?? []).filter((k) => !(k in ACD_SCENARIOS));
  if (unknown.length) console.log(`test:sip: no ACD scenario is called ${unknown.join(', ')} (they are: ${Object.keys(ACD_SCENARIOS).join(', ')})`);
  const picked = (key: Key) => !only || only.includes(key);
  /** One set-up (engines, database, phones) for a group of scenarios run one after the other on it. */
  const withAcd = async (folder: string, options: Parameters<typeof Acd.start>[2], scenarios: [Key, (acd: Acd) => Promise<string>][]) => {
    const chosen = scenarios.filter(([key]) => picked(key));
    for (const [key] of scenarios) if (!picked(key)) report.notRun(ACD_SCENARIOS[key], `not asked for (test:sip acd.${only!.join(' acd.')})`);
    if (chosen.length === 0) return;
    let acd: Acd | undefined;
    try {
      acd = await Acd.start(stack, join(workDir, folder), options);
    } catch (error) {
      for (const [key] of chosen) report.failed(ACD_SCENARIOS[key], `the engines or phones did not start: ${(error as Error).message}`);
      return;
    }
    try {
      for (const [key, scenario] of chosen) {
        if (!(await report.run(ACD_SCENARIOS[key], () => scenario(acd!)))) await acd.keepEvidence(key).catch(() => undefined);
      }
    } finally {
      await acd.stop();
    }
  };
  await withAcd('acd-one-engine', { engines: 1, advisers: 2, firstHttpPort: 18_101, recordCalls: true, ringOnly: ['adviser-2'] }, [
    ['queued', queued],
    ['noAnswer', noAnswer],
    ['abandon', abandoned],
    ['callback', callback],
  ]);
  await withAcd('acd-two-engines', { engines: 2, advisers: 5, firstHttpPort: 18_111 }, [['twoEngines', twentyCallers]]);
  await withAcd('acd-postgres-restart', { engines: 1, advisers: 1, firstHttpPort: 18_121, recordCalls: true }, [['postgresRestart', postgresRestart]]);
  await withAcd('acd-engine-killed', { engines: 2, advisers: 2, firstHttpPort: 18_131 }, [['engineKilled', engineKilled]]);
}
