import { z } from 'zod';
import type { CallRecord } from '../../ports/store.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../problem.js';
import { idParam, route, type AnyRoute } from '../route.js';
import { pageQuery, paged, queryDate, timestamp } from '../schemas.js';

const queueOutcome = z.enum(['answered', 'abandoned', 'overflowed', 'timeout', 'closed', 'exit', 'transferred', 'callback_requested', 'callback_completed', 'callback_failed', 'engine_lost']);

const callSchema = z.object({
  id: z.string(),
  kind: z.enum(['phone', 'test']),
  from: z.string(),
  to: z.string(),
  flowId: z.string().optional(),
  flowVersion: z.number().int().optional(),
  startedAt: timestamp,
  answeredAt: timestamp.optional(),
  endedAt: timestamp.optional(),
  outcome: z.string().optional(),
  endedAtNode: z.string().optional(),
  queueId: z.string().optional(),
  agentId: z.string().optional(),
  waitSeconds: z.number().optional(),
  talkSeconds: z.number().optional(),
  queueOutcome: queueOutcome.optional().describe('How the call’s time in a queue ended (the ACD sets it)'),
  engineInstanceId: z.string(),
});

const wrapUpSchema = z.object({
  agentId: z.string(),
  queueId: z.string().optional(),
  dispositionId: z.string().optional(),
  disposition: z.string().optional().describe('The code’s name when it was chosen'),
  note: z.string(),
  startedAt: timestamp,
  wrappedAt: timestamp.optional(),
  by: z.string().describe('Who wrote it last'),
});

const eventSchema = z.object({
  callId: z.string(),
  seq: z.number().int(),
  at: z.number().describe('Epoch milliseconds on the call’s clock'),
  type: z.string(),
  nodeId: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});

export const callJson = (call: CallRecord) =>
  Object.fromEntries(Object.entries(call).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));

export function callRoutes({ store }: ApiContext): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/calls',
      access: 'viewer',
      tag: 'calls',
      summary: 'Call records, newest first, filtered and paged',
      query: z.strictObject({
        kind: z.enum(['phone', 'test']).optional(),
        flowId: z.string().optional(),
        from: z.string().optional(),
        to: z.string().optional(),
        outcome: z.string().optional(),
        queueId: z.string().optional(),
        agentId: z.string().optional(),
        queueOutcome: queueOutcome.optional(),
        since: queryDate.optional(),
        until: queryDate.optional(),
        active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
        ...pageQuery,
      }),
      success: { status: 200, description: 'Calls', schema: paged(callSchema) },
      handler: async ({ query }) => {
        const { page, pageSize, ...filter } = query;
        const result = await store.calls.list(filter, { page, pageSize });
        return { ...result, items: result.items.map(callJson) };
      },
    }),
    route({
      method: 'get',
      path: '/api/calls/:id',
      access: 'viewer',
      tag: 'calls',
      summary: 'One call record',
      params: idParam,
      success: { status: 200, description: 'The call, with each adviser’s wrap-up (disposition and note)', schema: callSchema.extend({ wrapUps: z.array(wrapUpSchema) }) },
      problems: [404],
      handler: async ({ params }) => {
        const call = await store.calls.get(params.id);
        if (!call) throw notFound(`Call ${params.id}`);
        const wrapUps = (await store.desk.wrapUpsOf(params.id)).map((w) => ({
          agentId: w.agentId,
          ...(w.queueId ? { queueId: w.queueId } : {}),
          ...(w.dispositionId ? { dispositionId: w.dispositionId } : {}),
          ...(w.dispositionName ? { disposition: w.dispositionName } : {}),
          note: w.note,
          startedAt: w.startedAt.toISOString(),
          ...(w.wrappedAt ? { wrappedAt: w.wrappedAt.toISOString() } : {}),
          by: w.actor,
        }));
        return { ...callJson(call), wrapUps };
      },
    }),
    route({
      method: 'get',
      path: '/api/calls/:id/events',
      access: 'viewer',
      tag: 'calls',
      summary: 'A call’s event log, in order',
      params: idParam,
      success: { status: 200, description: 'Events', schema: z.array(eventSchema) },
      problems: [404],
      handler: async ({ params }) => {
        if (!(await store.calls.get(params.id))) throw notFound(`Call ${params.id}`);
        return store.calls.events(params.id);
      },
    }),
  ];
}
