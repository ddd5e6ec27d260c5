import type { AgentOffer, Clock, QueueJoinRequest, QueueJoinResult, QueuePort, QueueTicket } from '../../../ports/index.js';
import type { World } from './world.js';

/** When a world names no behaviour for a queue, an agent answers after this long. */
export const DEFAULT_ANSWER_AFTER_SECONDS = 10;

/**
 * A queue where a simulated agent becomes free after the world's `answerAfterSeconds`, or which is
 * full, closed or has nobody logged in. Callers wait in priority order, then arrival order.
 */
export class SimulatedQueue implements QueuePort {
  private readonly waiting = new Map<string, { priority: number; joined: number }[]>();
  private tickets = 0;

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
  ) {}

  async join(request: QueueJoinRequest): Promise<QueueJoinResult> {
    const behaviour = this.world.queues[request.queueId] ?? { answerAfterSeconds: DEFAULT_ANSWER_AFTER_SECONDS };
    if (typeof behaviour === 'string') return { kind: behaviour };
    const line = this.waiting.get(request.queueId) ?? [];
    this.waiting.set(request.queueId, line);
    const entry = { priority: request.priority, joined: this.tickets++ };
    line.push(entry);
    const answerAt = this.clock.now() + behaviour.answerAfterSeconds * 1000;
    const clock = this.clock;
    const remove = () => {
      const index = line.indexOf(entry);
      if (index >= 0) line.splice(index, 1);
    };
    const ticket: QueueTicket = {
      ticketId: `${request.queueId}-${entry.joined}`,
      async position() {
        return 1 + line.filter((other) => other !== entry && (other.priority > entry.priority || (other.priority === entry.priority && other.joined < entry.joined))).length;
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
        remove();
      },
    };
    return { kind: 'joined', ticket };
  }
}
