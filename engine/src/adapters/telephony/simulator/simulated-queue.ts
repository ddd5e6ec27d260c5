import type { AgentOffer, Clock, QueueJoinRequest, QueueJoinResult, QueuePort, QueueTicket } from '../../../ports/index.js';
import type { World } from './world.js';

/** When a world names no behaviour for a queue, an agent answers after this long. */
export const DEFAULT_ANSWER_AFTER_SECONDS = 10;

interface Waiting {
  priority: number;
  /** Arrival order across the simulator. */
  joined: number;
}

/** Served first: higher priority, then earlier arrival. */
const ahead = (a: Waiting, b: Waiting): boolean => a.priority > b.priority || (a.priority === b.priority && a.joined < b.joined);

/** Where `entry` sits (or would sit) in a line kept in serving order. */
function placeIn(line: readonly Waiting[], entry: Waiting): number {
  let low = 0;
  let high = line.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ahead(line[middle]!, entry)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A queue where a simulated agent becomes free after the world's `answerAfterSeconds`, or which is
 * full, closed or has nobody logged in. Callers wait in priority order, then arrival order; the line
 * is kept sorted so a caller's position is found by binary search (benches hold tens of thousands).
 */
export class SimulatedQueue implements QueuePort {
  private readonly lines = new Map<string, Waiting[]>();
  private arrivals = 0;

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
  ) {}

  async join(request: QueueJoinRequest): Promise<QueueJoinResult> {
    const behaviour = this.world.queues[request.queueId] ?? { answerAfterSeconds: DEFAULT_ANSWER_AFTER_SECONDS };
    if (typeof behaviour === 'string') return { kind: behaviour };
    let line = this.lines.get(request.queueId);
    if (!line) this.lines.set(request.queueId, (line = []));
    const entry: Waiting = { priority: request.priority, joined: this.arrivals++ };
    line.splice(placeIn(line, entry), 0, entry);
    const ticket = new SimulatedTicket(request.queueId, line, entry, this.clock.now() + behaviour.answerAfterSeconds * 1000, this.clock);
    return { kind: 'joined', ticket };
  }
}

/** A caller's place in a simulated queue (a class: a bench holds tens of thousands). */
class SimulatedTicket implements QueueTicket {
  readonly ticketId: string;

  constructor(
    private readonly queueId: string,
    private readonly line: Waiting[],
    private readonly entry: Waiting,
    private readonly answerAt: number,
    private readonly clock: Clock,
  ) {
    this.ticketId = `${queueId}-${entry.joined}`;
  }

  async position(): Promise<number> {
    return placeIn(this.line, this.entry) + 1;
  }

  async estimatedWaitMs(): Promise<number> {
    return Math.max(0, this.answerAt - this.clock.now());
  }

  async nextOffer(signal: AbortSignal): Promise<AgentOffer> {
    await this.clock.sleep(Math.max(0, this.answerAt - this.clock.now()), signal);
    const agentId = `simulated-agent-${this.queueId}`;
    return { agentId, destination: { kind: 'agent', agentId } };
  }

  async offerResult(): Promise<void> {}

  async leave(): Promise<void> {
    const index = placeIn(this.line, this.entry);
    if (this.line[index] === this.entry) this.line.splice(index, 1);
  }
}
