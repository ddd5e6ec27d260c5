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
    const answerAt = this.clock.now() + behaviour.answerAfterSeconds * 1000;
    const { clock } = this;
    const queueLine = line;
    const ticket: QueueTicket = {
      ticketId: `${request.queueId}-${entry.joined}`,
      async position() {
        return placeIn(queueLine, entry) + 1;
      },
      async estimatedWaitMs() {
        return Math.max(0, answerAt - clock.now());
      },
      async nextOffer(signal: AbortSignal): Promise<AgentOffer> {
        await clock.sleep(Math.max(0, answerAt - clock.now()), signal);
        const agentId = `simulated-agent-${request.queueId}`;
        return { agentId, destination: { kind: 'agent', agentId } };
      },
      async offerResult() {},
      async leave() {
        const index = placeIn(queueLine, entry);
        if (queueLine[index] === entry) queueLine.splice(index, 1);
      },
    };
    return { kind: 'joined', ticket };
  }
}
