/**
 * The agent desk's API (role agent; supervisors and admins carry it): the adviser's own view, their
 * state and where calls ring, the note and wrap-up of their calls, the actions on a call the engine holds
 * for the desk (a test call ringing it), and the transfer directory. The supervisor's team view and
 * listen-in. The live half is the websocket (api/desk-socket.ts).
 */
import { z } from 'zod';
import { inSensitiveStep, looksLikeCard } from '../../desk/call-context.js';
import type { DeskService } from '../../desk/desk-service.js';
import { webrtcPassword } from '../../desk/webrtc-credentials.js';
import type { DeskCommand, TransferTarget } from '../../ports/desk.js';
import type { Agent } from '../../ports/store.js';
import { actorOf } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, notFound } from '../problem.js';
import { idParam, route, type AnyRoute, type Principal } from '../route.js';
import { entityId } from '../schemas.js';
import { presenceBody, presenceChange, setPresence } from './acd.js';

const noteText = z
  .string()
  .max(4000)
  .refine((note) => !looksLikeCard(note), 'looks like a card number: never write card numbers in a note');

export const transferTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('queue'), queueId: entityId }),
  z.strictObject({ kind: z.literal('agent'), agentId: entityId }),
  z.strictObject({ kind: z.literal('number'), e164: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a number in E.164, e.g. +441632960123') }),
]);

const viewSchema = z.record(z.string(), z.unknown()).describe('The desk view (see docs/api.md, "The agent desk")');

function deskOf(context: ApiContext): DeskService {
  if (!context.desk) throw new ApiProblem(503, 'The agent desk is not running on this engine');
  return context.desk.service;
}

/** The adviser the signed-in user works as; a 409 for users no agent is linked to. */
async function myAgent(context: ApiContext, principal: Principal): Promise<Agent> {
  const agent = await deskOf(context).agentOfUser(principal.userId);
  if (!agent) throw new ApiProblem(409, `No agent is linked to ${principal.username}: an admin links one on the Agents screen ("Signs in to the desk as")`);
  return agent;
}

/** The call is the adviser's: offered to them, talked to, held for them, or already noted by them. Its queue is the one they took it from. */
async function myCall(context: ApiContext, agent: Agent, callId: string): Promise<{ queueId?: string }> {
  const { store } = context;
  const [state, call, wrapUps, history] = await Promise.all([
    store.agentStates.get(agent.id),
    store.calls.get(callId),
    store.desk.wrapUpsOf(callId),
    store.agentStates.history(agent.id, { page: 1, pageSize: 20 }),
  ]);
  if (!call) throw notFound(`Call ${callId}`);
  const mine = wrapUps.find((w) => w.agentId === agent.id);
  const offered = history.items.find((c) => c.callId === callId);
  const held = context.desk?.legs.legOf(agent.id)?.callId === callId;
  if (!(state?.callId === callId || call.agentId === agent.id || mine || offered || held)) throw new ApiProblem(403, `Call ${callId} was not offered to ${agent.name}`);
  // A transferred caller's record names the queue they went on to: the adviser's queue is where the call was offered to them.
  const queueId = mine?.queueId ?? (state?.callId === callId ? state.queueId : undefined) ?? offered?.queueId ?? call.queueId;
  return queueId ? { queueId } : {};
}


/** An action on a leg this engine holds for the desk. */
type LegAction = DeskCommand extends infer C ? (C extends DeskCommand ? Omit<C, 'callId' | 'agentId'> : never) : never;

async function legCommand(context: ApiContext, principal: Principal, callId: string, command: LegAction) {
  const agent = await myAgent(context, principal);
  const legs = context.desk!.legs;
  const result = legs.command({ ...command, callId, agentId: agent.id } as DeskCommand);
  if (result.kind === 'notHere') {
    throw new ApiProblem(409, `Call ${callId} is not ringing or connected on ${agent.name}'s desk: on a phone, use the phone; in the browser, the browser phone`);
  }
  if (result.kind === 'wrongStage') throw new ApiProblem(409, `Call ${callId} ${{ ringing: 'is still ringing: answer it first', talking: 'is already answered', ended: 'has ended: wrap it up' }[result.stage]}`);
  deskOf(context).notify(agent.id);
  return { stage: result.leg.stage, held: result.leg.held };
}

const legSchema = z.object({ stage: z.enum(['ringing', 'talking', 'ended']), held: z.boolean() });
const describeTarget = (t: TransferTarget) => (t.kind === 'queue' ? `queue ${t.queueId}` : t.kind === 'agent' ? `agent ${t.agentId}` : t.e164);

