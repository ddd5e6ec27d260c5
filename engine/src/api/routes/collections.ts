import { z } from 'zod';
import type { Role } from '../../auth/roles.js';
import type { CrudRepository } from '../../ports/store.js';
import { actorOf } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, notFound } from '../problem.js';
import { idParam, route, type AnyRoute } from '../route.js';
import { entityId, jsonObject, timestamp } from '../schemas.js';
import { acdCollections } from './acd.js';


/** A refusal from a repository that names something missing, e.g. `{ kind: 'calendarNotFound', calendarId }`. */
type Refusal = { kind: string; [key: string]: unknown };

export interface Collection {
  /** URL segment and audit name, e.g. `schedules`. */
  path: string;
  /** One item, in messages: `Schedule`. */
  noun: string;
  tag: string;
  write: Role;
  /** The item's fields, without defaults (so a partial update never resets a field it leaves out). */
  input: z.ZodObject;
  /** Values for fields a create may leave out. */
  defaults: Record<string, unknown>;
  // The repositories differ in item and input types; the routes only pass them through.
  repository: (context: ApiContext) => CrudRepository<any, any, any>;
  /** What one item looks like in answers, when it is more than its input (a queue's settings with defaults, an agent's state). */
  output?: z.ZodObject;
  /** Items as answers give them (default: as stored, dates as ISO strings). */
  present?: (context: ApiContext, items: Record<string, unknown>[]) => Promise<Record<string, unknown>[]>;
  /** Fields a change may set to null to clear them (a queue's schedule). */
  clearable?: string[];
}

function refusalProblem(refusal: Refusal): ApiProblem {
  if (refusal.kind === 'userTaken') {
    const message = `agent ${String(refusal.agentId)} already signs in as this user`;
    return new ApiProblem(422, message, { errors: [{ path: 'body.userId', message }] });
  }
  if (refusal.kind === 'noSuchEndpoint') {
    return new ApiProblem(422, `there is no endpoint ${String(refusal.activeEndpoint)}`, { errors: [{ path: 'body.activeEndpoint', message: 'must point at one of the endpoints (0 is the first)' }] });
  }
  // `calendarNotFound` + `calendarId` → body.holidayCalendarId / body.calendarId
  const entry = Object.entries(refusal).find(([key]) => key !== 'kind');
  const [key, value] = entry ?? ['body', undefined];
  const field = key === 'calendarId' ? 'holidayCalendarId' : key === 'queueId' ? 'queueIds' : key;
  return new ApiProblem(422, `${String(value)} does not exist`, { errors: [{ path: `body.${field}`, message: `no such ${key.replace(/Id$/, '')}` }] });
}

const serialise = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));

