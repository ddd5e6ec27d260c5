import pg from 'pg';
import type { FlowPublication, Store } from '../../../ports/store.js';
import { apiTokenRepository, auditRepository, sessionRepository, userRepository } from './access-repositories.js';
import { callRepository } from './call-repository.js';
import { paymentRepository } from './payment-repository.js';
import { agentRepository, holidayCalendarRepository, queueRepository, scheduleRepository } from './crud-repository.js';
import type { Database } from './database.js';
import { engineInstanceRepository } from './engine-instance-repository.js';
import { FLOW_PUBLISHED_CHANNEL, flowRepository } from './flow-repository.js';
import { numberRepository } from './number-repository.js';
import { promptRepository } from './prompt-repository.js';

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
  const publications = new PublicationFeed(pool);
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
    calls: callRepository(pool),
    payments: paymentRepository(pool),
    users: userRepository(pool),
    sessions: sessionRepository(pool),
    apiTokens: apiTokenRepository(pool),
    audit: auditRepository(pool),
    engineInstances: engineInstanceRepository(pool),
    async health() {
      try {
        await pool.query('SELECT 1');
        return { kind: database.kind, ok: true };
      } catch (error) {
        return { kind: database.kind, ok: false, error: (error as Error).message };
      }
    },
    onFlowPublished: (listener) => publications.subscribe(listener),
    close: () => publications.stop(),
  };
}

/**
 * Publications from every engine sharing the database. LISTEN/NOTIFY when the server delivers
 * notifications to a listening connection (real PostgreSQL); otherwise polling of the flows table
 * (PGlite's socket server runs one session for all connections, so a NOTIFY reaches only the connection
 * that sent it). Each (flow, version) is delivered once, however it arrives.
 */
class PublicationFeed {
  private readonly listeners = new Set<(publication: FlowPublication) => void>();
  private readonly latest = new Map<string, number>();
  private listener: pg.Client | undefined;
  private poller: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(private readonly pool: pg.Pool) {}

  async start(url: string, logger: StoreLogger, pollIntervalMs: number, probeMs: number): Promise<'notify' | 'polling'> {
    await this.poll(false);
    const client = new pg.Client({ connectionString: url });
    client.on('error', (error) => logger.warn(`publication listener: ${error.message}`));
    let probed: () => void = () => undefined;
    const probe = new Promise<boolean>((resolve) => {
      probed = () => resolve(true);
      setTimeout(() => resolve(false), probeMs).unref();
    });
    client.on('notification', (message) => {
      if (message.channel !== FLOW_PUBLISHED_CHANNEL || message.payload === undefined) return;
      const publication = JSON.parse(message.payload) as FlowPublication | { probe: true };
      if ('probe' in publication) probed();
      else this.announce(publication);
    });
    await client.connect();
    await client.query(`LISTEN ${FLOW_PUBLISHED_CHANNEL}`);
    await this.pool.query('SELECT pg_notify($1, $2)', [FLOW_PUBLISHED_CHANNEL, JSON.stringify({ probe: true })]);
    if (await probe) {
      this.listener = client;
      return 'notify';
    }
    await client.end();
    logger.info(
      `flow publications: a test NOTIFY did not reach a LISTENing connection within ${probeMs} ms (PGlite serves every connection from one session); polling every ${pollIntervalMs} ms instead`,
    );
    this.poller = setInterval(() => void this.poll(true), pollIntervalMs);
    this.poller.unref();
    return 'polling';
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

  private poll(announce: boolean): Promise<void> {
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
      } catch {
        // The database is briefly unreachable: the next poll tries again.
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  async stop(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    await this.polling;
    await this.listener?.end();
    this.listeners.clear();
  }
}
