import type { Destination } from '../../../ports/call-channel.js';
import type { DialOptions, DialResult, OutboundCalls } from '../../../ports/outbound-calls.js';
import { dialDestination } from './dialler.js';
import { DrachtioCall, type DrachtioCallDeps } from './drachtio-call.js';
import { outboundCallsTotal } from './telephony-metrics.js';

/** What a placed call shares with every other call of the adapter. */
export type PlacedCallDeps = Omit<DrachtioCallDeps, 'callId' | 'from' | 'to' | 'signalling' | 'media' | 'onAnswered'>;

/** How a destination reads in a call record and the logs: agent:alice, tel:+44…, teams:+44…, or the SIP URI. */
export function describeDestination(destination: Destination): string {
  switch (destination.kind) {
    case 'agent':
      return `agent:${destination.agentId}`;
    case 'number':
      return destination.e164;
    case 'teams':
      return `teams:${destination.e164}`;
    case 'sip':
      return destination.uri;
  }
}

/**
 * Calls the engine places itself (a callback: the agent first, then the caller's number through the
 * outbound trunk): the destination is routed and rung like a bridge's far end, and once it answers it
 * becomes a DrachtioCall of its own — played to, collected from and bridged onward like an inbound
 * caller's call. The caller of `dial` hangs it up when done.
 */
export class DrachtioOutboundCalls implements OutboundCalls {
  constructor(private readonly deps: PlacedCallDeps) {}

  async dial(destination: Destination, options: DialOptions): Promise<DialResult> {
    const outcome = await dialDestination(this.deps, destination, { ringTimeoutMs: options.ringTimeoutMs, callerId: options.callerId }, options.signal);
    outboundCallsTotal.inc({ result: outcome.kind });
    if (outcome.kind !== 'answered') return outcome;
    const callId = options.callId ?? outcome.dialog.sip?.callId ?? `${outcome.leg.uuid}@frontdoor`;
    const call = new DrachtioCall({
      ...this.deps,
      callId,
      from: options.callerId,
      to: describeDestination(destination),
      signalling: { kind: 'placed', dialog: outcome.dialog },
      media: outcome.leg,
    });
    this.deps.logger.info(`call ${callId}: placed to ${describeDestination(destination)}, answered`);
    return { kind: 'answered', call };
  }
}
