import { readFile } from 'node:fs/promises';
import Srf from 'drachtio-srf';
import type { CallChannel } from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import type { ListenInEvent } from '../../../ports/desk.js';
import type { OutboundCalls } from '../../../ports/outbound-calls.js';
import type { RegistrationRepository } from '../../../ports/registrations.js';
import { SystemClock } from '../../clock/system-clock.js';
import { AudioForkServer } from './audio-fork-server.js';
import type { CallerSpeechSettings } from './caller-speech.js';
import type { AudioForkConfig, MediaServerConfig, TelephonyConfig } from './config.js';
import { DigestAuthenticator } from './digest.js';
import { dialDestination } from './dialler.js';
import { DrachtioCall, type DrachtioCallDeps } from './drachtio-call.js';
import { DrachtioListenIn } from './listen-in.js';
import { AdmissionControl, eventLoopLag } from './admission.js';
import { fsmrfConnector } from './fsmrf-connection.js';
import { authorizeInbound, callParties } from './inbound.js';
import { TelephonyError } from './media-leg.js';
import { MediaServerPool, type FsMediaServer, type MediaServerState, type TelephonyLogger } from './media-pool.js';
import { createOutboundRouter } from './outbound-routing.js';
import { DrachtioOutboundCalls, type PlacedCallDeps } from './placed-calls.js';
import { Registrar, type PhoneCredential } from './registrar.js';
import { callIdOf, type SipAgent, type SipRequest, type SipResponse } from './sip.js';
import { admissionRefusals, answerSeconds, callsActive, callsTotal, mediaServersUp, reportAdmission, telephonyErrors } from './telephony-metrics.js';
import { TeamsHubMonitor, type HubState } from './teams-hubs.js';
import { DEFAULT_VOICE_ACTIVITY } from './voice-activity.js';

export interface CallMeta {
  did: string;
  from: string;
  trunk?: string;
}

/** A call this engine refused, or could not set up, after the caller's trunk was admitted. */
export interface RefusedCall extends CallMeta {
  callId: string;
  /** When the INVITE arrived (ms since the epoch). */
  at: number;
  /** The SIP status the caller got (503 with Retry-After for overload and set-up failures). */
  status: number;
  /** refused: turned away (overload, no media server, a number not on the trunk, no SDP); failed-setup: admitted, but its media could not be set up. */
  outcome: 'refused' | 'failed-setup';
  /** Why, in words (no digits of the caller's). */
  detail: string;
}

export interface TelephonyStatus {
  drachtio: 'connected' | 'connecting' | 'disconnected';
  mediaServers: { name: string; state: MediaServerState }[];
  activeCalls: number;
  teamsHubs?: { hub: string; state: HubState }[];
  registeredAgents: number;
}

export interface TelephonyService {
  status(): TelephonyStatus;
  /** Where agents' phones are registered (for the queue). */
  readonly agents: Registrar;
  /** Calls the engine places itself (callbacks). */
  readonly outbound: OutboundCalls;
  /** Supervisors listening in on the advisers' calls this engine holds. */
  readonly listenIn: DrachtioListenIn;
  close(): Promise<void>;
}

/** The slice of drachtio-srf's Srf that the service uses; the real Srf satisfies it. */
export interface SipEdge extends SipAgent {
  connect(opts: { host: string; port: number; secret: string }): unknown;
  disconnect(): void;
  on(event: 'connect', listener: (err: Error | null, hostport?: string) => void): unknown;
  on(event: 'reconnecting' | 'close' | 'error', listener: (arg?: unknown) => void): unknown;
  invite(handler: (req: SipRequest, res: SipResponse) => void): unknown;
  register(handler: (req: SipRequest, res: SipResponse) => void): unknown;
  options(handler: (req: SipRequest, res: SipResponse) => void): unknown;
}

