import pg from 'pg';
import type { FlowPublication, Store } from '../../../ports/store.js';
import type { AcdOffer, AcdSignal } from '../../../ports/acd.js';
import { acdRepository } from './acd-repository.js';
import { ACD_CHANNEL } from './acd-rows.js';
import { agentStateRepository } from './agent-state-repository.js';
import { apiTokenRepository, auditRepository, sessionRepository, userRepository } from './access-repositories.js';
import { callRepository } from './call-repository.js';
import { paymentRepository } from './payment-repository.js';
import { agentRepository, holidayCalendarRepository, queueRepository, scheduleRepository } from './crud-repository.js';
import type { Database } from './database.js';
import { breakReasonRepository, deskRepository, dispositionCodeRepository } from './desk-repository.js';
import { engineInstanceRepository } from './engine-instance-repository.js';
import { FLOW_PUBLISHED_CHANNEL, flowRepository } from './flow-repository.js';
import { numberRepository } from './number-repository.js';
import { promptRepository } from './prompt-repository.js';
import { registrationRepository } from './registration-repository.js';
import { loginThrottle, secretRepository } from './security-repositories.js';
import { isDatabaseUnavailable, isRefusedValue } from './unavailable.js';

export interface StoreLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface PostgresStoreOptions {
  logger?: StoreLogger;
  /** How often to look for publications when LISTEN/NOTIFY is not delivered (default 2 s). */
  pollIntervalMs?: number;
  /** How long to wait for our own test notification before falling back to polling (default 500 ms). */
  notifyProbeMs?: number;
}

/**
 * The Store over one `pg` pool — the same code for the embedded database and a real PostgreSQL server.
 * Closing the store does not close the database (the caller opened it).
 */
export async function createPostgresStore(database: Database, options: PostgresStoreOptions = {}): Promise<Store & { publicationDelivery: 'notify' | 'polling' }> {
  const { pool } = database;
  const logger = options.logger ?? { info: (m: string) => console.info(m), warn: (m: string) => console.warn(m) };
  const acdSignals = new AcdSignals();
  const publications = new PublicationFeed(pool, acdSignals);
  const delivery = await publications.start(database.url, logger, options.pollIntervalMs ?? 2_000, options.notifyProbeMs ?? 500);

  return {
    kind: database.kind,
    publicationDelivery: delivery,
    flows: flowRepository(pool, (p) => publications.announce(p)),
    numbers: numberRepository(pool),
    prompts: promptRepository(pool),
    schedules: scheduleRepository(pool),
    holidayCalendars: holidayCalendarRepository(pool),
    queues: queueRepository(pool),
    agents: agentRepository(pool),
    agentStates: agentStateRepository(pool, (signal) => acdSignals.announce(signal)),
    acd: acdRepository(pool, (signal) => acdSignals.announce(signal)),
    breakReasons: breakReasonRepository(pool),
    dispositionCodes: dispositionCodeRepository(pool),
    desk: deskRepository(pool),
    calls: callRepository(pool),
    payments: paymentRepository(pool),
    users: userRepository(pool),
    sessions: sessionRepository(pool),
    apiTokens: apiTokenRepository(pool),
    audit: auditRepository(pool),
    loginThrottle: loginThrottle(pool),
    secrets: secretRepository(pool),
    engineInstances: engineInstanceRepository(pool, (signal) => acdSignals.announce(signal)),
    registrations: registrationRepository(pool),
    async health() {
      try {
        await pool.query('SELECT 1');
        return { kind: database.kind, ok: true };
      } catch (error) {
        return { kind: database.kind, ok: false, error: (error as Error).message };
      }
    },
    isUnavailable: isDatabaseUnavailable,
    isRefusedValue,
    onFlowPublished: (listener) => publications.subscribe(listener),
    onAcdSignal: (listener) => acdSignals.subscribe(listener),
    close: () => publications.stop(),
  };
}

/** Longest wait between two attempts to re-open the LISTEN connection. */
export const MAX_RELISTEN_DELAY_MS = 15_000;

/**
 * Publications from every engine sharing the database. LISTEN/NOTIFY when the server delivers
 * notifications to a listening connection (real PostgreSQL); otherwise polling of the flows table
 * (PGlite's socket server runs one session for all connections, so a NOTIFY reaches only the connection
 * that sent it). Each (flow, version) is delivered once, however it arrives. When the LISTEN connection
 * is lost (PostgreSQL restarted), it is opened again with growing waits, and what was published while
 * it was away is read from the flows table, so no publication is missed.
 */
class PublicationFeed {
  private readonly listeners = new Set<(publication: FlowPublication) => void>();
  private readonly latest = new Map<string, number>();
  private listener: pg.Client | undefined;
  private poller: NodeJS.Timeout | undefined;
  private polling: Promise<boolean> | undefined;
  private relisten: NodeJS.Timeout | undefined;
  private stopped = false;
  private url = '';
  private logger: StoreLogger = { info: () => undefined, warn: () => undefined };
  private probed: () => void = () => undefined;

  constructor(
    private readonly pool: pg.Pool,
    /** Where ACD signals from other engines go (the same listening connection carries them). */
    private readonly acdSignals: AcdSignals,
  ) {}

