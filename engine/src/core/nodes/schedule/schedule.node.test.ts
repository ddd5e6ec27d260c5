import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { scheduleNode } from './schedule.node.js';

const weekday = [{ open: '09:00', close: '17:00' }];
const params = { weekly: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday } };

describe('schedule node', () => {
  it('is open in office hours (the call clock, London time)', async () => {
    expect((await runNode(scheduleNode, params, { at: '2026-07-08T08:30:00Z' })).outcome).toBe('open'); // 09:30 BST
  });

  it('is closed outside them', async () => {
    expect((await runNode(scheduleNode, params, { at: '2026-07-08T07:30:00Z' })).outcome).toBe('closed'); // 08:30 BST
    expect((await runNode(scheduleNode, params, { at: '2026-07-11T10:00:00Z' })).outcome).toBe('closed'); // Saturday
  });

  it('is a holiday at 23:30 on a bank holiday, and names it', async () => {
    const r = await runNode(scheduleNode, params, { at: '2026-12-28T23:30:00Z' }); // Boxing Day substitute, GMT
    expect(r).toMatchObject({ outcome: 'holiday', set: { holidayName: 'Boxing Day (substitute day)' } });
  });

  it('never waits for the caller and plays nothing', async () => {
    const r = await runNode(scheduleNode, params);
    expect(r.heard).toEqual([]);
    expect(scheduleNode.traits.waitsForCaller(scheduleNode.params.parse(params))).toBe(false);
  });
});
