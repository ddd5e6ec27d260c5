/**
 * Call records written behind the calls. Every call's start, events and end go into one queue for the
 * whole engine; a writer takes what has gathered and writes it in one transaction (new calls, then
 * events, then ends — see CallLogBatch), at most one transaction at a time and about once a second
 * (at 20 calls/s: one transaction for about 240 records, where each record was a transaction of its own).
 * A call never waits for the database: it is answered, hears its prompts and ends whatever the
 * database is doing. Writes stay in order (one writer, FIFO), and nothing is dropped while the database
 * is away: the batch goes back to the front of the queue and is tried again, with growing waits. Only a
 * call whose own records the database refuses (a constraint, not an outage) is reported and dropped, so
 * one bad call never holds up the rest.
 */
import type { CallEvent, CallEventSink } from '../ports/call-events.js';
import type { CallEnd, CallLogBatch, CallRepository, CallStart } from '../ports/store.js';

/**
 * How long records gather before they are written (at most one write in flight at a time). A
 * transaction's own cost is most of the cost on the embedded database (measured on PGlite: ≈ 4 ms of
 * CPU a transaction, ≈ 0.5 ms a call's records within one), so fewer, larger transactions.
 */
export const FLUSH_MS = 1_000;
/** Most records in one transaction; more waiting are written at once, in further transactions. */
const MAX_BATCH = 2_000;
/** Waits between attempts while the database is away. */
const RETRY_MS = [250, 500, 1_000, 2_000, 5_000];
/** Most records kept waiting for the database; past this, new records are counted as lost and reported. */
const MAX_PENDING = 200_000;

type Item = { kind: 'start'; start: CallStart } | { kind: 'event'; event: CallEvent } | { kind: 'end'; callId: string; end: CallEnd };

const callOf = (item: Item): string => (item.kind === 'start' ? item.start.id : item.kind === 'event' ? item.event.callId : item.callId);

function batchOf(items: readonly Item[]): CallLogBatch {
  const batch: CallLogBatch = { starts: [], events: [], ends: [] };
  for (const item of items) {
    if (item.kind === 'start') batch.starts.push(item.start);
    else if (item.kind === 'event') batch.events.push(item.event);
    else batch.ends.push({ callId: item.callId, end: item.end });
  }
  return batch;
}

export interface CallLogOptions {
  /** A record that could not be stored (what, why); also told, once per outage, that the database is away. */
  onError(what: string, error: unknown): void;
  /** Is the database answering? Tells an outage (keep and retry) from records it refuses (drop). */
  healthy(): Promise<boolean>;
  /** Told after each write with how many records wait (for metrics). */
  onWritten?(written: number, pending: number): void;
}

/** The engine's call records, written behind the calls. */
export class CallLog {
  private queue: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private outage = 0;
  private lost = 0;
  private closed = false;
  private readonly waiters: { upTo: number; resolve: () => void }[] = [];
  /** Records ever queued, and ever settled (written or dropped): `flushed()` waits for the first to reach the second. */
  private queued = 0;
  private settled = 0;
  /** Calls whose start is queued and may not be written yet: the count of records queued up to and including it. */
  private readonly starts = new Map<string, number>();

