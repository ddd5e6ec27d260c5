import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * pglite-socket runs one protocol message at a time and, while a connection has a transaction open,
 * serves only that connection — but it lets other connections' messages in between the
 * Parse/Bind/Execute/Sync of one parameterised query, so under load one connection's Bind lands on
 * another's statement ("unnamed prepared statement does not exist"). SessionQueue replaces its queue so a
 * connection keeps the session from its first extended-protocol message to its Sync, as well as for a
 * whole transaction, and one failed message cannot stall the queue (upstream: electric-sql/pglite issue
 * #1046, pull request #977; drop SessionQueue once a fixed release is in).
 */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/** Frontend message types that end an exchange: Sync ('S') and simple Query ('Q'). */
const ENDS_EXCHANGE = new Set([0x53, 0x51]);
/** Extended-protocol messages that open one: Parse, Bind, Describe, Execute, Close, Flush. */
const IN_EXCHANGE = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * pglite-socket's query queue, with the session held by one connection from the first message of an
 * extended-protocol exchange to its Sync (and for a whole transaction, as before).
 */
export class SessionQueue {
  private readonly queue: QueuedMessage[] = [];
  private processing = false;
  /** The connection that holds the session (mid-exchange or in a transaction), if any. */
  private owner: number | undefined;
  private exchangeOpen = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = this.owner === undefined ? 0 : this.queue.findIndex((m) => m.handlerId === this.owner);
        if (index === -1) break; // the owner has not sent its next message yet
        const [item] = this.queue.splice(index, 1);
        if (!item) break;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          item.reject(error);
          continue;
        }
        const type = item.message[0] ?? 0;
        if (ENDS_EXCHANGE.has(type)) this.exchangeOpen = false;
        else if (IN_EXCHANGE.has(type)) this.exchangeOpen = true;
        this.owner = this.exchangeOpen || this.db.isInTransaction() ? item.handlerId : undefined;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.handlerId === handlerId) this.queue.splice(i, 1)[0]!.reject(new Error('Handler disconnected'));
    }
  }

  /** A connection went away holding the session: end its exchange and transaction so others can go on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    // The raw protocol call runs under the query lock, as the queue's own calls do; exec() takes the lock itself.
    if (this.exchangeOpen) await this.db.runExclusive(() => this.db.execProtocolRaw(SYNC));
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.exchangeOpen = false;
    this.owner = undefined;
    await this.process();
  }
}

export function useSessionQueue(server: PGLiteSocketServer, db: PGlite): void {
  const internals = server as unknown as { queryQueue?: unknown };
  if (!('queryQueue' in internals)) {
    throw new Error('@electric-sql/pglite-socket changed: PGLiteSocketServer has no queryQueue to replace (see embedded-postgres.ts)');
  }
  internals.queryQueue = new SessionQueue(db);
}