export interface StartTelephonyOptions {
  onCall(call: CallChannel, meta: CallMeta): Promise<void>;
  /** Told of every call refused or failed before its flow started, so it leaves a record. Must not throw or wait. */
  onRefused?(call: RefusedCall): void;
  logger: TelephonyLogger;
  clock?: Clock;
  /** Agents' SIP credentials held in the agents table (agents.useAgentsTable). */
  lookupAgent?(username: string): Promise<PhoneCredential | undefined>;
  /** Where agents' phone registrations are kept (the database: every engine sees every phone). */
  registrations: RegistrationRepository;
  /** Written on each registration this engine takes. */
  engineInstanceId?: string;
  /** For tests: the SIP edge and media-server connector (default: drachtio-srf and drachtio-fsmrf). */
  sipEdge?: SipEdge;
  connectMediaServer?(config: MediaServerConfig): Promise<FsMediaServer>;
  readRecording?(path: string): Promise<Uint8Array>;
  /** Audio URLs for text in languages the media server's TTS cannot speak (see DrachtioCallDeps.speechFor). */
  speechFor?(text: string, language: string): string | undefined;
  /** What became of each listen-in (connected, ended, never connected): the audit log. */
  onListenIn?(event: ListenInEvent): void;
}

/**
 * Starts real telephony: connects to drachtio-server (drachtio-srf reconnects by itself with
 * back-off) and the FreeSWITCH pool, answers INVITEs (admission control, trunk allow-list or
 * digest auth, DID → onCall), runs the agents' registrar and the Teams keep-alives. Never throws
 * for an unreachable server: the status says what is down and calls get 503 until it is back.
 */
