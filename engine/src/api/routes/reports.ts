import { z } from 'zod';
import { historyCsv } from '../../reporting/csv.js';
import type { Reporting, ReportingResult } from '../../reporting/reporting.js';
import type { Scope } from '../../reporting/history.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, notFound } from '../problem.js';
import { route, type AnyRoute } from '../route.js';
import { positiveIntText } from '../schemas.js';

const entityId = z.string().min(1).max(64);
const dateOrInstant = z.string().min(10).max(40).describe('A Europe/London date (YYYY-MM-DD, from its midnight) or a date-time with an offset');
const day = z.iso.date().describe('A Europe/London date (YYYY-MM-DD)');
const seconds = z.coerce.number().int();

const scopeQuery = {
  queueId: entityId.optional().describe('One queue'),
  serviceLine: z.string().min(1).max(100).optional().describe('Every queue of a service line (when queueId is not given)'),
};

const historyQuery = z
  .strictObject({
    ...scopeQuery,
    granularity: z.enum(['halfHour', 'day', 'week', 'month']).default('day'),
    from: dateOrInstant,
    to: dateOrInstant.describe('End, exclusive'),
    thresholds: z
      .string()
      .regex(/^\d{1,4}(,\d{1,4}){0,3}$/, 'must be 1 to 4 whole numbers of seconds, comma-separated')
      .transform((s) => s.split(',').map(Number))
      .refine((list) => list.every((t) => t >= 1 && t <= 3600), 'each threshold must be 1 to 3600 seconds')
      .optional()
      .describe('Answered-within thresholds, e.g. 20,180 (default: the queue’s own)'),
    shortAbandonSeconds: seconds.min(0).max(120).optional().describe('Hang-ups sooner than this are short abandons (default: the queue’s own)'),
    repeatDays: seconds.min(1).max(28).optional().describe('Repeat callers: rang again within this many days (default 7)'),
  })
  .refine((q) => !(q.queueId && q.serviceLine), { message: 'give queueId or serviceLine, not both', path: ['serviceLine'] });

const standing = z.enum(['met', 'close', 'missed', 'none']);
const periodSchema = z.object({
  start: z.iso.datetime(),
  offered: z.number().int(),
  answered: z.number().int(),
  answeredWithin: z.array(z.object({ seconds: z.number().int(), count: z.number().int(), percent: z.number().nullable() })),
  abandoned: z.number().int(),
  shortAbandoned: z.number().int(),
  abandonedPercent: z.number().nullable(),
  overflowed: z.number().int(),
  closed: z.number().int(),
  leftQueue: z.number().int(),
  lost: z.number().int(),
  callbacks: z.object({ requested: z.number().int(), completed: z.number().int(), failed: z.number().int() }),
  asa: z.number().nullable(),
  aht: z.number().nullable(),
  averageTalk: z.number().nullable(),
  averageWrapUp: z.number().nullable(),
  longestWait: z.number().nullable(),
  handled: z.number().int(),
  repeat: z.object({ identified: z.number().int(), repeated: z.number().int(), percent: z.number().nullable() }),
  queueTimeSum: z.number(),
  ivr: z
    .object({ calls: z.number().int(), contained: z.number().int(), containmentPercent: z.number().nullable(), ivrHangups: z.number().int(), queued: z.number().int(), transferred: z.number().int() })
    .optional(),
});
const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('queue'), queueId: z.string() }),
  z.object({ kind: z.literal('serviceLine'), serviceLine: z.string() }),
]);
const targetsSchema = z.object({ thresholds: z.array(z.number()), shortAbandonSeconds: z.number(), targetPercents: z.array(z.number()), abandonedTargetPercent: z.number() });
const historySchema = z.object({
  scope: scopeSchema,
  granularity: z.enum(['halfHour', 'day', 'week', 'month']),
  timeZone: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  thresholds: z.array(z.number().int()),
  shortAbandonSeconds: z.number().int(),
  repeatDays: z.number().int(),
  targets: targetsSchema,
  periods: z.array(periodSchema),
});
const prediction = z.object({ agents: z.number().int(), serviceLevel: z.number(), averageSpeedOfAnswer: z.number().nullable() });
const staffingSchema = z.object({
  day: z.string(),
  withinSeconds: z.number().int(),
  targetPercent: z.number(),
  rows: z.array(
    z.object({
      start: z.iso.datetime(),
      offered: z.number().int(),
      handleSeconds: z.number().nullable(),
      patienceSeconds: z.number().nullable(),
      erlangs: z.number().nullable(),
      erlangC: prediction.extend({ waitProbability: z.number() }).nullable(),
      erlangA: prediction.extend({ abandonRate: z.number() }).nullable(),
    }),
  ),
});
const agentCounts = z.record(z.string(), z.number().int());
export const wallboardSchema = z.object({
  at: z.iso.datetime(),
  day: z.string(),
  queues: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      serviceLine: z.string(),
      waiting: z.number().int(),
      oldestWaitingSince: z.iso.datetime().nullable(),
      longestWaitSeconds: z.number().int(),
      callbacksPending: z.number().int(),
      agents: agentCounts,
      today: z.object({
        offered: z.number().int(),
        answered: z.number().int(),
        answeredWithin: z.array(z.object({ seconds: z.number().int(), percent: z.number().nullable(), target: z.number(), standing })),
        abandoned: z.number().int(),
        shortAbandoned: z.number().int(),
        abandonedPercent: z.number().nullable(),
        abandonedTarget: z.number(),
        abandonedStanding: standing,
      }),
    }),
  ),
});
const flowAnalyticsSchema = z.object({
  flowId: z.string(),
  flowVersion: z.number().int(),
  fromDay: z.string(),
  toDay: z.string(),
  calls: z.number().int(),
  nodes: z.array(
    z.object({
      nodeId: z.string(),
      visits: z.number(),
      exits: z.record(z.string(), z.object({ taken: z.number(), calls: z.number() })),
      inputs: z.object({ noInput: z.number(), digits: z.number(), speech: z.number(), tries: z.number() }),
      noInputPercent: z.number().nullable(),
      noMatchPercent: z.number().nullable(),
      speechPercent: z.number().nullable(),
      hangups: z.number(),
      averageSeconds: z.number().nullable(),
    }),
  ),
});

