import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { startLiveCall, type LiveCall } from '../adapters/telephony/simulator/live-call.js';
import { simulatedStandIns } from '../adapters/telephony/simulator/simulated-ports.js';
import { worldSchema } from '../adapters/telephony/simulator/world.js';
import type { EngineCalls } from '../calls/engine-calls.js';
import { SimulatedOutboundCalls } from '../adapters/telephony/simulator/simulated-outbound-calls.js';
import type { EngineAcd } from '../queue/engine-acd.js';
import type { DeskLegs } from '../ports/desk.js';
import { worldAgents, worldOverride } from '../testing/simulated-acd.js';
import { hasErrors } from '../core/flow/diagnostics.js';
import type { CallEvent } from '../ports/call-events.js';
import type { PromptSegment } from '../ports/call-channel.js';
import type { Store } from '../ports/store.js';
import { roleAtLeast } from '../auth/roles.js';
import { activeTestCalls } from '../metrics.js';
import { authenticate, checkSameOrigin } from './authenticate.js';
import { apiContext, type ApiContext, type ApiDeps } from './context.js';
import { ApiProblem, fieldErrors } from './problem.js';
import { unstorable } from './unstorable.js';
import type { Principal } from './route.js';
import { flowDiagnostics } from './routes/flows.js';

export const TEST_CALL_PATH = '/api/test-calls';
/** How often an open test-call socket checks that its user may still place test calls. */
export const RECHECK_SIGN_IN_MS = 30_000;

/** What the designer sends on the test-call socket. */
export const testCallClientMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('start'),
    /** A draft to run as it is; else the published version of `flowId`. */
    flow: z.record(z.string(), z.unknown()).optional(),
    flowId: z.string().min(1).optional(),
    /** Pretend the call happens at this time (schedules, holidays). */
    at: z.iso.datetime({ offset: true }).optional(),
    from: z.string().min(1).max(64).optional(),
    to: z.string().min(1).max(64).optional(),
    world: worldSchema.optional(),
    /**
     * Ring the real advisers signed in to the desk (the engine's own queues and dispatch) instead of the
     * world's simulated agents: the call shows on their desks as a test call.
     */
    desk: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('press'), digits: z.string().regex(/^[0-9*#]{1,32}$/, 'must be keypad digits 0-9 * #') }),
  z.strictObject({ type: z.literal('say'), text: z.string().min(1).max(1000) }),
  z.strictObject({
    type: z.literal('speak'),
    /** What the designer said into the microphone: 16-bit little-endian mono PCM, base64. */
    audio: z.base64().max(700_000, 'must be at most about 20 seconds of audio'),
    sampleRateHz: z.union([z.literal(8000), z.literal(16000)]),
  }),
  z.strictObject({ type: z.literal('hangup') }),
]);

export type TestCallServerMessage =
  /** `recognizer`: what recognises speech on this engine's phone calls (and audio spoken here); typed words are matched as typed. */
  | { type: 'started'; callId: string; recognizer: 'offline' | 'google' | 'none' }
  | { type: 'event'; event: CallEvent }
  | { type: 'prompt'; text: string; language: string; audioUrl: string }
  | { type: 'ended'; outcome: string; endedAt?: string }
  | { type: 'error'; message: string; errors?: Array<{ path: string; message: string }>; diagnostics?: unknown[] };

export interface TestCallSocketOptions {
  /** This engine run, as registered with store.engineInstances: test call records belong to it. */
  engineInstanceId: string;
  /** The engine's calls (engine/src/calls/engine-calls.ts): test calls get their ports where phone calls do. */
  calls: Pick<EngineCalls, 'ports' | 'prompts'>;
  /** The engine's ACD: each test call queues in a realm of its own, with the world's simulated agents. */
  acd: Pick<EngineAcd, 'testRealm' | 'phone'>;
  /** Advisers' desks, rung by test calls placed with `desk: true`. */
  deskLegs?: DeskLegs | undefined;
}

/** How long (real time) a test call's booked callbacks may run on after the call, before its realm closes. */
export const TEST_CALLBACKS_MAX_MS = 15 * 60 * 1000;

