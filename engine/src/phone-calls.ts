/**
 * Real phone calls, as the composition root wires them: DID → published flow version (the number's
 * fallback flow, then the catch-all number, for the rest), runCall on that version with every event
 * written to PostgreSQL. A call keeps the version it started on: publishing only changes what the
 * next call gets.
 */
import { recordCall } from './adapters/storage/postgres/call-recorder.js';
import { EngineError } from './core/engine-error.js';
import { parseFlow } from './core/flow/parse-flow.js';
import { hasErrors } from './core/flow/diagnostics.js';
import type { Flow } from './core/flow/schema.js';
import type { FlowPorts } from './core/runtime/ports.js';
import { runCall } from './core/runtime/run-call.js';
import type { Logger } from './logging.js';
import type { CallChannel } from './ports/call-channel.js';
import type { FlowSource } from './ports/flow-source.js';
import type { PaymentGateway } from './ports/payment-gateway.js';
import type { QueuePort } from './ports/queue.js';
import type { FlowVersion, Store } from './ports/store.js';

/** The engine's log (main.ts passes it through the redaction layer once, for everyone). */
export type EngineLogger = Logger;

/**
 * Published flows, parsed once per version (versions never change). Subflows get the version that is
 * published now; the store's publication feed (LISTEN/NOTIFY or polling) keeps "now" current.
 */
export class PublishedFlows implements FlowSource {
  private readonly parsed = new Map<string, Flow>();
  private readonly current = new Map<string, FlowVersion | undefined>();

  constructor(
    private readonly store: Store,
    private readonly logger: EngineLogger,
  ) {
    store.onFlowPublished(({ flowId, version }) => {
      this.current.delete(flowId);
      logger.info(`flow ${flowId}: version ${version} is now published; new calls get it`);
    });
  }

  /** The runnable flow of a stored version; undefined (and logged) if the stored graph does not parse. */
  flowOf(version: FlowVersion): Flow | undefined {
    const key = `${version.flowId}@${version.version}`;
    let flow = this.parsed.get(key);
    if (!flow) {
      const { flow: parsed, diagnostics } = parseFlow(version.graph);
      if (!parsed || hasErrors(diagnostics)) {
        this.logger.error(`flow ${key} cannot run: ${diagnostics.map((d) => d.message).join('; ')}`);
        return undefined;
      }
      this.parsed.set(key, (flow = parsed));
    }
    return flow;
  }

  async published(flowId: string): Promise<Flow | undefined> {
    if (!this.current.has(flowId)) this.current.set(flowId, await this.store.flows.published(flowId));
    const version = this.current.get(flowId);
    return version && this.flowOf(version);
  }
}

/** A port this engine has no adapter for yet: the node fails as an infrastructure fault, so the flow's error edge or fallback (apologise, offer a person) takes over. */
function unavailable(what: string): never {
  throw new EngineError(`${what}-unavailable`, `${what} is not configured on this engine`);
}

/**
 * Card payments on real calls with no payment service configured: the payment node takes its error exit
 * (never a fake: real callers' cards must only ever be keyed into the real Pay360).
 */
export const UNCONFIGURED_PAYMENTS: PaymentGateway = {
  start: async (request) => ({
    kind: 'finished',
    result: { status: 'error', reason: 'not-configured', currency: request.currency, reference: request.reference, merchantReference: request.merchantReference },
  }),
  awaitResult: async (session) => ({ status: 'error', reason: 'not-configured', currency: 'GBP', reference: session.reference, merchantReference: session.merchantReference }),
};

export const UNCONFIGURED_PORTS: Pick<FlowPorts, 'payments' | 'queue'> = {
  payments: UNCONFIGURED_PAYMENTS,
  queue: { join: async () => unavailable('queue') } satisfies QueuePort,
};

/** Telephony's onCall: route, run, record. Never throws — a call that cannot be routed is refused politely. */
export function phoneCallHandler(deps: { store: Store; flows: PublishedFlows; ports: FlowPorts; engineInstanceId: string; logger: EngineLogger }) {
  const { store, flows, ports, engineInstanceId, logger } = deps;
  return async (call: CallChannel, meta: { did: string; from: string }): Promise<void> => {
    const route = await store.numbers.route(meta.did).catch((error: unknown) => {
      logger.error(`call from ${meta.from} to ${meta.did}: could not look up the number`, error);
      return undefined;
    });
    const flow = route?.kind === 'flow' ? flows.flowOf(route.flow) : undefined;
    if (!route || route.kind !== 'flow' || !flow) {
      if (route?.kind === 'unknown') logger.warn(`call from ${meta.from} to ${meta.did}: no flow is published for this number (and no * number)`);
      await call.hangup('no-route').catch(() => undefined);
      return;
    }
    if (route.usedFallback) logger.warn(`call to ${meta.did}: its flow has no published version; using fallback flow ${route.flow.flowId}`);
    const recorder = recordCall(
      store.calls,
      {
        id: call.callId,
        kind: 'phone',
        from: meta.from,
        to: meta.did,
        flowId: route.flow.flowId,
        flowVersion: route.flow.version,
        startedAt: new Date(ports.clock.now()),
        engineInstanceId,
      },
      (what, error) => logger.error(`could not store ${what}`, error),
    );
    const result = await runCall({ flow, call, ports: { ...ports, flows }, events: recorder.events });
    await recorder.finish({ endedAt: new Date(ports.clock.now()), outcome: result.outcome, endedAtNode: result.endedAt });
  };
}
