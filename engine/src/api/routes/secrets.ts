import { z } from 'zod';
import { parseFlow } from '../../core/flow/parse-flow.js';
import { nodeDefinition } from '../../core/catalogue.js';
import { SECRET_NAME } from '../../core/template.js';
import type { SecretInfo, Store } from '../../ports/store.js';
import { actorOf } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, notFound } from '../problem.js';
import { route, type AnyRoute } from '../route.js';
import { timestamp } from '../schemas.js';

const nameParam = z.strictObject({
  name: z.string().regex(SECRET_NAME, 'a secret is named with a letter, then letters, digits and _ (at most 64), e.g. COUNCIL_API_KEY'),
});

const secretSchema = z.object({
  name: z.string(),
  description: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  updatedBy: z.string(),
});

const json = (s: SecretInfo) => ({ ...s, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() });

/** Flows whose draft or published version refers to the secret, as "flow id (draft)" / "flow id (published)". */
async function flowsUsing(store: Store, name: string): Promise<string[]> {
  const uses = (graph: unknown) =>
    (parseFlow(graph).flow?.nodes ?? []).some((node) => {
      const definition = nodeDefinition(node.kind, node.version);
      const params = definition?.params.safeParse(node.params);
      return params?.success === true && (definition!.traits.secrets?.(params.data) ?? []).some((s) => s.name === name);
    });
  const users: string[] = [];
  for (const flow of await store.flows.list()) {
    const record = await store.flows.get(flow.id);
    if (record && uses(record.draft)) users.push(`${flow.id} (draft)`);
    const published = flow.publishedVersion === undefined ? undefined : await store.flows.published(flow.id);
    if (published && uses(published.graph)) users.push(`${flow.id} (published)`);
  }
  return users;
}

/**
 * Secrets that flows use by name ({{secret:NAME}}): designers see names and descriptions (to pick one in
 * the http node), admins set and delete them. No route ever returns a value; the audit log never holds one.
 */
export function secretRoutes(context: ApiContext): AnyRoute[] {
  const { store, secrets } = context;
  return [
    route({
      method: 'get',
      path: '/api/secrets',
      access: 'designer',
      tag: 'secrets',
      summary: 'The secrets flows can use: names and descriptions, never values',
      success: { status: 200, description: 'Secrets', schema: z.array(secretSchema) },
      handler: async () => (await secrets.list()).map(json),
    }),
    route({
      method: 'put',
      path: '/api/secrets/:name',
      access: 'admin',
      tag: 'secrets',
      summary: 'Create a secret or replace its value (sealed with AES-256-GCM; the value is never shown again)',
      params: nameParam,
      body: z.strictObject({
        value: z.string().min(1).max(4096).describe('The password, key or token'),
        description: z.string().max(500).default('').describe('What it is for, e.g. "Back-office API key (rotated yearly)"'),
      }),
      success: { status: 200, description: 'Stored', schema: secretSchema.extend({ created: z.boolean() }) },
      handler: async ({ params, body, principal }) => {
        const result = await secrets.put(params.name, body.value, body.description, actorOf(principal!));
        return { ...json(result.secret), created: result.kind === 'created' };
      },
    }),
    route({
      method: 'delete',
      path: '/api/secrets/:name',
      access: 'admin',
      tag: 'secrets',
      summary: 'Delete a secret (refused while a flow uses it)',
      params: nameParam,
      success: { status: 204, description: 'Deleted' },
      problems: [404, 409],
      handler: async ({ params, principal }) => {
        const usedBy = await flowsUsing(store, params.name);
        if (usedBy.length > 0) {
          throw new ApiProblem(409, `Secret ${params.name} is used by ${usedBy.join(', ')}: change those flows first`, { usedBy });
        }
        const result = await secrets.delete(params.name, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Secret ${params.name}`);
        return undefined;
      },
    }),
  ];
}
