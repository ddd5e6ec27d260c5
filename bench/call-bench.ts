/**
 * One bench run in a fresh process (so heap figures are clean):
 *   node --expose-gc --import tsx bench/call-bench.ts <engine|baseline> <calls>
 * Many concurrent simulated calls through the main line's "report a pothole" journey on one shared
 * simulated clock: callers arrive a few simulated milliseconds apart, speak, press 1, wait in the
 * highways queue, and hang up after two minutes — so every call is held at once. Prints JSON.
 *
 * Step latency: real time from a channel operation finishing (a prompt ended, the caller answered) to
 * the call's next channel operation starting, at the same simulated instant — the engine's reaction
 * time to the caller, including event logging, transitions and the next node starting.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CallEvent } from '../engine/src/ports/index.js';
import { parseFlow } from '../engine/src/core/flow/parse-flow.js';
import type { Flow } from '../engine/src/core/flow/schema.js';
import { runCall } from '../engine/src/core/runtime/run-call.js';
import type { CallerAction } from '../engine/src/adapters/telephony/simulator/caller-action.js';
import { SimulatedCall, type SimulatedCallOptions } from '../engine/src/adapters/telephony/simulator/simulated-call.js';
import { SimulatedClock } from '../engine/src/adapters/telephony/simulator/simulated-clock.js';
import { createCallPorts } from '../engine/src/calls/call-ports.js';
import { DEFAULT_CALL_TIME, simulatedKit, simulatedStandIns } from '../engine/src/adapters/telephony/simulator/simulated-ports.js';
import { HoldingQueue } from './holding-queue.js';
import { worldSchema } from '../engine/src/adapters/telephony/simulator/world.js';
import { baselineCall, baselineScript } from './baseline-call.js';

export interface CallBenchResult {
  mode: 'engine' | 'baseline';
  calls: number;
  /** Most calls in progress at the same moment. */
  held: number;
  events: number;
  wallMs: number;
  cpuMs: number;
  eventsPerSecond: number;
  steps: number;
  p50StepMs: number;
  p99StepMs: number;
  maxStepMs: number;
  heapPerCallBytes: number;
  /** Heap in use with every call held, MB. */
  heapHeldMb: number;
}

const repo = resolve(import.meta.dirname, '..');
/** Simulated time between two callers arriving. */
const ARRIVAL_GAP_MS = 3;
/** How long each caller stays in the queue before hanging up (simulated). */
const HOLD_SECONDS = 120;

