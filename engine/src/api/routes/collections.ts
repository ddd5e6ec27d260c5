import { z } from 'zod';
import type { Role } from '../../auth/roles.js';
import type { CrudRepository } from '../../ports/store.js';
import { parseDestination } from '../../core/destination.js';
import { actorOf } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, notFound } from '../problem.js';
import { idParam, route, type AnyRoute } from '../route.js';
import { openingHoursSchema } from '../../core/schedule.js';
import { jsonObject, timestamp } from '../schemas.js';

const entityId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'may use only letters, digits, _ . : -');

/** A refusal from a repository that names something missing, e.g. `{ kind: 'calendarNotFound', calendarId }`. */
type Refusal = { kind: string; [key: string]: unknown };

interface Collection {
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
}

function refusalProblem(refusal: Refusal): ApiProblem {
  // `calendarNotFound` + `calendarId` → body.holidayCalendarId / body.calendarId
  const entry = Object.entries(refusal).find(([key]) => key !== 'kind');
  const [key, value] = entry ?? ['body', undefined];
  const field = key === 'calendarId' ? 'holidayCalendarId' : key === 'queueId' ? 'queueIds' : key;
  return new ApiProblem(422, `${String(value)} does not exist`, { errors: [{ path: `body.${field}`, message: `no such ${key.replace(/Id$/, '')}` }] });
}

const serialise = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));

/** List / create / get / replace / delete for one of the store's plain collections. */
function collectionRoutes(context: ApiContext, c: Collection): AnyRoute[] {
  const repository = c.repository(context);
  const base = `/api/${c.path}`;
  const item = c.input.extend({ updatedAt: timestamp });
  const changes = c.input.omit({ id: true }).partial();
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
    if ('item' in result) return serialise(result.item as Record<string, unknown>);
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
      handler: async () => (await repository.list()).map(serialise),
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
        return serialise(found);
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
      handler: async ({ params, body, principal }) => outcome(await repository.update(params.id, body, actorOf(principal!)), params.id),
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
 * publisher role; queues and agents are the ACD's set-up (admin).
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
      /** Weekly hours, dated exceptions and bank holidays, checked as the engine reads them. */
      definition: openingHoursSchema,
    }),
    defaults: { timezone: 'Europe/London', definition: openingHoursSchema.parse({}) },
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
    path: 'queues',
    noun: 'Queue',
    tag: 'queues',
    write: 'admin',
    input: z.strictObject({ id: entityId, name: z.string().min(1).max(200), settings: jsonObject }),
    defaults: { settings: {} },
    repository: (context) => context.store.queues,
  },
  {
    path: 'agents',
    noun: 'Agent',
    tag: 'queues',
    write: 'admin',
    input: z.strictObject({
      id: entityId,
      name: z.string().min(1).max(200),
      destination: z
        .string()
        .min(1)
        .max(300)
        .refine((d) => /^(sip|sips|tel|teams):/.test(d) && parseDestination(d).ok, 'must be where the agent answers: sip:user@host, tel:+44… or teams:+44…'),
      skills: z.array(z.string().min(1).max(64)).max(100),
      queueIds: z.array(entityId).max(100),
    }),
    defaults: { skills: [], queueIds: [] },
    repository: (context) => context.store.agents,
  },
];

export function collectionsRoutes(context: ApiContext): AnyRoute[] {
  return collections.flatMap((c) => collectionRoutes(context, c));
}