const scopeOf = (q: { queueId?: string | undefined; serviceLine?: string | undefined }): Scope =>
  q.queueId ? { kind: 'queue', queueId: q.queueId } : q.serviceLine ? { kind: 'serviceLine', serviceLine: q.serviceLine } : { kind: 'all' };

/** Dates to ISO text, Infinity (a queue that cannot keep up) to null: what JSON can carry. */
const json = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));

function answer<T>(result: ReportingResult<T>): T {
  if (result.kind === 'notFound') throw notFound(result.what);
  if (result.kind === 'invalid') throw new ApiProblem(400, `query.${result.field}: ${result.message}`, { errors: [{ path: `query.${result.field}`, message: result.message }] });
  return result.value;
}

export function reportRoutes(context: ApiContext & { reporting: Reporting }): AnyRoute[] {
  const { reporting } = context;
  const historyOf = async (q: z.output<typeof historyQuery>) =>
    answer(
      await reporting.history({
        scope: scopeOf(q),
        granularity: q.granularity,
        from: q.from,
        to: q.to,
        ...(q.thresholds ? { thresholds: q.thresholds } : {}),
        ...(q.shortAbandonSeconds !== undefined ? { shortAbandonSeconds: q.shortAbandonSeconds } : {}),
        ...(q.repeatDays !== undefined ? { repeatDays: q.repeatDays } : {}),
      }),
    );
  return [
    route({
      method: 'get',
      path: '/api/reports/history',
      access: 'viewer',
      tag: 'reports',
      summary: 'A queue’s, a service line’s or every queue’s figures by half-hour, day, week or month (Europe/London); docs/reporting.md defines each',
      query: historyQuery,
      success: { status: 200, description: 'Figures per period, oldest first', schema: historySchema },
      problems: [404],
      handler: async ({ query }) => json(await historyOf(query)),
    }),
    route({
      method: 'get',
      path: '/api/reports/history.csv',
      access: 'viewer',
      tag: 'reports',
      summary: 'The same history as CSV (one row per period, local and UTC times)',
      query: historyQuery,
      success: { status: 200, description: 'CSV', contentType: 'text/csv' },
      problems: [404],
      handler: async ({ query, res }) => {
        const history = await historyOf(query);
        const name = `${query.queueId ?? query.serviceLine ?? 'all-queues'}-${query.granularity}-${query.from}.csv`.replace(/[^A-Za-z0-9_.-]/g, '_');
        res
          .status(200)
          .type('text/csv; charset=utf-8')
          .setHeader('Content-Disposition', `attachment; filename="${name}"`)
          .send(historyCsv(history.periods, history.thresholds, history.repeatDays));
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/reports/staffing',
      access: 'viewer',
      tag: 'reports',
      summary: 'Agents needed per half-hour of a day by Erlang C and Erlang A, from the measured arrivals, handle time and patience',
      query: z.strictObject({
        ...scopeQuery,
        day,
        targetPercent: z.coerce.number().min(1).max(99.9).optional().describe('Percent answered within the threshold (default: the queue’s target)'),
        withinSeconds: seconds.min(1).max(3600).optional().describe('The threshold (default: the queue’s first)'),
      }),
      success: { status: 200, description: 'One row per half-hour', schema: staffingSchema },
      problems: [404],
      handler: async ({ query }) =>
        json(
          answer(
            await reporting.staffing({
              scope: scopeOf(query),
              day: query.day,
              ...(query.targetPercent !== undefined ? { targetPercent: query.targetPercent } : {}),
              ...(query.withinSeconds !== undefined ? { withinSeconds: query.withinSeconds } : {}),
            }),
          ),
        ),
    }),
    route({
      method: 'get',
      path: '/api/reports/flows/:id/versions/:version/analytics',
      access: 'viewer',
      tag: 'reports',
      summary: 'Flow analytics for a published version over Europe/London days: calls per exit, silences and wrong answers, words vs keys, hang-ups, time per node',
      params: z.strictObject({ id: entityId, version: positiveIntText }),
      query: z.strictObject({ from: day, to: day.describe('End day, exclusive') }),
      success: { status: 200, description: 'Per node', schema: flowAnalyticsSchema },
      problems: [404],
      handler: async ({ params, query }) =>
        answer(await reporting.flowAnalytics({ flowId: params.id, flowVersion: params.version, fromDay: query.from, toDay: query.to })),
    }),
    route({
      method: 'get',
      path: '/api/reports/wallboard',
      access: 'viewer',
      tag: 'reports',
      summary: 'The wallboard now (the /api/wallboard websocket pushes every change)',
      success: { status: 200, description: 'Every queue', schema: wallboardSchema },
      handler: async () => reporting.wallboard.current(),
    }),
  ];
}
