/**
 * First start: load the example flows (flows/*.flow.json), their scripted test calls (.calls.json),
 * publish them, and give them example phone numbers, so `npm start` on a fresh checkout has working,
 * published flows. Runs only when the database has never had a flow.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasErrors } from './core/flow/diagnostics.js';
import { parseFlow } from './core/flow/parse-flow.js';
import { validateFlow } from './core/flow/validate-flow.js';
import type { EngineLogger } from './ports/logger.js';
import type { JsonObject, Store } from './ports/store.js';
import { parseQueueDefinitions, QUEUES_FILE } from './queue/queue-definitions.js';

const SEED_ACTOR = 'system:seed';

/** Example numbers for the example flows (change them in the designer or with /api/numbers). */
export const EXAMPLE_NUMBERS = [
  { did: '+441234500000', flowId: 'main-line', label: 'Main council line (example)' },
  { did: '+441234500001', flowId: 'out-of-hours-emergency', label: 'Out-of-hours emergencies (example)' },
  { did: '+441234500002', flowId: 'payments', label: 'Payments (example)' },
  { did: '*', flowId: 'main-line', label: 'Any other number: the main line' },
] as const;

/**
 * First start of the ACD: the example queues and their opening hours (flows/queues.json), when there
 * have never been queues (an admin's deletions are not undone).
 */
export async function seedQueues(store: Store, flowsDir: string, logger: EngineLogger): Promise<{ queues: string[] }> {
  const file = join(flowsDir, QUEUES_FILE);
  if (!existsSync(file)) return { queues: [] };
  if ((await store.queues.list()).length > 0 || (await store.audit.list({ entityType: 'queue' }, { page: 1, pageSize: 1 })).total > 0) return { queues: [] };
  const parsed = parseQueueDefinitions(readFileSync(file, 'utf8'));
  if (!parsed.ok) {
    logger.warn(`example queues not loaded: ${file}: ${parsed.problems.join('; ')}`);
    return { queues: [] };
  }
  for (const schedule of parsed.definitions.schedules) {
    if (!(await store.schedules.get(schedule.id))) await store.schedules.create({ ...schedule, definition: schedule.definition as JsonObject }, SEED_ACTOR);
  }
  const queues: string[] = [];
  for (const queue of parsed.definitions.queues) {
    const created = await store.queues.create({ ...queue, settings: queue.settings as JsonObject }, SEED_ACTOR);
    if (created.kind === 'created') queues.push(queue.id);
  }
  logger.info(`loaded the example queues: ${queues.join(', ') || 'none'}`);
  return { queues };
}

export async function seedExamples(store: Store, flowsDir: string, logger: EngineLogger): Promise<{ published: string[] }> {
  if ((await store.flows.list()).length > 0 || (await store.audit.list({ entityType: 'flow' }, { page: 1, pageSize: 1 })).total > 0) return { published: [] };
  if (!existsSync(flowsDir)) {
    logger.warn(`no example flows to load: ${flowsDir} does not exist`);
    return { published: [] };
  }
  const files = readdirSync(flowsDir).filter((f) => f.endsWith('.flow.json')).sort();
  const raw = new Map<string, JsonObject>();
  for (const file of files) {
    try {
      raw.set(file, JSON.parse(readFileSync(join(flowsDir, file), 'utf8')) as JsonObject);
    } catch (error) {
      logger.warn(`example flow ${file} skipped: not JSON (${(error as Error).message})`);
    }
  }
  const ids = [...raw.values()].map((json) => json.id).filter((id): id is string => typeof id === 'string');
  const published: string[] = [];
  for (const [file, json] of raw) {
    const { flow, diagnostics } = parseFlow(json);
    const problems = flow ? [...diagnostics, ...validateFlow(flow, { flows: ids })] : diagnostics;
    if (!flow || typeof json.id !== 'string' || typeof json.name !== 'string') {
      logger.warn(`example flow ${file} skipped: ${problems.map((d) => d.message).join('; ')}`);
      continue;
    }
    const created = await store.flows.create({ draft: json as JsonObject & { id: string; name: string } }, SEED_ACTOR);
    if (created.kind !== 'created') continue;
    const callsFile = join(flowsDir, file.replace(/\.flow\.json$/, '.calls.json'));
    if (existsSync(callsFile)) {
      const { flow: _flowFile, ...calls } = JSON.parse(readFileSync(callsFile, 'utf8')) as JsonObject;
      await store.flows.saveTestCalls(flow.id, calls, SEED_ACTOR);
    }
    if (hasErrors(problems)) {
      logger.warn(`example flow ${file} loaded as a draft, not published: ${problems.filter((d) => d.severity === 'error').map((d) => d.message).join('; ')}`);
      continue;
    }
    await store.flows.publish(flow.id, created.flow.draftRevision, SEED_ACTOR, `example flow from flows/${file}`);
    published.push(flow.id);
  }
  for (const number of EXAMPLE_NUMBERS) {
    if (published.includes(number.flowId)) await store.numbers.create({ ...number }, SEED_ACTOR);
  }
  logger.info(`loaded and published the example flows: ${published.join(', ') || 'none'}`);
  return { published };
}
