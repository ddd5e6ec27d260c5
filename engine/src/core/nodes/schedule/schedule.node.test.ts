import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { scheduleInlineNode as scheduleNode, scheduleNode as storedScheduleNode } from './schedule.node.js';

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

describe('schedule node (version 2): a stored schedule, named by id', () => {
  const office = { id: 'office', name: 'Council office hours', hours: { timeZone: 'Europe/London', weekly: scheduleSchemaWeekly(), exceptions: [{ date: '2026-07-09', label: 'Staff training', hours: [] }], bankHolidays: true } };

  it('reads the schedule when the call arrives: open, closed, or a holiday named by the schedule', async () => {
    expect((await runNode(storedScheduleNode, { scheduleId: 'office' }, { at: '2026-07-08T08:30:00Z', schedules: [office] })).outcome).toBe('open');
    expect((await runNode(storedScheduleNode, { scheduleId: 'office' }, { at: '2026-07-08T20:00:00Z', schedules: [office] })).outcome).toBe('closed');
    const training = await runNode(storedScheduleNode, { scheduleId: 'office' }, { at: '2026-07-09T10:00:00Z', schedules: [office] });
    expect(training).toMatchObject({ outcome: 'holiday', set: { holidayName: 'Staff training' } });
  });

  it('is an infrastructure fault (the error exit or the apology) when the schedule is gone', async () => {
    await expect(runNode(storedScheduleNode, { scheduleId: 'gone' }, { schedules: [office] })).rejects.toMatchObject({ code: 'schedule-missing' });
  });

  it('needs a schedule chosen, and says so in words', () => {
    expect(storedScheduleNode.params.safeParse({ scheduleId: '' }).error?.issues[0]?.message).toBe('choose the opening hours');
    expect(storedScheduleNode.traits.schedules?.({ scheduleId: 'office' })).toEqual(['office']);
  });
});

function scheduleSchemaWeekly() {
  return { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday, saturday: [], sunday: [] };
}
