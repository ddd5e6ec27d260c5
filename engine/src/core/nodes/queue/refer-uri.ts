import type { TransferTarget } from '../../../ports/desk.js';

/**
 * The Refer-To URI of an adviser's transfer, as the queue node reads it back (referTarget in
 * queue-2.node.ts): `sip:queue.<id>@…` another queue, `sip:agent.<id>@…` one agent, `tel:+44…` a number.
 * The desk's browser phone sends it in a REFER; the desk's engine-held legs hand it to the bridge.
 */
export function referUriOf(target: TransferTarget, domain = 'frontdoor.invalid'): string {
  if (target.kind === 'queue') return `sip:queue.${target.queueId}@${domain}`;
  if (target.kind === 'agent') return `sip:agent.${target.agentId}@${domain}`;
  return `tel:${target.e164}`;
}
