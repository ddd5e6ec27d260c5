import { z } from 'zod';
import type { PhoneNumber } from '../../ports/store.js';
import { actorOf } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, notFound } from '../problem.js';
import { route, type AnyRoute } from '../route.js';

const did = z
  .string()
  .regex(/^(\+[1-9][0-9]{6,14}|\*)$/, 'must be an E.164 number like +441234500000, or * for any other number');
const flowRef = z.string().min(1).max(64);

/** Used when the number's flow has no published version; null (or left out) for none. */
const fallbackFlow = flowRef.nullable().optional();

const numberSchema = z.strictObject({
  did,
  flowId: flowRef,
  fallbackFlowId: fallbackFlow,
  label: z.string().max(200).default(''),
});
const numberChanges = z.strictObject({
  flowId: flowRef.optional(),
  /** null removes the fallback. */
  fallbackFlowId: fallbackFlow,
  label: z.string().max(200).optional(),
});
const didParam = z.strictObject({ did });

function flowNotFound(flowId: string, body: { flowId?: string }) {
  const field = body.flowId === flowId ? 'body.flowId' : 'body.fallbackFlowId';
  return new ApiProblem(422, `Flow ${flowId} does not exist`, { errors: [{ path: field, message: 'no such flow' }] });
}

const json = (n: PhoneNumber) => n;

export function numberRoutes({ store }: ApiContext): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/numbers',
      access: 'viewer',
      tag: 'numbers',
      summary: 'Phone numbers and the flows they route to',
      success: { status: 200, description: 'Numbers', schema: z.array(numberSchema) },
      handler: async () => (await store.numbers.list()).map(json),
    }),
    route({
      method: 'post',
      path: '/api/numbers',
      access: 'publisher',
      tag: 'numbers',
      summary: 'Route a phone number to a flow',
      body: numberSchema,
      success: { status: 201, description: 'Created', schema: numberSchema },
      problems: [409, 422],
      handler: async ({ body, principal }) => {
        const { fallbackFlowId, ...number } = body;
        const result = await store.numbers.create({ ...number, ...(fallbackFlowId ? { fallbackFlowId } : {}) }, actorOf(principal!));
        if (result.kind === 'exists') {
          throw new ApiProblem(409, `${body.did} is already routed`, { errors: [{ path: 'body.did', message: 'already exists' }] });
        }
        if (result.kind === 'flowNotFound') throw flowNotFound(result.flowId, body);
        return json(result.number);
      },
    }),
    route({
      method: 'get',
      path: '/api/numbers/:did',
      access: 'viewer',
      tag: 'numbers',
      summary: 'One phone number',
      params: didParam,
      success: { status: 200, description: 'The number', schema: numberSchema },
      problems: [404],
      handler: async ({ params }) => {
        const number = await store.numbers.get(params.did);
        if (!number) throw notFound(`Number ${params.did}`);
        return json(number);
      },
    }),
    route({
      method: 'put',
      path: '/api/numbers/:did',
      access: 'publisher',
      tag: 'numbers',
      summary: 'Change where a number routes',
      params: didParam,
      body: numberChanges,
      success: { status: 200, description: 'Updated', schema: numberSchema },
      problems: [404, 422],
      handler: async ({ params, body, principal }) => {
        // A fallback of null is removed: the store clears a key given as undefined.
        const { fallbackFlowId, ...changes } = body;
        const update = fallbackFlowId === undefined ? changes : { ...changes, fallbackFlowId: fallbackFlowId ?? undefined };
        const result = await store.numbers.update(params.did, update, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Number ${params.did}`);
        if (result.kind === 'flowNotFound') throw flowNotFound(result.flowId, body);
        return json(result.number);
      },
    }),
    route({
      method: 'delete',
      path: '/api/numbers/:did',
      access: 'publisher',
      tag: 'numbers',
      summary: 'Stop routing a number',
      params: didParam,
      success: { status: 204, description: 'Deleted' },
      problems: [404],
      handler: async ({ params, principal }) => {
        const result = await store.numbers.delete(params.did, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Number ${params.did}`);
        return undefined;
      },
    }),
  ];
}