/** Where the designer can hear a prompt: its recording when the library has one, else text to speech. */
export function promptAudioUrl(segment: PromptSegment): string {
  return segment.audio ?? `/api/tts?${new URLSearchParams({ text: segment.text, language: segment.language }).toString()}`;
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ type: 'about:blank', title, status, detail: message });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\n` +
      'Content-Type: application/problem+json\r\nConnection: close\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * One designer's test-call session: at most one live simulated call at a time, its events and
 * prompts streamed to the browser and stored as a test call.
 */
class TestCallSession {
  private call: LiveCall | undefined;
  /** True while a start is being prepared (flow checked, prompts loaded), so a second start is refused. */
  private starting = false;
  private closed = false;
  private persisting: Promise<unknown> = Promise.resolve();
  /** Settles when the current call has ended and its end is being stored. */
  private ended: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly context: ApiContext,
    private readonly options: TestCallSocketOptions,
    private readonly socket: WebSocket,
    /** The upgrade request: its cookie or token is checked again while the socket is open. */
    private readonly upgrade: IncomingMessage,
  ) {}

  /**
   * Is whoever opened the socket still allowed to place test calls? A user deleted or disabled, a
   * session signed out or a token revoked ends the socket (and its call) at their next message, or at
   * the periodic check.
   */
  async stillAllowed(): Promise<boolean> {
    const principal = await authenticate(this.context, this.upgrade).catch(() => undefined);
    if (principal && roleAtLeast(principal.role, 'designer')) return true;
    this.error('Your sign-in has ended or no longer allows test calls: the test call is over');
    this.call?.hangup();
    this.socket.close(1008, 'signed out');
    return false;
  }

  send(message: TestCallServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private error(message: string, extra: Omit<Extract<TestCallServerMessage, { type: 'error' }>, 'type' | 'message'> = {}): void {
    this.send({ type: 'error', message, ...extra });
  }

  /** Persist in order, without letting a database fault end the call or the socket. */
  private persist(what: string, work: () => Promise<unknown>): void {
    this.persisting = this.persisting
      .then(work)
      .catch((error: unknown) => this.context.logger.error(`test call: could not store ${what}`, error));
  }

  async onMessage(raw: string): Promise<void> {
    if (!(await this.stillAllowed())) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.error('The message is not valid JSON');
      return;
    }
    const unfit = unstorable(json, 'message');
    if (unfit) {
      this.error(`Bad message: ${unfit.path}: ${unfit.message}`, { errors: [unfit] });
      return;
    }
    const parsed = testCallClientMessage.safeParse(json);
    if (!parsed.success) {
      const errors = fieldErrors('message', parsed.error);
      this.error(`Bad message: ${errors[0]?.path}: ${errors[0]?.message}`, { errors });
      return;
    }
    const message = parsed.data;
    if (message.type === 'start') {
      await this.start(message);
      return;
    }
    if (!this.call) {
      this.error(`No test call is in progress: send {"type":"start"} first`);
      return;
    }
    if (message.type === 'press') this.call.press(message.digits);
    else if (message.type === 'say') this.call.say(message.text);
    else if (message.type === 'speak') this.speak(message.audio, message.sampleRateHz);
    else this.call.hangup();
  }

  private speak(base64: string, sampleRateHz: 8000 | 16000): void {
    if (!this.context.phoneSpeech) {
      this.error('This engine has no speech recogniser for audio: type what the caller says instead', { errors: [{ path: 'message.audio', message: 'no recogniser' }] });
      return;
    }
    const pcm = Buffer.from(base64, 'base64');
    if (pcm.length === 0 || pcm.length % 2 !== 0) {
      this.error('Audio must be 16-bit samples', { errors: [{ path: 'message.audio', message: 'expected an even number of bytes of 16-bit PCM' }] });
      return;
    }
    this.call!.speak(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.length), sampleRateHz);
  }

  /** The draft sent, or the published version of `flowId`, parsed and validated like a publish. */
  private async flowToRun(message: Extract<z.output<typeof testCallClientMessage>, { type: 'start' }>) {
    const { store } = this.context;
    let json: unknown = message.flow;
    let flowVersion: number | undefined;
    if (!json) {
      if (!message.flowId) {
        this.error('Say which flow to call: send `flow` (a draft) or `flowId` (its published version)', {
          errors: [{ path: 'message.flowId', message: 'flow or flowId is required' }],
        });
        return undefined;
      }
      const published = await store.flows.published(message.flowId);
      if (!published) {
        this.error(`Flow ${message.flowId} has no published version`, { errors: [{ path: 'message.flowId', message: 'not published' }] });
        return undefined;
      }
      json = published.graph;
      flowVersion = published.version;
    }
    const { flow, diagnostics } = await flowDiagnostics(store, json);
    if (!flow || hasErrors(diagnostics)) {
      this.error('The flow has errors: fix them before placing a test call', { diagnostics });
      return undefined;
    }
    return { flow, flowId: flow.id, flowVersion };
  }

  private async start(message: Extract<z.output<typeof testCallClientMessage>, { type: 'start' }>): Promise<void> {
    if (this.call || this.starting) {
      this.error('A test call is already in progress: hang up first');
      return;
    }
    this.starting = true;
    try {
      await this.place(message);
    } finally {
      this.starting = false;
    }
  }

  private async place(message: Extract<z.output<typeof testCallClientMessage>, { type: 'start' }>): Promise<void> {
    const { store } = this.context;
    const chosen = await this.flowToRun(message);
    if (!chosen) return;
    // A designer who just recorded a prompt hears it on the next test call.
    await this.options.calls.prompts.test.fresh(0);
    if (this.closed) return;
    const { ports } = this.options.calls;
    const { acd } = this.options;
    const from = message.from ?? '+447700900000';
    const to = message.to ?? '+441234500000';
    const toDesk = message.desk === true && this.options.deskLegs !== undefined;
    const call = startLiveCall({
      flow: chosen.flow,
      ports: (clock, world) => {
        // Ringing the desk: the caller waits in the real queues, offered to advisers signed in to the desk.
        if (toDesk) return ports.test({ clock, standIns: { ...simulatedStandIns(world, clock), queue: acd.phone }, drafts: [chosen.flow] });
        const queue = acd.testRealm({
          clock,
          agentsFor: (queueId, allocate) => worldAgents(world, queueId, allocate),
          overrides: (queueId) => worldOverride(world, queueId),
          outbound: new SimulatedOutboundCalls(world, clock),
        });
        return {
          // Typed words are the transcript; audio spoken into the call goes to the recogniser phone calls use;
          // payments go into the engine's own fake Pay360 when there is one (they show on the payments screen).
          ...ports.test({
            clock,
            standIns: { ...simulatedStandIns(world, clock, { audioRecognizer: this.context.phoneSpeech?.recognizer, pay360: this.context.testCallPay360 }), queue },
            drafts: [chosen.flow],
          }),
          // Callbacks the caller booked run on after the call (the designer sees them in the call record); then the realm closes.
          release: async () => {
            void queue
              .drainCallbacks(TEST_CALLBACKS_MAX_MS)
              .finally(() => queue.close())
              .catch((error: unknown) => this.context.logger.error('test call: could not close its queue realm', error));
          },
        };
      },
      callId: `test-${randomUUID()}`,
      ...(toDesk ? { desk: this.options.deskLegs! } : {}),
      ...(message.world ? { world: message.world } : {}),
      ...(message.at ? { at: message.at } : {}),
      from,
      to,
    });
    this.call = call;
    activeTestCalls.inc();
    const startedAt = new Date(this.context.now());
    this.persist('the call record', () =>
      store.calls.start({
        id: call.callId,
        kind: 'test',
        from,
        to,
        flowId: chosen.flowId,
        ...(chosen.flowVersion !== undefined ? { flowVersion: chosen.flowVersion } : {}),
        startedAt,
        engineInstanceId: this.options.engineInstanceId,
      }),
    );
    this.send({ type: 'started', callId: call.callId, recognizer: this.context.phoneSpeech?.kind ?? 'none' });
    call.on('event', (event: CallEvent) => {
      this.send({ type: 'event', event });
      this.persist('a call event', () => store.calls.appendEvents([event]));
    });
    call.on('prompt', (segment: PromptSegment) => {
      this.send({ type: 'prompt', text: segment.text, language: segment.language, audioUrl: promptAudioUrl(segment) });
    });
    this.ended = call.finished.then(
      (result) => this.finish(call, result.outcome, result.endedAt),
      (error: unknown) => {
        this.context.logger.error('test call failed', error);
        this.error(`The test call failed: ${error instanceof Error ? error.message : String(error)}`);
        this.finish(call, 'failed', undefined);
      },
    );
  }

  private finish(call: LiveCall, outcome: string, endedAtNode: string | undefined): void {
    if (this.call !== call) return;
    this.call = undefined;
    activeTestCalls.dec();
    this.persist('the end of the call', () =>
      this.context.store.calls.end(call.callId, {
        endedAt: new Date(this.context.now()),
        outcome,
        ...(endedAtNode ? { endedAtNode } : {}),
      }),
    );
    this.send({ type: 'ended', outcome, ...(endedAtNode ? { endedAt: endedAtNode } : {}) });
  }

  /** The browser went away: the simulated caller hangs up. Resolves once the call's end is stored. */
  async close(): Promise<void> {
    this.closed = true;
    this.call?.hangup();
    await this.ended;
    await this.persisting;
  }
}

/**
 * Serve designer test calls on `server` at /api/test-calls (see the websocket protocol in
 * docs/api.md). Signed-in designers and above only; browsers must connect from the engine's own
 * origin. Returns a `close()` that hangs up every test call.
 */
export function attachTestCallSocket(server: Server, deps: ApiDeps & Omit<TestCallSocketOptions, 'deskLegs'>) {
  const context = apiContext(deps, '');
  const options: TestCallSocketOptions = { engineInstanceId: deps.engineInstanceId, calls: deps.calls, acd: deps.acd, deskLegs: deps.desk?.legs };
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const sessions = new Set<TestCallSession>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== TEST_CALL_PATH) return;
    void (async () => {
      let principal: Principal | undefined;
      try {
        principal = await authenticate(context, req);
        // Browsers send cookies on a websocket upgrade from any page: only the engine's own origin (or an allowed one) may.
        if (principal?.via === 'session' || req.headers.origin !== undefined) checkSameOrigin(context, req);
      } catch (error) {
        if (error instanceof ApiProblem) refuseUpgrade(socket, error.status, error.message);
        else {
          context.logger.error('test call socket: authentication failed', error);
          refuseUpgrade(socket, 500, 'Could not check who you are');
        }
        return;
      }
      if (!principal) return refuseUpgrade(socket, 401, 'Sign in to place test calls');
      if (!roleAtLeast(principal.role, 'designer')) return refuseUpgrade(socket, 403, 'Test calls need the designer role');
      wss.handleUpgrade(req, socket, head, (ws) => {
        const session = new TestCallSession(context, options, ws, req);
        sessions.add(session);
        const recheck = setInterval(() => void session.stillAllowed(), RECHECK_SIGN_IN_MS);
        recheck.unref();
        ws.on('close', () => clearInterval(recheck));
        ws.on('message', (data, isBinary) => {
          if (isBinary) return session.send({ type: 'error', message: 'Send JSON text messages' });
          session.onMessage(data.toString()).catch((error: unknown) => {
            context.logger.error('test call socket: message failed', error);
            session.send({ type: 'error', message: 'The message could not be handled' });
          });
        });
        ws.on('error', (error) => context.logger.error('test call socket error', error));
        ws.on('close', () => {
          void session.close().finally(() => sessions.delete(session));
        });
      });
    })();
  };
  server.on('upgrade', onUpgrade);

  return {
    /** Hang up every test call and stop accepting new ones. */
    async close(): Promise<void> {
      server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(1001, 'server closing');
      await Promise.all([...sessions].map((session) => session.close()));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
