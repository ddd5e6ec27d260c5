/**
 * How far (in seconds) to move the engine's clock so the main line is open for the SIP walks: 0 when
 * its opening hours (the `hours-check` node of flows/main-line.flow.json, evaluated by the engine's own
 * scheduleState) say open now and for the next half hour, else the distance to the next such moment.
 * test:sip passes it to libfaketime, so the main-line scenarios mean the same at any hour.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scheduleSchema, scheduleState } from '../../engine/src/core/schedule.js';

const RUN_MS = 30 * 60_000;

export function mainLineOpenOffsetSeconds(now = Date.now()): number {
  const flow = JSON.parse(readFileSync(join(import.meta.dirname, '../../flows/main-line.flow.json'), 'utf8')) as {
    nodes: Array<{ id: string; params: unknown }>;
  };
  const hours = scheduleSchema.parse(flow.nodes.find((n) => n.id === 'hours-check')?.params);
  const open = (at: number) => scheduleState(hours, at).state === 'open';
  for (let at = now; at < now + 14 * 86_400_000; at += 60_000) {
    if (open(at) && open(at + RUN_MS)) return Math.round((at - now) / 1000);
  }
  throw new Error('the main line is not open for half an hour at any time in the next 14 days');
}