  constructor(
    private readonly calls: CallRepository,
    private readonly options: CallLogOptions,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  start(start: CallStart): void {
    if (this.add({ kind: 'start', start })) this.starts.set(start.id, this.queued);
  }

  event(event: CallEvent): void {
    this.add({ kind: 'event', event });
  }

  end(callId: string, end: CallEnd): void {
    this.starts.delete(callId);
    this.add({ kind: 'end', callId, end });
  }

  /**
   * Resolves once the call's start is in the database (written now if it was waiting), for work that
   * writes onto the call's row itself — the ACD's queue half of the record. Calls never wait for this
   * otherwise.
   */
  recorded(callId: string): Promise<void> {
    const upTo = this.starts.get(callId);
    this.starts.delete(callId);
    if (upTo === undefined || this.settled >= upTo) return Promise.resolve();
    this.schedule(0);
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  /** Resolves once every record queued so far has been written (or reported and dropped). */
  flushed(): Promise<void> {
    if (this.settled >= this.queued) return Promise.resolve();
    this.schedule(0);
    return new Promise((resolve) => this.waiters.push({ upTo: this.queued, resolve }));
  }

  /** Writes what is queued (trying for at most `giveUpMs` while the database is away) and stops. */
  async close(giveUpMs = 10_000): Promise<void> {
    const done = this.flushed();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, giveUpMs).unref());
    await Promise.race([done, timeout]);
    this.closed = true;
    clearTimeout(this.timer);
    // Nobody waits past the end (what was not written is reported below).
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    if (this.queue.length) this.options.onError(`${this.queue.length} call records`, new Error('not written before the engine stopped (the database was away)'));
  }

  /** False when the record was lost (too many waiting). */
  private add(item: Item): boolean {
    if (this.queue.length >= MAX_PENDING) {
      if (this.lost++ === 0) this.options.onError('call records', new Error(`more than ${MAX_PENDING} waiting for the database: new records are being lost`));
      return false;
    }
    this.queue.push(item);
    this.queued += 1;
    this.schedule(this.queue.length >= MAX_BATCH ? 0 : FLUSH_MS);
    return true;
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.writing) return;
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writeQueued().finally(() => {
        this.writing = undefined;
        if (this.queue.length && !this.closed) {
          // Someone waiting (flushed(), recorded()) or a full batch: at once.
          this.schedule(this.outage ? RETRY_MS[Math.min(this.outage, RETRY_MS.length) - 1]! : this.queue.length >= MAX_BATCH || this.waiters.length ? 0 : FLUSH_MS);
        }
      });
    }, delayMs);
    this.timer.unref();
  }

  private async writeQueued(): Promise<void> {
    const items = this.queue.splice(0, MAX_BATCH);
    if (items.length === 0) return;
    let failure: unknown;
    try {
      await this.calls.write(batchOf(items));
      this.written(items.length);
      return;
    } catch (error) {
      failure = error;
    }
    if (!(await this.options.healthy().catch(() => false))) {
      // The database is away: keep everything, in order, and try again later.
      if (this.outage++ === 0) this.options.onError(`call records (${items.length} waiting): the database is not answering; they are kept and written when it is back`, failure);
      this.queue.unshift(...items);
      return;
    }
    // The database answers but refused the batch: write each call on its own, so only the calls whose
    // records it refuses are lost (and reported), never the others.
    const byCall = new Map<string, Item[]>();
    for (const item of items) {
      const callId = callOf(item);
      const list = byCall.get(callId);
      if (list) list.push(item);
      else byCall.set(callId, [item]);
    }
    for (const [callId, callItems] of byCall) {
      try {
        await this.calls.write(batchOf(callItems));
      } catch (error) {
        this.options.onError(`call ${callId}: ${callItems.length} records`, error);
      }
      this.written(callItems.length);
    }
  }

  private written(count: number): void {
    this.outage = 0;
    this.settled += count;
    this.options.onWritten?.(count, this.queue.length);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.settled >= this.waiters[i]!.upTo) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }
}

export interface CallRecorder {
  /** The call's event log, in order. */
  readonly events: CallEventSink;
  /** Ends the call's record (after its last events). Returns at once: the record is written behind the call. */
  finish(end: CallEnd): void;
}

/** One call's record on the engine's call log: its start now, its events as they happen, its end. */
export function recordCall(log: CallLog, start: CallStart): CallRecorder {
  log.start(start);
  return {
    events: { append: (event) => log.event(event) },
    finish: (end) => log.end(start.id, end),
  };
}

/** A call that ended before its flow began (refused, or its media could not be set up): its whole record at once. */
export function recordEndedCall(log: CallLog, start: CallStart, end: CallEnd): void {
  log.start(start);
  log.end(start.id, end);
}
