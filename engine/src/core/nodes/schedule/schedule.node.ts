import { z } from 'zod';
import { EngineError } from '../../engine-error.js';
import { scheduleSchema, scheduleState, type Schedule } from '../../schedule.js';
import { defineNode, type NodeResult } from '../define-node.js';

const outcomes = () => [
  { name: 'open', label: 'Open' },
  { name: 'closed', label: 'Closed', description: 'Outside opening hours' },
  { name: 'holiday', label: 'Holiday', description: 'A bank holiday or a dated closure' },
];

/** Open, closed or holiday now, naming the holiday. */
function check(schedule: Schedule, now: number): NodeResult {
  const { state, label } = scheduleState(schedule, now);
  return { outcome: state, ...(state === 'holiday' ? { set: { holidayName: label ?? '' } } : {}) };
}

/**
 * Version 1: the opening hours written into the node itself. Flows saved with it keep running; new nodes
 * name a stored schedule instead (version 2), so the hours are kept once and shared with queues.
 */
export const scheduleInlineNode = defineNode({
  kind: 'schedule',
  version: 1,
  params: scheduleSchema,
  outcomes,
  ui: {
    label: 'Opening hours',
    category: 'Logic',
    icon: 'clock',
    help: 'Check the time against hours written in this step: open, closed, or a holiday. Sets holidayName. (New steps use a schedule from the Schedules screen.)',
    summary: ['weekly'],
  },
  traits: {
    waitsForCaller: () => false,
    prompts: () => [],
    sets: () => ['holidayName'],
  },
  async run({ params, clock }) {
    return check(params, clock.now());
  },
});

/** Version 2: opening hours kept once on the Schedules screen, named here by id and read when a call arrives. */
export const scheduleNode = defineNode({
  kind: 'schedule',
  version: 2,
  params: z.strictObject({
    scheduleId: z
      .string()
      .min(1, 'choose the opening hours')
      .max(64)
      .meta({ ref: 'schedule', title: 'Opening hours' })
      .describe('The schedule to check, from the Schedules screen (weekly hours, closures, bank holidays)'),
  }),
  outcomes,
  ui: {
    label: 'Opening hours',
    category: 'Logic',
    icon: 'clock',
    help: 'Check the time against a schedule from the Schedules screen: open, closed, or a holiday (England & Wales bank holidays and dated closures). Sets holidayName.',
    summary: ['scheduleId'],
  },
  traits: {
    waitsForCaller: () => false,
    prompts: () => [],
    sets: () => ['holidayName'],
    schedules: (p) => [p.scheduleId],
  },
  async run({ params, clock, schedules }) {
    const stored = await schedules.schedule(params.scheduleId);
    if (!stored) throw new EngineError('schedule-missing', `the schedule "${params.scheduleId}" does not exist (any more)`);
    const hours = scheduleSchema.safeParse(stored.hours);
    if (!hours.success) throw new EngineError('schedule-unreadable', `the schedule "${stored.name}" cannot be read: ${hours.error.issues[0]?.message ?? 'invalid'}`);
    return check(hours.data, clock.now());
  },
});
