import type { Clock, Destination, DialOptions, DialResult, OutboundCalls } from '../../../ports/index.js';
import { formatDestination } from '../../../core/destination.js';
import { ringFarEnd } from './ring-far-end.js';
import { SimulatedCall } from './simulated-call.js';
import type { World } from './world.js';

/**
 * Calls the engine places itself, in the simulated world (designer test calls, flow tests, benches): the
 * destination rings and answers as the world says (world.destinations, exactly as for a bridge), and the
 * answered party is a SimulatedCall driven by the world's `actions` for it — it hangs up when the flow
 * waits for it and it has nothing more to do.
 */
export class SimulatedOutboundCalls implements OutboundCalls {
  /** Every call placed and answered, in order (tests look at what each far end heard). */
  readonly answered: SimulatedCall[] = [];
  private placed = 0;

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
  ) {}

  async dial(destination: Destination, options: DialOptions): Promise<DialResult> {
    options.signal.throwIfAborted();
    this.placed += 1;
    const rang = await ringFarEnd(this.world, this.clock, destination, options);
    if (rang.kind !== 'answered') return rang;
    const call = new SimulatedCall({
      callId: options.callId ?? `placed-${this.placed}`,
      from: options.callerId,
      to: formatDestination(destination),
      clock: this.clock,
      input: rang.actions,
      world: this.world,
    });
    await call.answer();
    this.answered.push(call);
    return { kind: 'answered', call };
  }
}
