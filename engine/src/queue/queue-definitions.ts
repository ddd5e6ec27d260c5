/**
 * Queues (and the opening hours they use) as a folder of example flows defines them: flows/queues.json.
 * The engine loads them on first start (seed-examples.ts); flow tests and the CLI give them to the ACD
 * of their simulated calls, so a folder's test calls wait in queues set up as the engine's are.
 */
import { z } from 'zod';
import { scheduleSchema } from '../core/schedule.js';
import { queueSettingsSchema } from './queue-settings.js';

const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)');

export const QUEUES_FILE = 'queues.json';

export const queueDefinitionsSchema = z.strictObject({
  schedules: z
    .array(
      z.strictObject({
        id,
        name: z.string().min(1).max(200),
        timezone: z.string().min(1).default('Europe/London'),
        definition: z.record(z.string(), z.unknown()).refine((d) => scheduleSchema.safeParse(d).success, 'must be opening hours as the schedule node reads them'),
      }),
    )
    .default([]),
  queues: z
    .array(
      z.strictObject({
        id,
        name: z.string().min(1).max(200),
        serviceLine: z.string().max(100).default(''),
        scheduleId: id.optional(),
        settings: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .default([]),
}).superRefine((file, ctx) => {
  file.queues.forEach((queue, i) => {
    const settings = queueSettingsSchema.safeParse(queue.settings);
    for (const issue of settings.success ? [] : settings.error.issues) {
      ctx.addIssue({ code: 'custom', path: ['queues', i, 'settings', ...issue.path.map(String)], message: issue.message });
    }
    if (queue.scheduleId && !file.schedules.some((s) => s.id === queue.scheduleId)) {
      ctx.addIssue({ code: 'custom', path: ['queues', i, 'scheduleId'], message: `no schedule "${queue.scheduleId}" in this file` });
    }
  });
});

export type QueueDefinitions = z.output<typeof queueDefinitionsSchema>;

/** The file's text read, or every problem named as path: message. */
export function parseQueueDefinitions(text: string): { ok: true; definitions: QueueDefinitions } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON: ${(error as Error).message}`] };
  }
  const parsed = queueDefinitionsSchema.safeParse(json);
  if (parsed.success) return { ok: true, definitions: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`) };
}