export async function startTelephony(config: TelephonyConfig, options: StartTelephonyOptions): Promise<TelephonyService> {
  const { logger } = options;
  const clock = options.clock ?? new SystemClock();
  const now = () => clock.now();
  const srf: SipEdge = options.sipEdge ?? (new Srf() as unknown as SipEdge);
  let drachtioState: TelephonyStatus['drachtio'] = 'connecting';
  // drachtio-srf retries every few hundred ms while drachtio-server is down: say so once, not each time.
  let lastDrachtioError: string | undefined;

  srf.on('connect', (err, hostport) => {
    if (err) {
      drachtioState = 'disconnected';
      logger.error(`drachtio-server at ${config.drachtio.host}:${config.drachtio.port} refused the engine: ${err.message} (check drachtio.secret)`);
      return;
    }
    drachtioState = 'connected';
    lastDrachtioError = undefined;
    logger.info(`connected to drachtio-server ${config.drachtio.host}:${config.drachtio.port} (SIP on ${hostport ?? 'unknown'})`);
  });
  srf.on('reconnecting', () => {
    drachtioState = 'connecting';
  });
  srf.on('close', () => {
    if (drachtioState === 'connected') logger.error('lost the connection to drachtio-server; reconnecting');
    drachtioState = 'connecting';
  });
  srf.on('error', (error) => {
    telephonyErrors.inc({ kind: 'drachtio' });
    const message = (error as Error)?.message ?? String(error);
    if (message === lastDrachtioError) return;
    lastDrachtioError = message;
    logger.error(`drachtio-server ${config.drachtio.host}:${config.drachtio.port}: ${message}${drachtioState === 'connected' ? '' : ' (retrying)'}`);
  });

  let lateFailures = 0;
  const connectMediaServer =
    options.connectMediaServer ??
    fsmrfConnector(srf, (what, error) => {
      // A library promise nobody handled (fsmrf's connection timeout): counted and logged, never fatal.
      telephonyErrors.inc({ kind: 'late-rejection' });
      if (lateFailures++ % 100 === 0) logger.error(`drachtio-fsmrf: ${what} failed after its 4 s connection timeout (${lateFailures} so far; the call was already refused)`, error);
    });
  const pool = new MediaServerPool(config.mediaServers, connectMediaServer, clock, logger);
  const lag = eventLoopLag();
  const admission = new AdmissionControl(config.admission, now, { mediaServers: () => pool.load(), loopLagMs: () => lag.lagMs() });
  reportAdmission({ setupsInFlight: () => admission.setupsInFlight, loopLagMs: () => lag.lagMs(), mediaServers: () => pool.load() });
  const digest = new DigestAuthenticator(config.agents.realm, now, { key: config.drachtio.secret });
  const registrar = new Registrar(config.agents, digest, clock, options.registrations, {
    ...(options.lookupAgent ? { lookupAgent: options.lookupAgent } : {}),
    ...(options.engineInstanceId ? { engineInstanceId: options.engineInstanceId } : {}),
  });

  let teams: TeamsHubMonitor | undefined;
  if (config.teams?.enabled) {
    const { sbcFqdn, port, hubs, optionsIntervalSeconds, failuresBeforeDown } = config.teams;
    teams = new TeamsHubMonitor({
      hubs,
      intervalMs: optionsIntervalSeconds * 1000,
      failuresBeforeDown,
      clock,
      logger,
      sendOptions: async (hub) => {
        const sent = await srf.request(`sip:${hub}:5061;transport=tls`, {
          method: 'OPTIONS',
          headers: { Contact: `<sip:${sbcFqdn}:${port};transport=tls>`, From: `<sip:frontdoor@${sbcFqdn}>` },
        });
        return new Promise<number>((resolve) => sent.on('response', (res) => resolve(res.status)));
      },
    });
  }
  const route = createOutboundRouter(config, registrar, () => teams?.usableHubs() ?? []);
  const listenIn = new DrachtioListenIn({
    route,
    // The supervisor's channel is made on the adviser's channel's media server: eavesdrop works within one.
    dial: (destination, request, signal, mediaServer) =>
      dialDestination({ sip: srf, route, clock, createLeg: (opts) => pool.createLeg({ ...opts, on: mediaServer }) }, destination, request, signal),
    clock,
    logger,
    report: (event) => options.onListenIn?.(event),
  });
  const callerSpeech = config.audioFork.enabled ? await startCallerAudio(config, logger) : undefined;
  const readRecording = options.readRecording ?? ((path: string) => readFile(path));
  /** What every call on this engine — answered or placed — is made with. */
  const callDeps: PlacedCallDeps = {
    sip: srf,
    createLeg: (opts) => pool.createLeg(opts),
    route,
    clock,
    logger,
    readRecording: async (path) => new Uint8Array(await readRecording(path)),
    settings: { ttsVoice: config.ttsVoice, recordingsDir: config.recordingsDir, recordCalls: config.recordCalls },
    listening: listenIn,
    ...(options.speechFor ? { speechFor: options.speechFor } : {}),
    ...(callerSpeech ? { callerSpeech } : {}),
  };
  const outbound = new DrachtioOutboundCalls(callDeps);

  const retryAfter = { 'Retry-After': String(config.admission.retryAfterSeconds) };
  const refusals = refusalLog(logger);
  const send = (res: SipResponse, status: number, result: string, headers: Record<string, string> = {}) => {
    callsTotal.inc({ result });
    if (!res.finalResponseSent) res.send(status, { headers });
  };
  /** Refuses a call from an admitted trunk: it is answered, counted, logged (in summary) and recorded. */
  const refuse = (res: SipResponse, call: Omit<RefusedCall, 'status'>, status: number, result: string, headers: Record<string, string> = {}, why = result) => {
    send(res, status, result, headers);
    refusals.add(why, `call ${call.callId}: ${call.detail}`);
    try {
      options.onRefused?.({ ...call, status });
    } catch (error) {
      logger.error(`call ${call.callId}: could not record its refusal`, error);
    }
  };

  srf.invite((req, res) => {
    const at = now();
    void handleInvite(req, res, at).catch((error: unknown) => {
      // Never 500: whatever went wrong, the trunk may retry elsewhere.
      telephonyErrors.inc({ kind: error instanceof TelephonyError ? error.code : 'invite' });
      logger.error(`call ${callIdOf(req)}: ${(error as Error).message}`, error);
      send(res, 503, 'failed', retryAfter);
    });
  });

  async function handleInvite(req: SipRequest, res: SipResponse, receivedAt: number): Promise<void> {
    const verdict = authorizeInbound(req, config.trunks, digest);
    if (verdict.kind === 'challenge') return send(res, 401, 'challenged', { 'WWW-Authenticate': verdict.header });
    if (verdict.kind === 'forbidden') {
      logger.info(`call ${callIdOf(req)} refused: ${verdict.reason}`);
      return send(res, 403, 'forbidden');
    }
    const trunk = verdict.trunk;
    const parties = callParties(req, trunk?.defaultCountry ?? config.trunks[0]?.defaultCountry ?? 'GB');
    const meta: CallMeta = { did: parties.did, from: parties.from, ...(trunk ? { trunk: trunk.name } : {}) };
    const call = { ...meta, callId: callIdOf(req), at: receivedAt };
    if (trunk && trunk.inbound.dids.length && !trunk.inbound.dids.includes(parties.did)) {
      return refuse(res, { ...call, outcome: 'refused', detail: `the number is not one of trunk ${trunk.name}'s` }, 404, 'refused');
    }
    if (!req.body) {
      return refuse(res, { ...call, outcome: 'refused', detail: 'no SDP offer' }, 488, 'refused', { Warning: '399 frontdoor "an SDP offer is required"' });
    }
    if (!pool.hasCapacity()) return refuse(res, { ...call, outcome: 'refused', detail: 'no media server can take a call' }, 503, 'no_media_server', retryAfter);
    const slot = admission.tryAdmit();
    if (!slot.admitted) {
      admissionRefusals.inc({ reason: slot.reason });
      return refuse(res, { ...call, outcome: 'refused', detail: `overload: ${slot.detail}` }, 503, 'overloaded', retryAfter, `overload (${slot.reason})`);
    }
    let cancelled = false;
    req.on('cancel', () => {
      cancelled = true;
    });
    try {
      // createEndpoint + our own createUAS (not fsmrf's connectCaller, which leaks the FreeSWITCH
      // channel when the caller CANCELs while it runs).
      let media;
      try {
        media = await pool.createLeg({ remoteSdp: req.body });
      } catch (error) {
        telephonyErrors.inc({ kind: error instanceof TelephonyError ? error.code : 'setup' });
        if (cancelled) return send(res, 487, 'cancelled');
        return refuse(res, { ...call, outcome: 'failed-setup', detail: (error as Error).message.slice(0, 200) }, 503, 'failed', retryAfter);
      }
      if (cancelled) {
        callsTotal.inc({ result: 'cancelled' });
        await media.release();
        return;
      }
      const channel = new DrachtioCall({
        ...callDeps,
        callId: call.callId,
        from: parties.from,
        to: parties.did,
        signalling: { kind: 'inbound', request: req, response: res },
        media,
        onAnswered: () => {
          slot.setUpDone();
          answerSeconds.observe((now() - receivedAt) / 1000);
        },
      });
      callsTotal.inc({ result: 'admitted' });
      callsActive.inc();
      try {
        await options.onCall(channel, meta);
      } finally {
        callsActive.dec();
        slot.setUpDone();
        await channel.hangup();
      }
    } finally {
      slot.release();
    }
  }

  srf.register((req, res) => {
    void registrar.handleRegister(req, res).catch((error: unknown) => {
      logger.error(`REGISTER from ${req.source_address}: ${(error as Error).message}`, error);
      if (!res.finalResponseSent) res.send(500);
    });
  });
  // Microsoft's proxies (and trunks) send OPTIONS too: answer while we can take calls.
  srf.options((_req, res) => res.send(pool.hasCapacity() ? 200 : 503));

  srf.connect({ host: config.drachtio.host, port: config.drachtio.port, secret: config.drachtio.secret });
  await pool.start();
  teams?.start();
  const stopSweeping = new AbortController();
  void sweepRegistrations(registrar, clock, logger, stopSweeping.signal);
  const updateMediaGauge = () => mediaServersUp.set(pool.status().filter((s) => s.state === 'connected').length);
  updateMediaGauge();

  return {
    agents: registrar,
    outbound,
    listenIn,
    status() {
      updateMediaGauge();
      return {
        drachtio: drachtioState,
        mediaServers: pool.status().map(({ name, state }) => ({ name, state })),
        activeCalls: admission.activeCalls,
        ...(teams ? { teamsHubs: teams.status() } : {}),
        registeredAgents: registrar.registeredAgents(),
      };
    },
    async close() {
      stopSweeping.abort();
      listenIn.close();
      teams?.stop();
      lag.stop();
      reportAdmission(undefined);
      await callerSpeech?.forks.close();
      await pool.close();
      try {
        srf.disconnect();
      } catch {
        // Never connected.
      }
      drachtioState = 'disconnected';
    },
  };
}