  async start(url: string, logger: StoreLogger, pollIntervalMs: number, probeMs: number): Promise<'notify' | 'polling'> {
    this.url = url;
    this.logger = logger;
    await this.poll(false);
    let startProbeTimer: () => void = () => undefined;
    const probe = new Promise<boolean>((resolve) => {
      this.probed = () => resolve(true);
      // Timed from the test NOTIFY, not from connecting: a slow connect (a busy machine) is not a missing NOTIFY.
      startProbeTimer = () => setTimeout(() => resolve(false), probeMs).unref();
    });
    const client = await this.listen();
    await this.pool.query('SELECT pg_notify($1, $2)', [FLOW_PUBLISHED_CHANNEL, JSON.stringify({ probe: true })]);
    startProbeTimer();
    if (await probe) {
      this.watch(client);
      return 'notify';
    }
    this.listener = undefined;
    await client.end();
    logger.info(
      `flow publications: a test NOTIFY did not reach a LISTENing connection within ${probeMs} ms (PGlite serves every connection from one session); polling every ${pollIntervalMs} ms instead`,
    );
    this.poller = setInterval(() => void this.poll(true), pollIntervalMs);
    this.poller.unref();
    return 'polling';
  }

  /** A new connection LISTENing on the publications channel. */
  private async listen(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000 });
    client.on('error', (error) => this.logger.warn(`publication listener: ${error.message}`));
    client.on('notification', (message) => {
      if (message.channel === ACD_CHANNEL && message.payload !== undefined) {
        this.acdSignals.fromAnotherEngine(message.payload, this.logger);
        return;
      }
      if (message.channel !== FLOW_PUBLISHED_CHANNEL || message.payload === undefined) return;
      let publication: FlowPublication | { probe: true };
      try {
        publication = JSON.parse(message.payload) as FlowPublication | { probe: true };
      } catch {
        return;
      }
      if ('probe' in publication) this.probed();
      else this.announce(publication);
    });
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${FLOW_PUBLISHED_CHANNEL}`);
      await client.query(`LISTEN ${ACD_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  /** When `client` ends other than by stop(), open another and catch up. */
  private watch(client: pg.Client): void {
    client.once('end', () => {
      if (this.stopped || this.listener !== client) return;
      this.listener = undefined;
      this.logger.warn('publication listener: the connection to the database was lost; opening it again');
      this.scheduleRelisten(0);
    });
  }

  private scheduleRelisten(attempt: number): void {
    const delay = Math.min(MAX_RELISTEN_DELAY_MS, 250 * 2 ** attempt);
    this.relisten = setTimeout(() => {
      this.relisten = undefined;
      if (this.stopped) return;
      this.listen().then(
        async (client) => {
          if (this.stopped) return void (await client.end().catch(() => undefined));
          this.watch(client);
          this.logger.info('publication listener: listening again; reading what was published meanwhile');
          await this.catchUp();
        },
        () => this.scheduleRelisten(attempt + 1),
      );
    }, delay);
    this.relisten.unref();
  }

  /** Reads what was published while the listener was away, until the database answers. */
  private async catchUp(): Promise<void> {
    for (let attempt = 0; !this.stopped && !(await this.poll(true)); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RELISTEN_DELAY_MS, 250 * 2 ** attempt)).unref());
    }
  }

  subscribe(listener: (publication: FlowPublication) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers a publication unless this (flow, version) or a later one was delivered already. */
  announce(publication: FlowPublication): void {
    if ((this.latest.get(publication.flowId) ?? 0) >= publication.version) return;
    this.latest.set(publication.flowId, publication.version);
    for (const listener of this.listeners) listener(publication);
  }

  /** Reads every flow's published version; false when the database could not be read. */
  private poll(announce: boolean): Promise<boolean> {
    this.polling ??= (async () => {
      try {
        const { rows } = await this.pool.query<{ id: string; published_version: number }>(
          'SELECT id, published_version FROM flows WHERE published_version IS NOT NULL AND deleted_at IS NULL',
        );
        for (const row of rows) {
          const publication = { flowId: row.id, version: row.published_version };
          if (announce) this.announce(publication);
          else this.latest.set(publication.flowId, publication.version);
        }
        return true;
      } catch {
        // The database is briefly unreachable: the next poll tries again.
        return false;
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    if (this.relisten) clearTimeout(this.relisten);
    await this.polling;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    this.listeners.clear();
  }
}

/** The ACD's signals (ports/acd.ts AcdSignal), delivered to this process's listeners at once. */
class AcdSignals {
  private readonly listeners = new Set<(signal: AcdSignal) => void>();

  subscribe(listener: (signal: AcdSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(signal: AcdSignal): void {
    for (const listener of this.listeners) listener(signal);
  }

  /** A NOTIFY from another engine's dispatch pass (acd_dispatch): an offer for a caller this engine may hold. */
  fromAnotherEngine(payload: string, logger: StoreLogger): void {
    try {
      const signal = JSON.parse(payload) as { kind: string; realm: string; offer?: Omit<AcdOffer, 'offeredAt' | 'offerExpiresAt'> & { offeredAt: string; offerExpiresAt: string } };
      if (signal.kind === 'offer' && signal.offer) {
        const { offeredAt, offerExpiresAt } = signal.offer;
        this.announce({ kind: 'offer', realm: signal.realm, offer: { ...signal.offer, offeredAt: new Date(offeredAt), offerExpiresAt: new Date(offerExpiresAt) } });
      }
      else if (signal.kind === 'wake') this.announce({ kind: 'wake', realm: signal.realm });
    } catch (error) {
      logger.warn(`ACD signal not understood (${(error as Error).message}): ${payload.slice(0, 200)}`);
    }
  }
}
