/**
 * Queues and agents: the ACD's set-up (admins), read by everyone who reads, with each agent's state and
 * the time of it; an agent's state changed by a supervisor, and its log. A queue's settings are ONE zod
 * schema (engine/src/queue/queue-settings.ts): the API validates with it, answers with its defaults
 * filled in, and hands the designer its JSON Schema for the queue form.
 */
import { z } from 'zod';
import { parseDestination } from '../../core/destination.js';
import type { AgentState, PresenceChange } from '../../ports/acd.js';
import { parseQueueSettings, queueSettingsSchema } from '../../queue/queue-settings.js';
import { actorOf } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, notFound } from '../problem.js';
import { idParam, route, type AnyRoute } from '../route.js';
import { entityId, pageQuery, paged, timestamp } from '../schemas.js';
import type { Collection } from './collections.js';

const e164 = /^\+[1-9]\d{6,14}$/;
const sipUser = /^[A-Za-z0-9_.~+-]{1,64}$/;

/** How each kind of endpoint's value must look, and what to say when it does not. */
const endpointRules: Record<string, [RegExp, string]> = {
  'sip-user': [sipUser, 'a SIP user name the phone registers as (letters, digits, _ . ~ + -)'],
  'sip-uri': [/^sips?:[^\s<>"]{1,296}$/, 'a SIP URI, e.g. sip:desk-12@pbx.example.gov.uk'],
  teams: [e164, 'the Teams user’s number in E.164, e.g. +441632960123'],
  pstn: [e164, 'a phone number in E.164, e.g. +447700900123'],
  webrtc: [sipUser, 'the user name the desk’s browser phone registers as'],
};

export const agentEndpointSchema = z
  .strictObject({
    kind: z.enum(['sip-user', 'sip-uri', 'teams', 'pstn', 'webrtc']).describe('A registered SIP phone, a fixed SIP URI, a Teams user, a phone number, or the desk’s browser phone'),
    value: z.string().min(1).max(300),
    label: z.string().min(1).max(100).optional().describe('e.g. "Desk phone", "Mobile"'),
  })
  .superRefine((endpoint, ctx) => {
    const [pattern, message] = endpointRules[endpoint.kind]!;
    const reachable = pattern.test(endpoint.value) && (endpoint.kind !== 'sip-uri' || parseDestination(endpoint.value).ok);
    if (!reachable) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be ${message}` });
  });

const stateSchema = z.object({
  state: z.enum(['available', 'ringing', 'on_call', 'wrap_up', 'break', 'offline']),
  reason: z.string().optional(),
  since: timestamp.optional().describe('When the agent entered this state (absent: never logged in)'),
  wrapEndsAt: timestamp.optional(),
  callId: z.string().optional(),
  queueId: z.string().optional(),
  missedOffers: z.number().int(),
});

/** An agent's state as answers give it. */
export function stateJson(state: AgentState | undefined): z.output<typeof stateSchema> {
  if (!state) return { state: 'offline', missedOffers: 0 };
  return {
    state: state.state,
    ...(state.reason ? { reason: state.reason } : {}),
    ...(state.since ? { since: state.since.toISOString() } : {}),
    ...(state.wrapEndsAt ? { wrapEndsAt: state.wrapEndsAt.toISOString() } : {}),
    ...(state.callId ? { callId: state.callId } : {}),
    ...(state.queueId ? { queueId: state.queueId } : {}),
    missedOffers: state.missedOffers,
  };
}

const queueInput = z.strictObject({
  id: entityId,
  name: z.string().min(1).max(200),
  serviceLine: z.string().max(100).describe('Reports group queues by service line ("Highways", "Adult social care")'),
  scheduleId: entityId.optional().describe('Opening hours: one of the stored schedules; absent: always open'),
  settings: queueSettingsSchema,
});

const agentInput = z.strictObject({
  id: entityId,
  name: z.string().min(1).max(200),
  userId: z.string().min(1).max(64).optional().describe('The user the adviser signs in to the desk as'),
  endpoints: z.array(agentEndpointSchema).max(10).describe('Ways to reach the adviser'),
  activeEndpoint: z.number().int().min(0).max(9).describe('Which endpoint rings now (0 is the first)'),
  skills: z.record(z.string().min(1).max(64), z.number().int().min(1).max(10)).describe('Skill → level, 1 (learning) to 10 (expert)'),
  queueIds: z.array(entityId).max(100).describe('Queues the adviser serves'),
});

export const acdCollections: Collection[] = [
  {
    path: 'queues',
    noun: 'Queue',
    tag: 'queues',
    write: 'admin',
    input: queueInput,
    defaults: { serviceLine: '', settings: {} },
    repository: (context) => context.store.queues,
    output: queueInput.extend({
      updatedAt: timestamp,
      settingsProblems: z.array(z.string()).optional().describe('Stored settings that no longer pass the schema (the ACD uses its defaults for them)'),
    }),
    clearable: ['scheduleId'],
    present: async (_context, queues) =>
      queues.map((queue) => {
        const parsed = parseQueueSettings(queue.settings);
        return parsed.ok ? { ...queue, settings: parsed.settings } : { ...queue, settingsProblems: parsed.problems };
      }),
  },
  {
    path: 'agents',
    noun: 'Agent',
    tag: 'queues',
    write: 'admin',
    input: agentInput,
    defaults: { endpoints: [], activeEndpoint: 0, skills: {}, queueIds: [] },
    repository: (context) => context.store.agents,
    output: agentInput.extend({ updatedAt: timestamp, state: stateSchema }),
    clearable: ['userId'],
    present: async ({ store }, agents) => {
      const states = new Map((await store.agentStates.list()).map((s) => [s.agentId, s]));
      return agents.map((agent) => ({ ...agent, state: stateJson(states.get(agent.id as string)) }));
    },
  },
];

/** What a person may set an agent to: a break names one of the council's break reasons. */
export const presenceBody = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('available') }),
  z.strictObject({ state: z.literal('break'), reasonId: entityId.describe('One of the break reasons (GET /api/break-reasons)') }),
  z.strictObject({ state: z.literal('offline') }),
]);

/** The presence change a request asks for, with a break reason's id turned into its name. */
export async function presenceChange(context: ApiContext, body: z.output<typeof presenceBody>, offlineReason: string): Promise<PresenceChange> {
  if (body.state === 'available') return { state: 'available' };
  if (body.state === 'offline') return { state: 'offline', reason: offlineReason };
  const reason = await context.store.breakReasons.get(body.reasonId);
  if (!reason) throw new ApiProblem(422, `There is no break reason ${body.reasonId}`, { errors: [{ path: 'body.reasonId', message: 'no such break reason' }] });
  return { state: 'break', reason: reason.name };
}

/** Sets an agent's presence; a ringing or talking agent is a 409. */
export async function setPresence(context: ApiContext, agentId: string, change: PresenceChange, actor: string) {
  const result = await context.store.agentStates.set(agentId, change, new Date(context.now()), actor);
  if (result.kind === 'notFound') throw notFound(`Agent ${agentId}`);
  if (result.kind === 'busy') {
    throw new ApiProblem(409, `Agent ${agentId} is ${result.state.state === 'ringing' ? 'being offered a call' : 'on a call'}: change their state after it`, {
      errors: [{ path: 'body.state', message: 'not while ringing or on a call' }],
    });
  }
  return stateJson(result.state);
}

const changeSchema = z.object({
  at: timestamp,
  state: stateSchema.shape.state,
  previous: stateSchema.shape.state.optional(),
  reason: z.string().optional(),
  callId: z.string().optional(),
  queueId: z.string().optional(),
  actor: z.string(),
});

export function agentStateRoutes(context: ApiContext): AnyRoute[] {
  const { store } = context;
  return [
    route({
      method: 'get',
      path: '/api/queue-settings-schema',
      access: 'viewer',
      tag: 'queues',
      summary: 'JSON Schema of a queue’s settings, for forms (the same schema the API validates with)',
      success: { status: 200, description: 'JSON Schema (draft 2020-12), as input: defaults shown, nothing required that has one', schema: z.record(z.string(), z.unknown()) },
      handler: async () => z.toJSONSchema(queueSettingsSchema, { io: 'input', unrepresentable: 'any' }),
    }),
    route({
      method: 'put',
      path: '/api/agents/:id/state',
      access: 'supervisor',
      tag: 'queues',
      summary: 'Set an agent available, on a break (with one of the break reasons) or offline',
      params: idParam,
      body: presenceBody,
      success: { status: 200, description: 'The agent’s state now', schema: stateSchema },
      problems: [404, 409, 422],
      handler: async ({ params, body, principal }) => {
        const change = await presenceChange(context, body, `set offline by ${principal!.username}`);
        return setPresence(context, params.id, change, actorOf(principal!));
      },
    }),
    route({
      method: 'get',
      path: '/api/agents/:id/states',
      access: 'viewer',
      tag: 'queues',
      summary: 'An agent’s state changes, newest first, with who made each',
      params: idParam,
      query: z.strictObject(pageQuery),
      success: { status: 200, description: 'State changes', schema: paged(changeSchema) },
      problems: [404],
      handler: async ({ params, query }) => {
        if (!(await store.agents.get(params.id))) throw notFound(`Agent ${params.id}`);
        const history = await store.agentStates.history(params.id, query);
        return { ...history, items: history.items.map(({ id: _id, agentId: _agent, at, ...change }) => ({ ...change, at: at.toISOString() })) };
      },
    }),
  ];
}
