import { scheduleSchema, scheduleState } from '../../schedule.js';
import { defineNode } from '../define-node.js';

export const scheduleNode = defineNode({
  kind: 'schedule',
  version: 1,
  params: scheduleSchema,
  outcomes: () => [
    { name: 'open', label: 'Open' },
    { name: 'closed', label: 'Closed', description: 'Outside opening hours' },
    { name: 'holiday', label: 'Holiday', description: 'A bank holiday or a dated closure' },
  ],
  ui: {
    label: 'Opening hours',
    category: 'Logic',
    icon: 'clock',
    help: 'Check the time: open, closed, or a holiday (England & Wales bank holidays and your own dated exceptions). Sets holidayName.',
    summary: ['weekly'],
  },
  traits: {
    waitsForCaller: () => false,
    prompts: () => [],
    sets: () => ['holidayName'],
  },
  async run({ params, clock }) {
    const { state, label } = scheduleState(params, clock.now());
    return { outcome: state, ...(state === 'holiday' ? { set: { holidayName: label ?? '' } } : {}) };
  },
});