/** How often refusals are summed up in the log (the first of a quiet spell is logged at once). */
const REFUSAL_LOG_MS = 10_000;

/** Refusals logged as a summary: under overload one line per refused call would itself be load. */
function refusalLog(logger: TelephonyLogger): { add(why: string, detail: string): void } {
  const counts = new Map<string, number>();
  let window: NodeJS.Timeout | undefined;
  const flush = () => {
    window = undefined;
    if (!counts.size) return;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    logger.info(`refused ${total} more call(s) in ${REFUSAL_LOG_MS / 1000} s: ${[...counts].map(([why, n]) => `${n} × ${why}`).join('; ')}`);
    counts.clear();
  };
  return {
    add(why, detail) {
      if (!window) {
        logger.info(`refusing a call: ${detail}`);
        window = setTimeout(flush, REFUSAL_LOG_MS);
        window.unref();
        return;
      }
      counts.set(why, (counts.get(why) ?? 0) + 1);
    },
  };
}

/** How often expired registrations are swept out of the database (and the health count refreshed). */
const REGISTRATION_SWEEP_MS = 30_000;

async function sweepRegistrations(registrar: Registrar, clock: Clock, logger: TelephonyLogger, signal: AbortSignal): Promise<void> {
  let failing = false;
  for (;;) {
    try {
      await registrar.sweep();
      failing = false;
    } catch (error) {
      // The database is away (restarting): say so once, keep trying.
      if (!failing) logger.error('registrations: could not sweep expired phone registrations', error);
      failing = true;
    }
    try {
      await clock.sleep(REGISTRATION_SWEEP_MS, signal);
    } catch {
      return;
    }
  }
}

