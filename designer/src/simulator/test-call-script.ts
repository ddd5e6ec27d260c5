import type { CallEvent } from '../../../engine/src/ports/call-events.js';

/** A scripted test call as .calls.json keeps it (the engine's testCallSchema). */
export interface SavedTestCall {
  name: string;
  at?: string;
  from?: string;
  world?: Record<string, unknown>;
  caller: Array<{ press: string } | { say: string } | { silence: true } | { hangup: true }>;
  expect: { path: string[]; outcome: string; endsAt?: string };
}

/** How a payment ended → the world's (fake) payment service that ends it so without a card. */
const PAYMENT_WORLD: Record<string, string> = { paid: 'paid', declined: 'declined', abandoned: 'abandoned', error: 'error' };

/**
 * A test call the designer placed, as a scripted test call that does the same again: what the caller did,
 * as the flow took it (each entry the flow read, so keys pressed one at a time become one entry), and what
 * the call did (the steps it went through, where and how it ended) as what the test expects.
 */
export function scriptFromCall(events: readonly CallEvent[], options: { name: string; at?: string; from?: string; world?: Record<string, unknown> }): SavedTestCall {
  const caller: SavedTestCall['caller'] = [];
  const path: string[] = [];
  let outcome = 'failed';
  let endsAt: string | undefined;
  let payment: string | undefined;
  for (const event of events) {
    // A subflow's own steps (flow/node) are not this flow's path.
    const own = event.nodeId === undefined || !event.nodeId.includes('/');
    if (event.type === 'node.entered' && own && event.nodeId) path.push(event.nodeId);
    else if (event.type === 'input.digits' && own) {
      const digits = String(event.data.digits ?? '');
      // Hidden keys (card details) are the payment service's, never the script's.
      if (/^[0-9*#]+$/.test(digits)) caller.push({ press: digits });
    } else if (event.type === 'input.speech' && own) {
      const said = String(event.data.transcript ?? '');
      caller.push(said ? { say: said } : { silence: true });
    } else if (event.type === 'input.none' && own) caller.push({ silence: true });
    else if (event.type === 'payment.ended' && own) payment = PAYMENT_WORLD[String(event.data.status)] ?? payment;
    else if (event.type === 'call.ended') {
      outcome = String(event.data.outcome ?? 'failed');
      endsAt = event.nodeId;
    }
  }
  if (outcome === 'callerHungUp') caller.push({ hangup: true });
  // Card details never reach the script: the payment service is told how the payment went instead.
  const world = payment && options.world?.payments === undefined ? { ...options.world, payments: payment } : options.world;
  return {
    name: options.name,
    ...(options.at ? { at: options.at } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(world && Object.keys(world).length ? { world } : {}),
    caller,
    expect: { path, outcome, ...(endsAt ? { endsAt } : {}) },
  };
}
