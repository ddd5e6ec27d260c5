import { z } from 'zod';
import { canonicalFlowJson } from '../../core/flow/canonical-json.js';
import { allStoredSchedules } from '../../calls/stored-schedules.js';
import { checkFlow } from '../../core/flow/check-flow.js';
import { hasErrors, type Diagnostic } from '../../core/flow/diagnostics.js';
import { parseFlow } from '../../core/flow/parse-flow.js';
import { flowSchema, type Flow } from '../../core/flow/schema.js';
import { subflowCycleDiagnostics } from '../../core/flow/subflow-cycles.js';
import { redactCredentials } from '../../core/nodes/http/http.node.js';
import { roleAtLeast } from '../../auth/roles.js';
import { callsFileSchema } from '../../flow-tests/calls-file.js';
import { runTestCalls } from '../../flow-tests/run-test-calls.js';
import type { FlowVersion, FlowVersionSummary, JsonObject, Store } from '../../ports/store.js';
import { flowPublishes, flowTestCalls } from '../../metrics.js';
import { actorOf } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { diffFlows } from '../../core/flow/diff.js';
import { ApiProblem, diagnosticErrors, fieldErrors, notFound } from '../problem.js';
import { idParam, route, type AnyRoute, type Principal } from '../route.js';
import { diagnosticSchema, jsonObject, positiveInt, positiveIntText, timestamp } from '../schemas.js';

/**
 * A flow as saved while it is being drawn: the flow's structure is checked (ids, nodes, edges), node
 * params are not — an unfinished draft may be saved; validate and publish check everything.
 */
const draftFlow = flowSchema.describe('Flow JSON (see ARCHITECTURE.md "Flows are data")');

const flowSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  publishedVersion: z.number().int().optional(),
  draftRevision: z.number().int(),
  updatedAt: timestamp,
});

const versionSummary = z.object({
  version: z.number().int(),
  checksum: z.string(),
  author: z.string(),
  createdAt: timestamp,
  note: z.string(),
  published: z.boolean(),
  retiredAt: timestamp.optional(),
});

const versionParams = z.strictObject({ id: idParam.shape.id, version: positiveIntText });

const diffSide = z
  .string()
  .regex(/^(draft|[1-9][0-9]{0,9})$/, "must be a version number or 'draft'")
  .refine((side) => side === 'draft' || Number(side) <= 2_147_483_647, 'must be at most 2147483647')
  .transform((side): 'draft' | number => (side === 'draft' ? side : Number(side)));

const fieldChange = z.object({ field: z.string(), before: z.unknown(), after: z.unknown() }).describe('A changed setting, with its value before and after');
const nodeEdgeDiff = (key: 'nodeId' | 'edgeId') =>
  z.object({
    added: z.array(z.string()),
    removed: z.array(z.string()),
    changed: z.array(z.object({ [key]: z.string(), fields: z.array(z.string()), changes: z.array(fieldChange) })),
  });

/**
 * Exactly what the CLI reports for a flow file (readFlowFile): every problem in one pass (checkFlow), with
 * subflows checked against the flows that exist and the published versions of the flows they run (a chain
 * that comes back to this flow is an error), secrets and stored schedules against those that exist.
 */
export async function flowDiagnostics(store: Store, json: unknown): Promise<{ flow?: Flow; diagnostics: Diagnostic[] }> {
  const [flows, schedules, secrets, published] = await Promise.all([store.flows.list(), store.schedules.list(), store.secrets.list(), publishedFlows(store)]);
  return checkFlow(json, { flows: flows.map((f) => f.id), schedules: schedules.map((s) => s.id), secrets: secrets.map((s) => s.name), published });
}

/** A flow's scripted test calls as the API keeps them: a .calls.json file without `flow`. */
const testCallsBody = callsFileSchema.omit({ flow: true });

/** The published version of every flow, parsed, for subflow nodes to run. */
async function publishedFlows(store: Store): Promise<Flow[]> {
  const published = await Promise.all((await store.flows.list()).filter((f) => f.publishedVersion !== undefined).map((f) => store.flows.published(f.id)));
  return published.flatMap((version) => {
    const parsed = version && parseFlow(version.graph);
    return parsed?.flow && !hasErrors(parsed.diagnostics) ? [parsed.flow] : [];
  });
}

