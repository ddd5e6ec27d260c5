/**
 * Real phone calls: DID → published flow version (the number's fallback flow, then the catch-all
 * number, for the rest), runCall on that version with the engine's phone ports (call-ports.ts), and the
 * call's record and events written behind it (call-recorder.ts). A call keeps the version it started
 * on: publishing only changes what the next call gets. Calls that never reach a flow — refused by
 * admission control, failed while their media was set up, or dialled to a number with no flow —
 * leave a record too.
 */
import { runCall } from '../core/runtime/run-call.js';
import type { CallChannel } from '../ports/call-channel.js';
import type { FlowPorts } from '../ports/flow-ports.js';
import type { EngineLogger } from '../ports/logger.js';
import { recordCall, recordEndedCall, type CallLog } from './call-recorder.js';
import { callSeconds, callsEnded, callsRefused, callsStarted } from '../metrics.js';
import type { PublishedFlows } from './published-flows.js';
import type { RunningCalls } from './running-calls.js';

export interface PhoneCallDeps {
  flows: PublishedFlows;
  ports: FlowPorts;
  engineInstanceId: string;
  logger: EngineLogger;
  /** The engine's call records (engine-calls.ts). */
  log: CallLog;
  /** The calls this engine runs now (an adviser's "take payment" finds its call here). */
  running?: RunningCalls;
}

/** A call refused before its flow started (the telephony adapter's RefusedCall). */
export interface RefusedPhoneCall {
  callId: string;
  did: string;
  from: string;
  /** When the INVITE arrived (ms since the epoch). */
  at: number;
  outcome: 'refused' | 'failed-setup';
  detail: string;
}

/** Telephony's onCall: route, run, record. Never throws — a call that cannot be routed is refused politely. */
export function phoneCallHandler(deps: PhoneCallDeps) {
  const { flows, engineInstanceId, logger, log, running } = deps;
  // A call's record is written behind it; the ACD writes the queue half onto the call's row, so the row
  // is written first (at once, if it was still waiting) when a caller joins a queue.
  const ports: FlowPorts = {
    ...deps.ports,
    queue: {
      join: async (request) => {
        await log.recorded(request.callId);
        return deps.ports.queue.join(request);
      },
    },
  };
  return async (call: CallChannel, meta: { did: string; from: string }): Promise<void> => {
    const startedAt = new Date(ports.clock.now());
    const start = { id: call.callId, kind: 'phone' as const, from: meta.from, to: meta.did, startedAt, engineInstanceId };
    const route = await flows.route(meta.did).catch((error: unknown) => {
      logger.error(`call to ${meta.did}: could not look up the number`, error, { callId: call.callId });
      return undefined;
    });
    const flow = route?.kind === 'flow' ? flows.flowOf(route.flow) : undefined;
    if (!route || route.kind !== 'flow' || !flow) {
      if (route?.kind === 'unknown') logger.warn(`call to ${meta.did}: no flow is published for this number (and no * number)`, { callId: call.callId });
      callsRefused.inc({ reason: route ? 'no-route' : 'lookup-failed' });
      await call.hangup('no-route').catch(() => undefined);
      const detail = !route ? 'the number could not be looked up' : route.kind === 'unknown' ? 'no flow is published for this number' : `flow ${route.flow.flowId} version ${route.flow.version} cannot run`;
      recordEndedCall(log, start, { endedAt: new Date(ports.clock.now()), outcome: 'no-route', outcomeDetail: detail });
      return;
    }
    if (route.usedFallback) logger.warn(`call to ${meta.did}: its flow has no published version; using fallback flow ${route.flow.flowId}`, { callId: call.callId, flowId: route.flow.flowId });
    const fields = { callId: call.callId, flowId: route.flow.flowId, flowVersion: route.flow.version };
    callsStarted.inc();
    const answeredAt = ports.clock.now();
    const recorder = recordCall(log, { ...start, flowId: route.flow.flowId, flowVersion: route.flow.version });
    const result = await runCall({ flow, call, ports, events: recorder.events, ...(running ? { attach: running.attach } : {}) });
    callsEnded.inc({ outcome: result.outcome });
    callSeconds.observe((ports.clock.now() - answeredAt) / 1000);
    logger.info(`call ended: ${result.outcome}`, { ...fields, outcome: result.outcome, endedAtNode: result.endedAt });
    recorder.finish({ endedAt: new Date(ports.clock.now()), outcome: result.outcome, endedAtNode: result.endedAt });
  };
}

/** Telephony's onRefused: the refused call's record (no flow; it started and ended when it was refused). */
export function refusedCallRecorder(deps: { log: CallLog; engineInstanceId: string }) {
  return (call: RefusedPhoneCall): void => {
    const at = new Date(call.at);
    recordEndedCall(
      deps.log,
      { id: call.callId, kind: 'phone', from: call.from, to: call.did, startedAt: at, engineInstanceId: deps.engineInstanceId },
      // Details come from libraries' errors too: no run of digits (a number) is kept.
      { endedAt: at, outcome: call.outcome, outcomeDetail: call.detail.replace(/\d{6,}/g, '…').slice(0, 300) },
    );
  };
}
