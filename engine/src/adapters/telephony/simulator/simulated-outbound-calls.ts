import type { Clock, Destination, DialOptions, DialResult, OutboundCalls } from '../../../ports/index.js';
import { formatDestination } from '../../../core/destination.js';
import { ringInWorld, SimulatedCall } from './simulated-call.js';
import type { World } from './world.js';

/**
 * Calls the engine places, in the simulated world (callbacks: an agent, then the caller's number):
 * destinations answer as the world says, and an answered one is a SimulatedCall the engine plays to and
 * bridges onward, like the SIP adapter's placed calls.
 */
export class SimulatedOutboundCalls implements OutboundCalls {
  /** Every call placed, in order, and how it went. */
  readonly placed: { destination: string; result: DialResult['kind']; call?: SimulatedCall }[] = [];
  private calls = 0;

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
  ) {}

  async dial(destination: Destination, options: DialOptions): Promise<DialResult> {
    const to = formatDestination(destination);
    const rang = await ringInWorld(this.world, this.clock, destination, options);
    if (rang !== 'answer') {
      this.placed.push({ destination: to, result: rang });
      return rang === 'failed' ? { kind: 'failed', reason: `${to} could not be reached (simulated)` } : { kind: rang };
    }
    // The far end says nothing and stays until the engine hangs up (or its own talk ends the bridge).
    const call = new SimulatedCall({ callId: options.callId ?? `placed-${++this.calls}`, from: options.callerId, to, clock: this.clock, input: 'live', world: this.world });
    this.placed.push({ destination: to, result: 'answered', call });
    return { kind: 'answered', call };
  }
}
