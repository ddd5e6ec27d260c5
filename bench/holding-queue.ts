/**
 * The engine bench's queue: every caller joins and waits, and no agent is ever free — which is all the
 * 20,000-call journey needs of a queue (its callers hang up after two minutes of waiting). It stands in
 * for the ACD so the engine bench measures the call-flow runtime, not the database: the real ACD,
 * dispatching through PostgreSQL with two engine instances, has its own bench (bench/acd-bench.ts).
 * Places are counted with a Fenwick tree, so 20,000 callers announcing their place cost O(log n) each.
 */
import type { AgentOffer, QueueJoinRequest, QueueJoinResult, QueuePort, QueueStatus, QueueTicket } from '../engine/src/ports/index.js';
import { DEFAULT_QUEUE_SETTINGS } from '../engine/src/queue/queue-settings.js';

class Line {
  private tree = new Int32Array(1024);
  private joined = 0;

  /** A new caller at the back; returns their number in arrival order (1-based). */
  add(): number {
    this.joined++;
    if (this.joined >= this.tree.length) {
      const grown = new Int32Array(this.tree.length * 2);
      // Rebuild: a Fenwick tree is not a plain prefix of a bigger one.
      for (let i = 1; i < this.tree.length; i++) if (this.count(i) - this.count(i - 1) === 1) Line.bump(grown, i, 1);
      this.tree = grown;
    }
    Line.bump(this.tree, this.joined, 1);
    return this.joined;
  }

  remove(index: number): void {
    Line.bump(this.tree, index, -1);
  }

  /** Callers still waiting who arrived at or before `index`. */
  count(index: number): number {
    let sum = 0;
    for (let i = index; i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  private static bump(tree: Int32Array, index: number, by: number): void {
    for (let i = index; i < tree.length; i += i & -i) tree[i]! += by;
  }
}

class HoldingTicket implements QueueTicket {
  private left = false;

  constructor(
    private readonly line: Line,
    private readonly index: number,
    readonly waitingSince: number,
  ) {}

  get ticketId(): string {
    return `held-${this.index}`;
  }

  async status(): Promise<QueueStatus | undefined> {
    return this.left ? undefined : { position: this.line.count(this.index), open: true, agentsLoggedIn: 1 };
  }

  nextOffer(signal: AbortSignal): Promise<AgentOffer> {
    return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  }

  async answered(): Promise<void> {}
  async missed(): Promise<void> {}
  async talkEnded(): Promise<void> {}
  async callback(): Promise<{ kind: 'gone' }> {
    return { kind: 'gone' };
  }
  async raisePriority(): Promise<void> {}
  async note(): Promise<void> {}

  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.line.remove(this.index);
  }
}

export class HoldingQueue implements QueuePort {
  private readonly lines = new Map<string, Line>();

  constructor(private readonly now: () => number) {}

  async join(request: QueueJoinRequest): Promise<QueueJoinResult> {
    let line = this.lines.get(request.queueId);
    if (!line) this.lines.set(request.queueId, (line = new Line()));
    const queue = { id: request.queueId, name: request.queueId, serviceLine: '', settings: DEFAULT_QUEUE_SETTINGS };
    return { kind: 'joined', ticket: new HoldingTicket(line, line.add(), this.now()), queue };
  }
}
