/**
 * Several engines behind one drachtio-server, sharing one PostgreSQL: the set-up the ACD scenarios
 * run on (acd-scenarios.ts), and its own proof that what must be shared is — drachtio shares callers
 * out between the engines, and an agent's phone, registered through whichever engine drachtio handed
 * its REGISTER to, is rung by every engine.
 */
import { join } from 'node:path';
import type { JsonObject } from '../../engine/src/ports/store.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../scripts/test-postgres.js';
import { secondsOfTone, readWav } from './harness/audio.js';
import { Baresip } from './harness/baresip.js';
import { EngineProcess } from './harness/engine.js';
import { check, type Report } from './harness/report.js';
import { runSipp } from './harness/sipp.js';
import type { PhoneAccount, Stack } from './harness/stack.js';

export const SHARED_ENGINE_SCENARIOS = {
  agentOnEveryEngine: 'two engines, one drachtio-server, one PostgreSQL: callers shared between them; an agent’s phone registered through either is rung by both',
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SharedEngines {
  postgres: PrivatePostgres;
  engines: EngineProcess[];
  stop(): Promise<void>;
}

/** `count` engines on one private PostgreSQL, each with its own HTTP port, all connected to the stack. */
export async function startSharedEngines(
  stack: Stack,
  workDir: string,
  options: { count: number; firstHttpPort: number; phones: PhoneAccount[]; trunkPort?: number; recordCalls?: boolean; clockEnv?: Record<string, string>; heartbeatSeconds?: number; deadAfterSeconds?: number },
): Promise<SharedEngines> {
  const postgres = await startPrivatePostgres();
  const engines: EngineProcess[] = [];
  const stop = async () => {
    await Promise.all(engines.map((e) => e.stop()));
    postgres.dispose();
  };
  try {
    // One after the other: the first migrates the database and seeds the example flows.
    for (let i = 0; i < options.count; i += 1) {
      engines.push(
        await EngineProcess.start({
          name: `engine-${i + 1}`,
          stack,
          workDir,
          httpPort: options.firstHttpPort + i,
          databaseUrl: postgres.url,
          phones: options.phones,
          ...(options.trunkPort ? { trunkPort: options.trunkPort } : {}),
          ...(options.recordCalls ? { recordCalls: true } : {}),
          ...(options.clockEnv ? { clockEnv: options.clockEnv } : {}),
          ...(options.heartbeatSeconds ? { heartbeatSeconds: options.heartbeatSeconds } : {}),
          ...(options.deadAfterSeconds ? { deadAfterSeconds: options.deadAfterSeconds } : {}),
        }),
      );
    }
    return { postgres, engines, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Publishes a flow on `did` through the engine's API (it is in the shared database: every engine runs it). */
export async function publishFlow(engine: EngineProcess, flow: JsonObject & { id: string }, did: string): Promise<void> {
  const created = await engine.api<{ id: string; draftRevision: number }>('POST', '/api/flows', flow);
  check(created.status === 201, `creating flow ${flow.id} answered ${created.status}: ${JSON.stringify(created.json)}`);
  const published = await engine.api('POST', `/api/flows/${flow.id}/publish`, { revision: created.json.draftRevision, note: 'test:sip' });
  check(published.status === 201, `publishing flow ${flow.id} answered ${published.status}: ${JSON.stringify(published.json)}`);
  const numbered = await engine.api('POST', '/api/numbers', { did, flowId: flow.id, label: 'test:sip' });
  check(numbered.status === 201, `routing ${did} answered ${numbered.status}: ${JSON.stringify(numbered.json)}`);
}

/** A flow that puts the caller through to `agent:<id>` (Transfer in bridge mode), then says goodbye. */
export function agentBridgeFlow(id: string, agentId: string): JsonObject & { id: string } {
  const end = { text: { 'en-GB': 'Thank you for calling. Goodbye.' } };
  return {
    schemaVersion: 1,
    id,
    name: `test:sip — put through to ${agentId}`,
    languages: ['en-GB'],
    entry: 'connect',
    nodes: [
      {
        id: 'connect',
        kind: 'transfer',
        version: 1,
        params: { destination: `agent:${agentId}`, mode: 'bridge', ringTimeoutMs: 20_000, prompt: { text: { 'en-GB': 'Putting you through.' } } },
        ui: { x: 0, y: 0 },
      },
      { id: 'bye', kind: 'hangup', version: 1, params: { prompt: end }, ui: { x: 0, y: 200 } },
    ],
    edges: ['transferred', 'busy', 'noAnswer', 'failed'].map((outcome) => ({ id: `connect--${outcome}`, from: 'connect', outcome, to: 'bye' })),
  };
}

interface CallRow {
  id: string;
  to: string;
  engineInstanceId: string;
  outcome?: string;
}

export async function runSharedEngineScenarios(stack: Stack, workDir: string, report: Report): Promise<void> {
  const agent = { username: 'agent9', password: 'agent9-digest-pw', agentId: 'agent9' };
  const did = '+441234599301';
  let shared: SharedEngines | undefined;
  let phone: Baresip | undefined;
  await report.run(SHARED_ENGINE_SCENARIOS.agentOnEveryEngine, async () => {
    shared = await startSharedEngines(stack, workDir, { count: 2, firstHttpPort: 18_091, phones: [agent] });
    const [first] = shared.engines;
    await publishFlow(first!, agentBridgeFlow('test-sip-agent-bridge', agent.agentId), did);
    const [host, port] = stack.sipTarget.split(':');
    phone = await Baresip.start({ ...agent, registrar: `${host}:${port ?? 5060}`, sipPort: 5089, ctrlPort: 4489, toneHz: 1020, dir: join(workDir, 'agent9') });
    const answered: number[] = [];
    phone.events.on('CALL_ESTABLISHED', () => {
      answered.push(Date.now());
      // The agent talks for three seconds, then hangs up; the flow says goodbye and ends the call.
      setTimeout(() => void phone!.hangup().catch(() => undefined), 3_000);
    });
    await sleep(2_000);
    const calls = 6;
    for (let i = 0; i < calls; i += 1) {
      const caller = runSipp({ scenario: 'caller-until-bye.xml', target: stack.sipTarget, service: did, localPort: 5120, mediaPort: 16_200, echo: true, timeoutSeconds: 60, workDir });
      const result = await caller.done;
      check(result.passed, `call ${i + 1}: the caller's sipp failed (exit ${result.code}): ${result.errors}`);
    }
    check(answered.length === calls, `the agent answered ${answered.length} of ${calls} calls`);
    const { json } = await first!.api<{ items: CallRow[] }>('GET', `/api/calls?to=${encodeURIComponent(did)}&pageSize=50`);
    const rows = json.items;
    check(rows.length === calls, `${rows.length} call records for ${calls} calls`);
    const byEngine = new Map<string, number>();
    for (const row of rows) byEngine.set(row.engineInstanceId, (byEngine.get(row.engineInstanceId) ?? 0) + 1);
    check(byEngine.size === 2, `every call ran on one engine (${JSON.stringify([...byEngine])}): drachtio did not share them, or an engine was not connected`);
    const echoed = phone.heard().map((file) => secondsOfTone(readWav(file), 1020));
    check(echoed.every((seconds) => seconds >= 1), `the agent did not hear its voice back through every caller: ${echoed.map((s) => s.toFixed(1)).join(', ')} s`);
    return `${calls} calls, ${[...byEngine.values()].join(' + ')} per engine, each answered by the one phone (two-way audio on every call)`;
  });
  await phone?.stop();
  await shared?.stop();
}