export function mainLine(): Flow {
  const parsed = parseFlow(JSON.parse(readFileSync(resolve(repo, 'flows/main-line.flow.json'), 'utf8')));
  if (!parsed.flow) throw new Error(`flows/main-line.flow.json does not parse: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  return parsed.flow;
}

const script = (holdSeconds: number): CallerAction[] => [{ say: 'I want to report a pothole on Mill Lane' }, { press: '1' }, { wait: holdSeconds }, { hangup: true }];

/** A SimulatedCall that times the gap between one channel operation ending and the next starting. */
class TimedCall extends SimulatedCall {
  private lastEnd = 0;
  private lastEndSimulated = -1;

  constructor(
    options: SimulatedCallOptions,
    private readonly clockOf: SimulatedClock,
    private readonly samples: number[],
  ) {
    super(options);
  }

  private async timed<T>(operation: () => Promise<T>): Promise<T> {
    if (this.lastEndSimulated === this.clockOf.now()) this.samples.push(performance.now() - this.lastEnd);
    try {
      return await operation();
    } finally {
      this.lastEnd = performance.now();
      this.lastEndSimulated = this.clockOf.now();
    }
  }

  override play(...args: Parameters<SimulatedCall['play']>) {
    return this.timed(() => super.play(...args));
  }
  override collectDigits(...args: Parameters<SimulatedCall['collectDigits']>) {
    return this.timed(() => super.collectDigits(...args));
  }
  override listen(...args: Parameters<SimulatedCall['listen']>) {
    return this.timed(() => super.listen(...args));
  }
  override bridge(...args: Parameters<SimulatedCall['bridge']>) {
    return this.timed(() => super.bridge(...args));
  }
}

const percentile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const collectGarbage = (): number => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc to measure memory');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

export async function benchCalls(mode: 'engine' | 'baseline', calls: number): Promise<CallBenchResult> {
  const flow = mainLine();
  const world = worldSchema.parse({ queues: { highways: { answerAfterSeconds: 86_400 } } });
  const clock = new SimulatedClock(DEFAULT_CALL_TIME);
  // The queue where nobody answers stands in for the ACD here: this bench measures the flow runtime (see holding-queue.ts).
  const queue = new HoldingQueue(() => clock.now());
  const ports = createCallPorts({ ...simulatedKit(world, { clock, queue }) }).test({ clock, standIns: { ...simulatedStandIns(world, clock), queue }, drafts: [flow] });
  const baseline = baselineScript(flow);
  let events = 0;
  let queued = 0;
  const counting = {
    append(event: CallEvent) {
      events++;
      if (event.type === 'node.entered' && event.nodeId === 'highways-queue') queued++;
    },
  };
  let samples: number[] = [];
  let active = 0;
  let held = 0;
  let callNumber = 0;
  const place = async (holdSeconds: number): Promise<void> => {
    const call = new TimedCall({ callId: `bench-${++callNumber}`, from: '+447700900123', to: '+441234500000', clock, input: script(holdSeconds), world }, clock, samples);
    active++;
    held = Math.max(held, active);
    try {
      const outcome =
        mode === 'engine'
          ? (await runCall({ flow, call, ports, events: counting })).outcome
          : await baselineCall(call, { clock, speech: ports.speech, queue: ports.queue, events: counting }, baseline);
      if (outcome !== 'callerHungUp') throw new Error(`bench call ${call.callId} ended "${outcome}", not in the queue as planned`);
    } finally {
      active--;
    }
  };
  /** Place `count` calls a few simulated ms apart; `atHold` runs once every one of them waits in the queue. */
  const wave = async (count: number, holdSeconds: number, atHold?: () => void): Promise<void> => {
    queued = 0;
    const running: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      running.push(place(holdSeconds));
      await clock.sleep(ARRIVAL_GAP_MS);
    }
    while (queued < count && active > 0) await clock.sleep(100);
    if (queued < count) throw new Error(`only ${queued} of ${count} calls reached the queue`);
    atHold?.();
    await Promise.all(running);
  };

  // Warm up (JIT, the flow's machine), then measure on a clean slate.
  await wave(Math.min(1000, calls), 40);
  samples.length = 0;
  samples = [];
  events = 0;
  held = 0;
  const heapBefore = collectGarbage();
  let heapHeld = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let measuringMicros = 0;
  await wave(calls, HOLD_SECONDS, () => {
    // The forced collections are the measurement, not the work: their CPU time is left out.
    const before = process.cpuUsage();
    heapHeld = collectGarbage();
    const spent = process.cpuUsage(before);
    measuringMicros = spent.user + spent.system;
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = Float64Array.from(samples).sort();
  return {
    mode,
    calls,
    held,
    events,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system - measuringMicros) / 1000),
    eventsPerSecond: Math.round(events / (wallMs / 1000)),
    steps: sorted.length,
    p50StepMs: percentile(sorted, 50),
    p99StepMs: percentile(sorted, 99),
    maxStepMs: sorted.at(-1) ?? 0,
    heapPerCallBytes: Math.round((heapHeld - heapBefore) / calls),
    heapHeldMb: Math.round(heapHeld / 1e6),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, count] = process.argv.slice(2);
  if ((mode !== 'engine' && mode !== 'baseline') || !Number.isInteger(Number(count)) || Number(count) < 1) {
    console.error('usage: node --expose-gc --import tsx bench/call-bench.ts <engine|baseline> <calls>');
    process.exit(2);
  }
  const result = await benchCalls(mode, Number(count));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