/** How often a media server that cannot stream callers' audio is logged (each failure is counted). */
const AUDIO_FORK_LOG_EVERY_MS = 10 * 60_000;

/**
 * The websocket server mod_audio_fork streams callers' audio to, bound where the media servers
 * reach it (the first media server's listen/advertised addresses unless telephony.audioFork says).
 */
async function startCallerAudio(config: TelephonyConfig, logger: TelephonyLogger): Promise<NonNullable<DrachtioCallDeps['callerSpeech']>> {
  const fork: AudioForkConfig = config.audioFork;
  const first = config.mediaServers[0]!;
  const advertisedAddress = fork.advertisedAddress ?? first.advertisedAddress;
  const forks = await AudioForkServer.start({
    listenAddress: fork.listenAddress ?? first.listenAddress,
    listenPort: fork.listenPort,
    ...(advertisedAddress ? { advertisedAddress } : {}),
    ...(fork.advertisedPort ? { advertisedPort: fork.advertisedPort } : {}),
    logger,
  });
  logger.info(`audio fork: media servers stream callers' audio to ${forks.baseUrl}`);
  const settings: CallerSpeechSettings = {
    sampleRateHz: fork.sampleRate,
    voice: { ...DEFAULT_VOICE_ACTIVITY, thresholdDb: fork.speechThresholdDb, minSpeechMs: fork.minSpeechMs, endSilenceMs: fork.endSilenceMs },
    preRollMs: fork.preRollMs,
  };
  const lastLogged = new Map<string, number>();
  return {
    forks,
    settings,
    unavailable(mediaServer, reason) {
      telephonyErrors.inc({ kind: 'audio_fork' });
      const now = Date.now();
      if (now - (lastLogged.get(mediaServer) ?? -Infinity) < AUDIO_FORK_LOG_EVERY_MS) return;
      lastLogged.set(mediaServer, now);
      logger.error(
        `media server ${mediaServer} could not stream a caller's audio (${reason}); answers are recorded after the prompt instead. Is mod_audio_fork loaded, and can it reach ${forks.baseUrl}? (further failures are counted in frontdoor_telephony_errors_total{kind="audio_fork"})`,
      );
    },
  };
}
