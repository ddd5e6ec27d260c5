/**
 * Real phone calls: DID → published flow version (the number's fallback flow, then the catch-all
 * number, for the rest), runCall on that version with the engine's phone ports (call-ports.ts) and
 * every event written to PostgreSQL. A call keeps the version it started on: publishing only changes
 * what the next call gets.
 */
import { runCall } from '../core/runtime/run-call.js';
import type { CallChannel } from '../ports/call-channel.js';
import type { FlowPorts } from '../ports/flow-ports.js';
import type { EngineLogger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { recordCall } from './call-recorder.js';
import { callSeconds, callsEnded, callsRefused, callsStarted } from '../metrics.js';
import type { PublishedFlows } from './published-flows.js';
import type { RunningCalls } from './running-calls.js';

/** Telephony's onCall: route, run, record. Never throws — a call that cannot be routed is refused politely. */
export function phoneCallHandler(deps: { store: Store; flows: PublishedFlows; ports: FlowPorts; engineInstanceId: string; logger: EngineLogger; running?: RunningCalls }) {
  const { store, flows, ports, engineInstanceId, logger, running } = deps;
  return async (call: CallChannel, meta: { did: string; from: string }): Promise<void> => {
    const route = await store.numbers.route(meta.did).catch((error: unknown) => {
      logger.error(`call to ${meta.did}: could not look up the number`, error, { callId: call.callId });
      return undefined;
    });
    const flow = route?.kind === 'flow' ? flows.flowOf(route.flow) : undefined;
    if (!route || route.kind !== 'flow' || !flow) {
      if (route?.kind === 'unknown') logger.warn(`call to ${meta.did}: no flow is published for this number (and no * number)`, { callId: call.callId });
      callsRefused.inc({ reason: route ? 'no-route' : 'lookup-failed' });
      await call.hangup('no-route').catch(() => undefined);
      return;
    }
    if (route.usedFallback) logger.warn(`call to ${meta.did}: its flow has no published version; using fallback flow ${route.flow.flowId}`, { callId: call.callId, flowId: route.flow.flowId });
    const fields = { callId: call.callId, flowId: route.flow.flowId, flowVersion: route.flow.version };
    callsStarted.inc();
    const answeredAt = ports.clock.now();
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
      (what, error) => logger.error(`could not store ${what}`, error, fields),
    );
    const result = await runCall({ flow, call, ports, events: recorder.events, ...(running ? { attach: running.attach } : {}) });
    callsEnded.inc({ outcome: result.outcome });
    callSeconds.observe((ports.clock.now() - answeredAt) / 1000);
    logger.info(`call ended: ${result.outcome}`, { ...fields, outcome: result.outcome, endedAtNode: result.endedAt });
    await recorder.finish({ endedAt: new Date(ports.clock.now()), outcome: result.outcome, endedAtNode: result.endedAt });
  };
}