/** List / create / get / replace / delete for one of the store's plain collections. */
export function collectionRoutes(context: ApiContext, c: Collection): AnyRoute[] {
  const repository = c.repository(context);
  const base = `/api/${c.path}`;
  const item = c.output ?? c.input.extend({ updatedAt: timestamp });
  const changes = c.input
    .omit({ id: true })
    .partial()
    .extend(Object.fromEntries((c.clearable ?? []).map((key) => [key, (c.input.shape[key] as z.ZodType).nullable().describe('null clears it')])));
  const present = async (items: Record<string, unknown>[]) => (c.present ? c.present(context, items.map(serialise)) : items.map(serialise));
  const presentOne = async (one: Record<string, unknown>) => (await present([one]))[0]!;
  const cleared = (body: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(body).map(([key, value]) => [key, value === null && c.clearable?.includes(key) ? undefined : value]));
  const creation = c.input.extend(
    Object.fromEntries(Object.entries(c.defaults).map(([key, value]) => [key, (c.input.shape[key] as z.ZodType).default(value)])),
  );
  const outcome = async (result: { kind: string }, id: string) => {
    if (result.kind === 'notFound') throw notFound(`${c.noun} ${id}`);
    if (result.kind === 'exists') {
      throw new ApiProblem(409, `${c.noun} ${id} already exists`, { errors: [{ path: 'body.id', message: 'already exists' }] });
    }
    if (result.kind === 'inUse') {
      const by = (result as unknown as { by: string[] }).by;
      throw new ApiProblem(409, `${c.noun} ${id} is still used by ${by.join(', ')}`, { usedBy: by });
    }
    if ('item' in result) return presentOne(result.item as Record<string, unknown>);
    if (result.kind !== 'deleted') throw refusalProblem(result as Refusal);
    return undefined;
  };
  return [
    route({
      method: 'get',
      path: base,
      access: 'viewer',
      tag: c.tag,
      summary: `List ${c.path}`,
      success: { status: 200, description: c.path, schema: z.array(item) },
      handler: async () => present(await repository.list()),
    }),
    route({
      method: 'post',
      path: base,
      access: c.write,
      tag: c.tag,
      summary: `Create a ${c.noun.toLowerCase()}`,
      body: creation,
      success: { status: 201, description: 'Created', schema: item },
      problems: [409, 422],
      handler: async ({ body, principal }) => outcome(await repository.create(body, actorOf(principal!)), (body as { id: string }).id),
    }),
    route({
      method: 'get',
      path: `${base}/:id`,
      access: 'viewer',
      tag: c.tag,
      summary: `One ${c.noun.toLowerCase()}`,
      params: idParam,
      success: { status: 200, description: c.noun, schema: item },
      problems: [404],
      handler: async ({ params }) => {
        const found = await repository.get(params.id);
        if (!found) throw notFound(`${c.noun} ${params.id}`);
        return presentOne(found);
      },
    }),
    route({
      method: 'put',
      path: `${base}/:id`,
      access: c.write,
      tag: c.tag,
      summary: `Change a ${c.noun.toLowerCase()}`,
      params: idParam,
      body: changes,
      success: { status: 200, description: 'Updated', schema: item },
      problems: [404, 422],
      handler: async ({ params, body, principal }) => outcome(await repository.update(params.id, cleared(body), actorOf(principal!)), params.id),
    }),
    route({
      method: 'delete',
      path: `${base}/:id`,
      access: c.write,
      tag: c.tag,
      summary: `Delete a ${c.noun.toLowerCase()}`,
      params: idParam,
      success: { status: 204, description: 'Deleted' },
      problems: [404, 409],
      handler: async ({ params, principal }) => outcome(await repository.delete(params.id, actorOf(principal!)), params.id),
    }),
  ];
}

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone like Europe/London');

/**
 * Schedules and holiday calendars change what live callers hear at once, so changing them needs the
 * publisher role; break reasons and disposition codes are the desk's (supervisors set them); queues and
 * agents are the ACD's set-up (admin, routes/acd.ts).
 */
export const collections: Collection[] = [
  {
    path: 'schedules',
    noun: 'Schedule',
    tag: 'schedules',
    write: 'publisher',
    input: z.strictObject({
      id: entityId,
      name: z.string().min(1).max(200),
      timezone,
      holidayCalendarId: entityId.optional(),
      definition: jsonObject,
    }),
    defaults: { timezone: 'Europe/London', definition: {} },
    repository: (context) => context.store.schedules,
  },
  {
    path: 'holiday-calendars',
    noun: 'Holiday calendar',
    tag: 'schedules',
    write: 'publisher',
    input: z.strictObject({
      id: entityId,
      name: z.string().min(1).max(200),
      dates: z.array(z.strictObject({ date: z.iso.date(), name: z.string().min(1).max(200) })).max(2000),
    }),
    defaults: { dates: [] },
    repository: (context) => context.store.holidayCalendars,
  },
  {
    path: 'break-reasons',
    noun: 'Break reason',
    tag: 'desk',
    write: 'supervisor',
    input: z.strictObject({ id: entityId, name: z.string().min(1).max(100).describe('What advisers pick, e.g. "Lunch"') }),
    defaults: {},
    repository: (context) => context.store.breakReasons,
  },
  {
    path: 'disposition-codes',
    noun: 'Disposition code',
    tag: 'desk',
    write: 'supervisor',
    input: z.strictObject({
      id: entityId,
      name: z.string().min(1).max(100).describe('What advisers pick in wrap-up, e.g. "Report taken"'),
      queueIds: z.array(entityId).max(100).describe('Queues whose calls may take it; empty: every queue'),
    }),
    defaults: { queueIds: [] },
    repository: (context) => context.store.dispositionCodes,
  },
  ...acdCollections,
];

export function collectionsRoutes(context: ApiContext): AnyRoute[] {
  return collections.flatMap((c) => collectionRoutes(context, c));
}