/** Run the scripted calls against `flow`: each call's result and the flow's edge coverage. `signal`: the client went away. */
async function runFlowTests(store: Store, flow: Flow, saved: JsonObject, signal: AbortSignal) {
  const file = testCallsBody.safeParse(saved);
  if (!file.success) {
    throw new ApiProblem(422, 'The saved test calls are not valid: fix them with PUT …/tests', { errors: fieldErrors('tests', file.error) });
  }
  const flows = (await publishedFlows(store)).filter((f) => f.id !== flow.id);
  // Read before the calls run: a scripted call's simulated clock must not run on while the database answers.
  const schedules = await allStoredSchedules(store);
  const report = await runTestCalls(flow, file.data, { flows, schedules, signal, onResult: () => flowTestCalls.inc() });
  return {
    results: report.results.map(({ name, passed, failures, path, outcome, endedAt, heard, edges }) => ({
      name,
      passed,
      failures,
      path,
      outcome,
      ...(endedAt !== undefined ? { endedAt } : {}),
      heard,
      edges,
    })),
    coverage: report.coverage,
  };
}

/**
 * A flow as this reader may see it: viewers get credentials typed into http nodes redacted (designers
 * and above edit the flow, so they see it as it is — and the validator tells them to use a secret).
 */
function forReader<T>(principal: Principal | undefined, json: T): T {
  return principal && roleAtLeast(principal.role, 'designer') ? json : redactCredentials(json);
}

function versionJson(version: FlowVersionSummary) {
  return {
    version: version.version,
    checksum: version.checksum,
    author: version.author,
    createdAt: version.createdAt.toISOString(),
    note: version.note,
    published: version.published,
    ...(version.retiredAt ? { retiredAt: version.retiredAt.toISOString() } : {}),
  };
}

function structureProblem(error: z.ZodError, where: string): ApiProblem {
  const errors = fieldErrors(where, error);
  return new ApiProblem(422, `The flow is not well formed: ${errors[0]?.path}: ${errors[0]?.message}`, { errors });
}

/**
 * A draft body checked for the flow's structure (422 naming the first problem otherwise), kept as the
 * designer wrote it: defaults are filled in when it is parsed, not written into the draft.
 */
function draftFromBody(body: Record<string, unknown>, where: string): JsonObject & { id: string; name: string } {
  const result = draftFlow.safeParse(body);
  if (!result.success) throw structureProblem(result.error, where);
  return body as JsonObject & { id: string; name: string };
}