export function deskRoutes(context: ApiContext): AnyRoute[] {
  const { store } = context;
  const at = () => new Date(context.now());
  return [
    route({
      method: 'get',
      path: '/api/desk',
      access: 'agent',
      tag: 'desk',
      summary: 'The adviser’s desk: state, where calls ring, the call in front of them with its context, break reasons and codes',
      success: { status: 200, description: 'The desk view', schema: viewSchema },
      problems: [409, 503],
      handler: async ({ principal }) => deskOf(context).view(await myAgent(context, principal!)),
    }),
    route({
      method: 'put',
      path: '/api/desk/state',
      access: 'agent',
      tag: 'desk',
      summary: 'Go available, take a break (one of the council’s reasons) or go offline; available after wrap-up ends it early',
      body: presenceBody,
      success: { status: 200, description: 'The adviser’s state now', schema: z.record(z.string(), z.unknown()) },
      problems: [409, 422, 503],
      handler: async ({ body, principal }) => {
        const agent = await myAgent(context, principal!);
        const result = await setPresence(context, agent.id, await presenceChange(context, body, 'signed off'), actorOf(principal!));
        deskOf(context).notify(agent.id);
        return result;
      },
    }),
    route({
      method: 'get',
      path: '/api/desk/phone',
      access: 'agent',
      tag: 'desk',
      summary: 'The browser phone’s SIP registration for the adviser signed in: websocket, address and password (never cached)',
      success: {
        status: 200,
        description: 'Registration details',
        schema: z.object({ websocketUrl: z.string(), domain: z.string(), user: z.string(), password: z.string(), iceServers: z.array(z.string()) }),
      },
      problems: [409, 503],
      handler: async ({ principal, res }) => {
        const agent = await myAgent(context, principal!);
        const webrtc = deskOf(context).settings.webrtc;
        if (!webrtc) throw new ApiProblem(503, 'The browser phone is not set up on this engine (desk.webrtc in the config)');
        const endpoint = agent.endpoints.find((e) => e.kind === 'webrtc');
        if (!endpoint) throw new ApiProblem(409, `${agent.name} has no browser phone: an admin adds one on the Agents screen`);
        res.setHeader('Cache-Control', 'no-store');
        return { websocketUrl: webrtc.websocketUrl, domain: webrtc.domain, user: endpoint.value, password: webrtcPassword(webrtc.secret, endpoint.value), iceServers: webrtc.iceServers };
      },
    }),
    route({
      method: 'put',
      path: '/api/desk/endpoint',
      access: 'agent',
      tag: 'desk',
      summary: 'Choose where calls ring: one of the adviser’s endpoints (the browser, a SIP phone, Teams, a phone number)',
      body: z.strictObject({ activeEndpoint: z.number().int().min(0).max(9) }),
      success: { status: 200, description: 'Where calls ring now', schema: z.object({ activeEndpoint: z.number().int() }) },
      problems: [409, 422, 503],
      handler: async ({ body, principal }) => {
        const agent = await myAgent(context, principal!);
        const result = await store.agents.update(agent.id, { activeEndpoint: body.activeEndpoint }, actorOf(principal!));
        if (result.kind === 'noSuchEndpoint') throw new ApiProblem(422, `There is no endpoint ${body.activeEndpoint}`, { errors: [{ path: 'body.activeEndpoint', message: 'not one of your endpoints' }] });
        if (result.kind !== 'updated') throw new ApiProblem(409, `Could not change where calls ring (${result.kind})`);
        deskOf(context).notify(agent.id);
        return { activeEndpoint: result.item.activeEndpoint };
      },
    }),
    route({
      method: 'put',
      path: '/api/desk/calls/:id/note',
      access: 'agent',
      tag: 'desk',
      summary: 'Keep the note the adviser is writing about a call (during it or in wrap-up)',
      params: idParam,
      body: z.strictObject({ note: noteText }),
      success: { status: 200, description: 'Saved', schema: z.object({ note: z.string(), updatedAt: z.string() }) },
      problems: [403, 404, 409, 503],
      handler: async ({ params, body, principal }) => {
        const agent = await myAgent(context, principal!);
        const { queueId } = await myCall(context, agent, params.id);
        const saved = await store.desk.saveNote({ callId: params.id, agentId: agent.id, ...(queueId ? { queueId } : {}), note: body.note }, at(), actorOf(principal!));
        if (saved.kind !== 'saved') throw notFound(`Call ${params.id}`);
        return { note: saved.wrapUp.note, updatedAt: saved.wrapUp.updatedAt.toISOString() };
      },
    }),
    route({
      method: 'post',
      path: '/api/desk/calls/:id/wrap-up',
      access: 'agent',
      tag: 'desk',
      summary: 'Finish the wrap-up of a call: a disposition code and the note, stored on the call record; the adviser is available again unless `then` says a break',
      params: idParam,
      body: z.strictObject({
        dispositionId: entityId.describe('One of the disposition codes for the call’s queue'),
        note: noteText.default(''),
        then: presenceBody.optional().describe('What the adviser does next (default: available, ending wrap-up)'),
      }),
      success: { status: 200, description: 'Wrapped up', schema: z.object({ dispositionId: z.string(), disposition: z.string(), note: z.string(), state: z.string() }) },
      problems: [403, 404, 409, 422, 503],
      handler: async ({ params, body, principal }) => {
        const agent = await myAgent(context, principal!);
        const { queueId } = await myCall(context, agent, params.id);
        const saved = await store.desk.wrapUp({ callId: params.id, agentId: agent.id, ...(queueId ? { queueId } : {}), dispositionId: body.dispositionId, note: body.note }, at(), actorOf(principal!));
        if (saved.kind === 'dispositionNotFound') throw new ApiProblem(422, `There is no disposition code ${body.dispositionId}`, { errors: [{ path: 'body.dispositionId', message: 'no such code' }] });
        if (saved.kind === 'dispositionNotForQueue') throw new ApiProblem(422, `${body.dispositionId} is not a code for ${saved.queueId}'s calls`, { errors: [{ path: 'body.dispositionId', message: 'not for this queue' }] });
        if (saved.kind === 'callNotFound') throw notFound(`Call ${params.id}`);
        context.desk?.legs.forget({ callId: params.id, agentId: agent.id });
        // Done with this call: the adviser goes on as they said (available by default), unless a call rings meanwhile.
        const now = (await store.agentStates.get(agent.id))?.state;
        let state = now ?? 'offline';
        if (now === 'wrap_up' || now === 'available' || now === 'break') {
          const next = await presenceChange(context, body.then ?? { state: 'available' }, 'signed off');
          state = (await store.agentStates.set(agent.id, next, at(), actorOf(principal!))).kind === 'notFound' ? state : next.state;
        }
        deskOf(context).notify(agent.id);
        return { dispositionId: body.dispositionId, disposition: saved.wrapUp.dispositionName ?? body.dispositionId, note: saved.wrapUp.note, state };
      },
    }),
    route({
      method: 'post',
      path: '/api/desk/calls/:id/answer',
      access: 'agent',
      tag: 'desk',
      summary: 'Answer a call ringing on the desk (a test call); phone calls are answered on the phone or the browser phone',
      params: idParam,
      success: { status: 200, description: 'The leg now', schema: legSchema },
      problems: [409, 503],
      handler: async ({ params, principal }) => legCommand(context, principal!, params.id, { kind: 'answer' }),
    }),
    route({
      method: 'post',
      path: '/api/desk/calls/:id/decline',
      access: 'agent',
      tag: 'desk',
      summary: 'Decline a call ringing on the desk: the caller is offered to someone else',
      params: idParam,
      success: { status: 200, description: 'The leg now', schema: legSchema },
      problems: [409, 503],
      handler: async ({ params, principal }) => legCommand(context, principal!, params.id, { kind: 'decline' }),
    }),
    route({
      method: 'post',
      path: '/api/desk/calls/:id/hold',
      access: 'agent',
      tag: 'desk',
      summary: 'Put the caller on hold (they hear music) or take them off it',
      params: idParam,
      body: z.strictObject({ on: z.boolean() }),
      success: { status: 200, description: 'The leg now', schema: legSchema },
      problems: [409, 503],
      handler: async ({ params, body, principal }) => legCommand(context, principal!, params.id, { kind: 'hold', on: body.on }),
    }),
    route({
      method: 'post',
      path: '/api/desk/calls/:id/hangup',
      access: 'agent',
      tag: 'desk',
      summary: 'End the adviser’s part of the call (the caller goes on in the flow)',
      params: idParam,
      success: { status: 200, description: 'The leg now', schema: legSchema },
      problems: [409, 503],
      handler: async ({ params, principal }) => legCommand(context, principal!, params.id, { kind: 'hangup' }),
    }),
    route({
      method: 'post',
      path: '/api/desk/calls/:id/transfer',
      access: 'agent',
      tag: 'desk',
      summary: 'Transfer the caller to another queue, an agent or a number (blind: the adviser’s part ends)',
      params: idParam,
      body: z.strictObject({ target: transferTargetSchema }),
      success: { status: 200, description: 'The leg as it was handed over', schema: legSchema.extend({ to: z.string() }) },
      problems: [409, 422, 503],
      handler: async ({ params, body, principal }) => {
        const { target } = body;
        if (target.kind === 'queue' && !(await store.queues.get(target.queueId))) throw new ApiProblem(422, `There is no queue ${target.queueId}`, { errors: [{ path: 'body.target.queueId', message: 'no such queue' }] });
        if (target.kind === 'agent' && !(await store.agents.get(target.agentId))) throw new ApiProblem(422, `There is no agent ${target.agentId}`, { errors: [{ path: 'body.target.agentId', message: 'no such agent' }] });
        return { ...(await legCommand(context, principal!, params.id, { kind: 'transfer', target })), to: describeTarget(target) };
      },
    }),
    route({
      method: 'get',
      path: '/api/desk/directory',
      access: 'agent',
      tag: 'desk',
      summary: 'Where an adviser can transfer a caller: queues (with callers waiting) and agents (with their state)',
      success: {
        status: 200,
        description: 'Queues and agents',
        schema: z.object({
          queues: z.array(z.object({ id: z.string(), name: z.string(), waiting: z.number().int(), available: z.number().int() })),
          agents: z.array(z.object({ id: z.string(), name: z.string(), state: z.string() })),
        }),
      },
      problems: [503],
      handler: async () => {
        const team = await deskOf(context).team();
        return {
          queues: team.queues.map(({ id, name, waiting, available }) => ({ id, name, waiting, available })),
          agents: team.agents.map((a) => ({ id: a.id, name: a.name, state: a.state.state })),
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/supervisor/team',
      access: 'supervisor',
      tag: 'desk',
      summary: 'Every agent’s state and time in it, every queue’s waiting callers and longest wait',
      success: { status: 200, description: 'The team view', schema: viewSchema },
      problems: [503],
      handler: async () => deskOf(context).team(),
    }),
    route({
      method: 'post',
      path: '/api/supervisor/calls/:id/listen',
      access: 'supervisor',
      tag: 'desk',
      summary: 'Listen in on an adviser’s live call: the supervisor’s own phone rings and hears both sides — never during a payment',
      params: idParam,
      success: { status: 200, description: 'Listening', schema: z.object({ agentId: z.string(), ringing: z.string() }) },
      problems: [404, 409, 503],
      handler: async ({ params, principal }) => {
        const call = await store.calls.get(params.id);
        if (!call || call.endedAt) throw notFound(`A live call ${params.id}`);
        const adviser = (await store.agentStates.list()).find((s) => s.callId === params.id && s.state === 'on_call');
        if (!adviser) throw new ApiProblem(409, `Call ${params.id} is not connected to an adviser`);
        if (await inSensitiveStep(store, params.id)) throw new ApiProblem(409, 'The caller is making a payment: nobody may listen in until it is over');
        if (call.kind === 'test') throw new ApiProblem(409, 'A test call has no sound to listen to');
        if (!context.listenIn) throw new ApiProblem(503, 'Listening in needs real telephony (a telephony section in the config) on this engine');
        const supervisor = await myAgent(context, principal!);
        const endpoint = supervisor.endpoints[supervisor.activeEndpoint];
        if (!endpoint) throw new ApiProblem(409, `${supervisor.name} has no phone to listen on: add an endpoint on the Agents screen`);
        const destination = endpoint.kind === 'sip-uri' ? { kind: 'sip' as const, uri: endpoint.value } : endpoint.kind === 'pstn' ? { kind: 'number' as const, e164: endpoint.value } : endpoint.kind === 'teams' ? { kind: 'teams' as const, e164: endpoint.value } : { kind: 'agent' as const, agentId: supervisor.id };
        const result = await context.listenIn.listen({ callId: params.id, agentId: adviser.agentId, supervisor: { agentId: supervisor.id, destination } });
        if (result.kind === 'notHere') throw new ApiProblem(409, `Call ${params.id} is held by another engine: try again (it is found by the engine holding it)`);
        if (result.kind === 'failed') throw new ApiProblem(503, `Could not listen in: ${result.reason}`);
        await store.audit.record({ actor: actorOf(principal!), action: 'call.listenIn', entityType: 'call', entityId: params.id, after: { agentId: adviser.agentId } });
        return { agentId: adviser.agentId, ringing: endpoint.label ?? endpoint.kind };
      },
    }),
  ];
}