export function flowRoutes(context: ApiContext): AnyRoute[] {
  const { store } = context;

  async function flowOr404(id: string) {
    const flow = await store.flows.get(id);
    if (!flow) throw notFound(`Flow ${id}`);
    return flow;
  }

  async function versionOr404(id: string, version: number): Promise<FlowVersion> {
    const found = await store.flows.version(id, version);
    if (!found) throw notFound(`Version ${version} of flow ${id}`);
    return found;
  }

  async function createFlow(flow: JsonObject & { id: string; name: string }, principal: Principal | undefined) {
    const result = await store.flows.create({ draft: flow }, actorOf(principal!));
    if (result.kind === 'exists') {
      throw new ApiProblem(409, `A flow with id ${flow.id} already exists`, { errors: [{ path: 'body.id', message: 'already exists' }] });
    }
    return { id: result.flow.id, draftRevision: result.flow.draftRevision };
  }

  /** The graph of a version, or the current draft. */
  async function side(id: string, which: 'draft' | number): Promise<Flow> {
    if (which === 'draft') {
      const draft = (await flowOr404(id)).draft;
      const parsed = flowSchema.safeParse(draft);
      if (!parsed.success) throw structureProblem(parsed.error, 'draft');
      return parsed.data;
    }
    return (await versionOr404(id, which)).graph;
  }

  const created = z.object({ id: z.string(), draftRevision: z.number().int() });

  return [
    route({
      method: 'get',
      path: '/api/flows',
      access: 'viewer',
      tag: 'flows',
      summary: 'List flows',
      success: { status: 200, description: 'Every flow', schema: z.array(flowSummary) },
      handler: async () =>
        (await store.flows.list()).map((f) => ({
          id: f.id,
          name: f.name,
          ...(f.description !== undefined ? { description: f.description } : {}),
          ...(f.publishedVersion !== undefined ? { publishedVersion: f.publishedVersion } : {}),
          draftRevision: f.draftRevision,
          updatedAt: f.updatedAt.toISOString(),
        })),
    }),
    // Importing a flow file is creating the flow from it: the same route under the name people look for.
    ...[
      { path: '/api/flows', summary: 'Create a flow from flow JSON (its first draft)' },
      { path: '/api/flows/import', summary: 'Import a flow file, as exported (409 when the id exists)' },
    ].map(({ path, summary }) =>
      route({
        method: 'post',
        path,
        access: 'designer',
        tag: 'flows',
        summary,
        body: jsonObject.describe('Flow JSON'),
        success: { status: 201, description: 'Created', schema: created },
        problems: [409, 422],
        handler: async ({ body, principal }) => createFlow(draftFromBody(body, 'body'), principal),
      }),
    ),
    route({
      method: 'get',
      path: '/api/flows/:id',
      access: 'viewer',
      tag: 'flows',
      summary: 'A flow and its draft',
      params: idParam,
      success: {
        status: 200,
        description: 'The flow',
        schema: flowSummary.extend({ draft: jsonObject, createdAt: timestamp }),
      },
      problems: [404],
      handler: async ({ params, principal }) => {
        const flow = await flowOr404(params.id);
        return {
          id: flow.id,
          name: flow.name,
          ...(flow.description !== undefined ? { description: flow.description } : {}),
          draft: forReader(principal, flow.draft),
          draftRevision: flow.draftRevision,
          ...(flow.publishedVersion !== undefined ? { publishedVersion: flow.publishedVersion } : {}),
          updatedAt: flow.updatedAt.toISOString(),
          createdAt: flow.createdAt.toISOString(),
        };
      },
    }),
    route({
      method: 'put',
      path: '/api/flows/:id/draft',
      access: 'designer',
      tag: 'flows',
      summary: 'Save the draft (optimistic concurrency: 409 when `revision` is not the current one)',
      params: idParam,
      body: z.strictObject({ flow: jsonObject, revision: positiveInt }),
      success: { status: 200, description: 'Saved', schema: z.object({ revision: z.number().int() }) },
      problems: [404, 409, 422],
      handler: async ({ params, body, principal }) => {
        const flow = draftFromBody(body.flow, 'body.flow');
        if (flow.id !== params.id) {
          throw new ApiProblem(422, `The flow's id (${flow.id}) must be the id in the URL (${params.id})`, {
            errors: [{ path: 'body.flow.id', message: `must be ${params.id}` }],
          });
        }
        const result = await store.flows.saveDraft(params.id, flow, body.revision, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Flow ${params.id}`);
        if (result.kind === 'conflict') {
          throw new ApiProblem(409, `The draft has changed since revision ${body.revision}: reload it (now at ${result.currentRevision})`, {
            currentRevision: result.currentRevision,
            errors: [{ path: 'body.revision', message: `stale; current revision is ${result.currentRevision}` }],
          });
        }
        return { revision: result.revision };
      },
    }),
    route({
      method: 'delete',
      path: '/api/flows/:id',
      access: 'publisher',
      tag: 'flows',
      summary: 'Delete a flow (refused while a phone number routes to it)',
      params: idParam,
      success: { status: 204, description: 'Deleted' },
      problems: [404, 409],
      handler: async ({ params, principal }) => {
        const result = await store.flows.delete(params.id, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Flow ${params.id}`);
        if (result.kind === 'inUse') {
          throw new ApiProblem(409, `Flow ${params.id} is still used by ${result.by.join(', ')}`, { usedBy: result.by });
        }
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/flows/:id/validate',
      access: 'viewer',
      tag: 'flows',
      summary: 'Diagnostics for the draft, or for the flow in the body (the same as the CLI reports)',
      params: idParam,
      body: z.strictObject({ flow: jsonObject.optional() }).optional(),
      success: { status: 200, description: 'Diagnostics', schema: z.object({ diagnostics: z.array(diagnosticSchema) }) },
      problems: [404],
      handler: async ({ params, body }) => {
        const json = body?.flow ?? (await flowOr404(params.id)).draft;
        return { diagnostics: (await flowDiagnostics(store, json)).diagnostics };
      },
    }),
    route({
      method: 'post',
      path: '/api/flows/:id/publish',
      access: 'publisher',
      tag: 'flows',
      summary: 'Publish the draft at `revision` as a new immutable version',
      params: idParam,
      body: z.strictObject({ revision: positiveInt, note: z.string().max(2000).default('') }),
      success: { status: 201, description: 'Published', schema: z.object({ version: z.number().int() }) },
      problems: [404, 409, 422],
      handler: async ({ params, body, principal }) => {
        const flow = await flowOr404(params.id);
        const stale = () =>
          new ApiProblem(409, `The draft has changed since revision ${body.revision}: reload and review it before publishing`, {
            currentRevision: flow.draftRevision,
            errors: [{ path: 'body.revision', message: `stale; current revision is ${flow.draftRevision}` }],
          });
        if (flow.draftRevision !== body.revision) throw stale();
        const { diagnostics } = await flowDiagnostics(store, flow.draft);
        if (hasErrors(diagnostics)) {
          throw new ApiProblem(422, 'The draft has errors: fix them before publishing', {
            diagnostics,
            errors: diagnosticErrors(diagnostics),
          });
        }
        const result = await store.flows.publish(params.id, body.revision, actorOf(principal!), body.note);
        if (result.kind === 'notFound') throw notFound(`Flow ${params.id}`);
        if (result.kind === 'conflict') {
          flow.draftRevision = result.currentRevision;
          throw stale();
        }
        flowPublishes.inc();
        return { version: result.version.version };
      },
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/versions',
      access: 'viewer',
      tag: 'flows',
      summary: 'Published versions, newest first',
      params: idParam,
      success: { status: 200, description: 'Versions', schema: z.array(versionSummary) },
      problems: [404],
      handler: async ({ params }) => {
        await flowOr404(params.id);
        return (await store.flows.versions(params.id)).map(versionJson);
      },
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/versions/:version',
      access: 'viewer',
      tag: 'flows',
      summary: 'One version and its graph',
      params: versionParams,
      success: { status: 200, description: 'The version', schema: versionSummary.extend({ flow: jsonObject }) },
      problems: [404],
      handler: async ({ params, principal }) => {
        const version = await versionOr404(params.id, params.version);
        return { ...versionJson(version), flow: forReader(principal, version.graph) };
      },
    }),
    route({
      method: 'post',
      path: '/api/flows/:id/versions/:version/rollback',
      access: 'publisher',
      tag: 'flows',
      summary: 'Roll back: publish that version’s graph again as a new version, and make it the draft too',
      params: versionParams,
      body: z.strictObject({ note: z.string().max(2000).optional() }).optional(),
      success: {
        status: 201,
        description: 'Published; the draft is that version again, at `draftRevision`',
        schema: z.object({ version: z.number().int(), draftRevision: z.number().int() }),
      },
      problems: [404, 422],
      handler: async ({ params, body, principal }) => {
        // An old version may run a flow that, as published now, runs this one: that chain would recurse.
        const old = parseFlow((await versionOr404(params.id, params.version)).graph).flow;
        const cycles = old ? subflowCycleDiagnostics(old, await publishedFlows(store)) : [];
        if (cycles.length > 0) {
          throw new ApiProblem(422, `Version ${params.version} cannot be published again: ${cycles[0]!.message}`, {
            diagnostics: cycles,
            errors: diagnosticErrors(cycles),
          });
        }
        const note = body?.note ?? `Roll back to version ${params.version}`;
        const result = await store.flows.rollback(params.id, params.version, actorOf(principal!), note);
        if (result.kind === 'notFound') throw notFound(`Version ${params.version} of flow ${params.id}`);
        flowPublishes.inc();
        return { version: result.version.version, draftRevision: result.draftRevision };
      },
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/diff',
      access: 'viewer',
      tag: 'flows',
      summary: 'What changed between two versions (or a version and the draft), by node and edge id',
      params: idParam,
      query: z.strictObject({ from: diffSide, to: diffSide.default('draft') }),
      success: {
        status: 200,
        description: 'The differences',
        schema: z.object({
          flow: z.object({ fields: z.array(z.string()), changes: z.array(fieldChange) }),
          nodes: nodeEdgeDiff('nodeId'),
          edges: nodeEdgeDiff('edgeId'),
        }),
      },
      problems: [404, 422],
      handler: async ({ params, query }) => diffFlows(await side(params.id, query.from), await side(params.id, query.to)),
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/export',
      access: 'viewer',
      tag: 'flows',
      summary: 'The flow file: the draft, or `version`, with stable key order',
      params: idParam,
      query: z.strictObject({ version: positiveIntText.optional() }),
      success: { status: 200, description: 'Flow JSON', schema: jsonObject },
      problems: [404],
      handler: async ({ params, query, res, principal }) => {
        const json = forReader(principal, query.version ? (await versionOr404(params.id, query.version)).graph : (await flowOr404(params.id)).draft);
        res
          .status(200)
          .type('application/json')
          .setHeader('Content-Disposition', `attachment; filename="${params.id}.flow.json"`)
          .send(canonicalFlowJson(json));
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/tests',
      access: 'viewer',
      tag: 'flows',
      summary: 'The flow’s scripted test calls (.calls.json without `flow`)',
      params: idParam,
      success: { status: 200, description: 'Test calls', schema: jsonObject },
      problems: [404],
      handler: async ({ params }) => {
        await flowOr404(params.id);
        return (await store.flows.testCalls(params.id)) ?? { calls: [] };
      },
    }),
    route({
      method: 'put',
      path: '/api/flows/:id/tests',
      access: 'designer',
      tag: 'flows',
      summary: 'Replace the flow’s scripted test calls',
      params: idParam,
      body: testCallsBody,
      success: { status: 200, description: 'Saved', schema: jsonObject },
      problems: [404, 422],
      handler: async ({ params, body, principal }) => {
        const result = await store.flows.saveTestCalls(params.id, body as JsonObject, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Flow ${params.id}`);
        return body;
      },
    }),
    route({
      method: 'post',
      path: '/api/flows/:id/tests/run',
      access: 'designer',
      tag: 'flows',
      summary: 'Run the flow’s scripted test calls against the draft (or the flow in the body)',
      params: idParam,
      body: z.strictObject({ flow: jsonObject.optional() }).optional(),
      success: {
        status: 200,
        description: 'Results and edge coverage',
        schema: z.object({
          results: z.array(
            z.object({
              name: z.string(),
              passed: z.boolean(),
              failures: z.array(z.string()),
              path: z.array(z.string()),
              outcome: z.string(),
              endedAt: z.string().optional(),
              heard: z.array(z.string()),
              edges: z.array(z.string()).describe('Edge ids this call travelled'),
            }),
          ),
          coverage: z.object({ traversed: z.array(z.string()), total: z.number().int(), untraversed: z.array(z.string()) }),
        }),
      },
      problems: [404, 422],
      handler: async ({ params, body, req, res }) => {
        const record = await flowOr404(params.id);
        const { flow, diagnostics } = await flowDiagnostics(store, body?.flow ?? record.draft);
        if (!flow || hasErrors(diagnostics)) {
          throw new ApiProblem(422, 'The flow has errors: fix them before running its test calls', {
            diagnostics,
            errors: diagnosticErrors(diagnostics),
          });
        }
        const calls = (await store.flows.testCalls(params.id)) ?? { calls: [] };
        // The client gone (closed the tab, timed out): stop the calls rather than keep a core busy for nobody.
        const gone = new AbortController();
        const onClose = () => {
          if (!res.writableFinished) gone.abort(new DOMException('the client went away', 'AbortError'));
        };
        req.socket.once('close', onClose);
        try {
          return await runFlowTests(store, flow, calls, gone.signal);
        } catch (error) {
          if (gone.signal.aborted) return undefined; // nobody is there to answer
          throw error;
        } finally {
          req.socket.off('close', onClose);
        }
      },
    }),
  ];
}
