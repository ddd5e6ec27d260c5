import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type pg from 'pg';
import type { Flow } from '../../../core/flow/schema.js';
import type {
  Actor,
  CreateFlowResult,
  FlowPublication,
  FlowRecord,
  FlowRepository,
  FlowSummary,
  FlowVersion,
  FlowVersionSummary,
  JsonObject,
  PublishResult,
  SaveDraftResult,
} from '../../../ports/store.js';
import { inTransaction } from './database.js';
import { redactCredentials } from '../../../core/nodes/http/http.node.js';
import { opt, writeAudit, type Queryable } from './sql.js';

/** sha256 (hex) of the graph's canonical JSON (RFC 8785: keys sorted, no whitespace). */
export function flowChecksum(graph: unknown): string {
  const canonical = canonicalize(graph);
  if (canonical === undefined) throw new TypeError('a flow graph must be JSON');
  return createHash('sha256').update(canonical).digest('hex');
}

interface FlowRow {
  id: string;
  name: string;
  description: string | null;
  draft: JsonObject;
  draft_revision: number;
  latest_version: number;
  published_version: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface VersionRow {
  flow_id: string;
  version: number;
  checksum: string;
  author: string;
  note: string;
  created_at: Date;
  retired_at: Date | null;
  published: boolean;
  graph?: Flow;
}

const FLOW_COLUMNS = 'id, name, description, draft, draft_revision, latest_version, published_version, created_at, updated_at';
const VERSION_COLUMNS = `v.flow_id, v.version, v.checksum, v.author, v.note, v.created_at, v.retired_at,
  (f.published_version IS NOT DISTINCT FROM v.version AND f.deleted_at IS NULL) AS published`;

function summary(row: FlowRow): FlowSummary {
  return {
    id: row.id,
    name: row.name,
    description: opt(row.description),
    publishedVersion: opt(row.published_version),
    draftRevision: row.draft_revision,
    updatedAt: row.updated_at,
  };
}

function record(row: FlowRow): FlowRecord {
  return { ...summary(row), draft: row.draft, createdAt: row.created_at };
}

function versionSummary(row: VersionRow): FlowVersionSummary {
  return {
    flowId: row.flow_id,
    version: row.version,
    checksum: row.checksum,
    author: row.author,
    createdAt: row.created_at,
    note: row.note,
    published: row.published,
    retiredAt: opt(row.retired_at),
  };
}

export function flowVersionOf(row: VersionRow & { graph: Flow }): FlowVersion {
  return { ...versionSummary(row), graph: row.graph };
}

/** The flow's name and description as the draft states them, falling back to what is stored when the draft's are unusable. */
function namesFrom(draft: JsonObject, current?: { name: string; description: string | null }): { name: string; description: string | null } {
  const name = typeof draft.name === 'string' && draft.name.length >= 1 && draft.name.length <= 200 ? draft.name : current?.name;
  const description =
    typeof draft.description === 'string' && draft.description.length <= 2000 ? draft.description : draft.description === undefined ? null : (current?.description ?? null);
  if (name === undefined) throw new TypeError('a new flow needs a name of 1 to 200 characters');
  return { name, description };
}

export function flowRepository(pool: pg.Pool, published: (publication: FlowPublication) => void): FlowRepository {
  async function lockFlow(client: Queryable, flowId: string): Promise<FlowRow | undefined> {
    const { rows } = await client.query<FlowRow>(`SELECT ${FLOW_COLUMNS} FROM flows WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, [flowId]);
    return rows[0];
  }

  /** Inserts the next version of a locked flow, makes it the published one and retires the previous. */
  async function publishGraph(client: Queryable, flow: FlowRow, graph: JsonObject, actor: Actor, note: string, action: string): Promise<FlowVersion> {
    const next = flow.latest_version + 1;
    const checksum = flowChecksum(graph);
    await client.query('INSERT INTO flow_versions (flow_id, version, graph, checksum, author, note) VALUES ($1, $2, $3, $4, $5, $6)', [
      flow.id,
      next,
      graph,
      checksum,
      actor,
      note,
    ]);
    await client.query('UPDATE flow_versions SET retired_at = now() WHERE flow_id = $1 AND version = $2', [flow.id, flow.published_version]);
    await client.query('UPDATE flows SET latest_version = $2, published_version = $2, updated_at = now() WHERE id = $1', [flow.id, next]);
    await client.query('SELECT pg_notify($1, $2)', [FLOW_PUBLISHED_CHANNEL, JSON.stringify({ flowId: flow.id, version: next })]);
    await writeAudit(client, {
      actor,
      action,
      entityType: 'flow',
      entityId: flow.id,
      before: flow.published_version === null ? null : { publishedVersion: flow.published_version },
      after: { publishedVersion: next, checksum, note },
    });
    const { rows } = await client.query<VersionRow & { graph: Flow }>(
      `SELECT ${VERSION_COLUMNS}, v.graph FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.flow_id = $1 AND v.version = $2`,
      [flow.id, next],
    );
    return flowVersionOf(rows[0]!);
  }

  /** Makes `draft` the locked flow's draft (name and description follow it) with the next revision, audited. */
  async function replaceDraft(client: Queryable, flow: FlowRow, draft: JsonObject, actor: Actor, action: string): Promise<number> {
    const { name, description } = namesFrom(draft, flow);
    const { rows } = await client.query<{ draft_revision: number }>(
      `UPDATE flows SET draft = $2, name = $3, description = $4, draft_revision = draft_revision + 1, updated_at = now()
       WHERE id = $1 RETURNING draft_revision`,
      [flow.id, draft, name, description],
    );
    await writeAudit(client, { actor, action, entityType: 'flow', entityId: flow.id, before: redactCredentials(flow.draft), after: redactCredentials(draft) });
    return rows[0]!.draft_revision;
  }

  /** Tells this process's listeners at once (other engines hear it through NOTIFY). */
  function announce<R extends PublishResult>(result: R): R {
    if (result.kind === 'published') published({ flowId: result.version.flowId, version: result.version.version });
    return result;
  }

  return {
    async list() {
      const { rows } = await pool.query<FlowRow>(`SELECT ${FLOW_COLUMNS} FROM flows WHERE deleted_at IS NULL ORDER BY lower(name), id`);
      return rows.map(summary);
    },

    async get(flowId) {
      const { rows } = await pool.query<FlowRow>(`SELECT ${FLOW_COLUMNS} FROM flows WHERE id = $1 AND deleted_at IS NULL`, [flowId]);
      return rows[0] && record(rows[0]);
    },

    async create({ draft }, actor): Promise<CreateFlowResult> {
      const { name, description } = namesFrom(draft);
      return inTransaction(pool, async (client) => {
        // A deleted flow's id may be used again: the flow comes back with the new draft, its old versions kept.
        const { rows } = await client.query<FlowRow>(
          `INSERT INTO flows (id, name, description, draft) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, draft = excluded.draft,
             draft_revision = flows.draft_revision + 1, test_calls = NULL, deleted_at = NULL, updated_at = now()
           WHERE flows.deleted_at IS NOT NULL
           RETURNING ${FLOW_COLUMNS}`,
          [draft.id, name, description, draft],
        );
        const row = rows[0];
        if (!row) return { kind: 'exists' };
        await writeAudit(client, { actor, action: 'flow.create', entityType: 'flow', entityId: row.id, before: null, after: redactCredentials(draft) });
        return { kind: 'created', flow: record(row) };
      });
    },

    async saveDraft(flowId, draft, expectedRevision, actor): Promise<SaveDraftResult> {
      return inTransaction(pool, async (client) => {
        const flow = await lockFlow(client, flowId);
        if (!flow) return { kind: 'notFound' };
        if (flow.draft_revision !== expectedRevision) return { kind: 'conflict', currentRevision: flow.draft_revision };
        return { kind: 'saved', revision: await replaceDraft(client, flow, draft, actor, 'flow.saveDraft') };
      });
    },

    async delete(flowId, actor) {
      return inTransaction(pool, async (client) => {
        const flow = await lockFlow(client, flowId);
        if (!flow) return { kind: 'notFound' } as const;
        const { rows } = await client.query<{ did: string }>(
          'SELECT did FROM phone_numbers WHERE flow_id = $1 OR fallback_flow_id = $1 ORDER BY did',
          [flowId],
        );
        if (rows.length > 0) return { kind: 'inUse', by: rows.map((r) => `number ${r.did}`) } as const;
        await client.query('UPDATE flow_versions SET retired_at = now() WHERE flow_id = $1 AND version = $2', [flowId, flow.published_version]);
        await client.query('UPDATE flows SET deleted_at = now(), published_version = NULL, updated_at = now() WHERE id = $1', [flowId]);
        await writeAudit(client, { actor, action: 'flow.delete', entityType: 'flow', entityId: flowId, before: redactCredentials(flow.draft), after: null });
        return { kind: 'deleted' } as const;
      });
    },

    async publish(flowId, expectedRevision, actor, note): Promise<PublishResult> {
      const result = await inTransaction(pool, async (client): Promise<PublishResult> => {
        const flow = await lockFlow(client, flowId);
        if (!flow) return { kind: 'notFound' };
        if (flow.draft_revision !== expectedRevision) return { kind: 'conflict', currentRevision: flow.draft_revision };
        return { kind: 'published', version: await publishGraph(client, flow, flow.draft, actor, note, 'flow.publish') };
      });
      return announce(result);
    },

    async rollback(flowId, to, actor, note) {
      const result = await inTransaction(pool, async (client) => {
        const flow = await lockFlow(client, flowId);
        if (!flow) return { kind: 'notFound' } as const;
        const { rows } = await client.query<{ graph: JsonObject }>('SELECT graph FROM flow_versions WHERE flow_id = $1 AND version = $2', [flowId, to]);
        if (!rows[0]) return { kind: 'notFound' } as const;
        const version = await publishGraph(client, flow, rows[0].graph, actor, note || `roll back to version ${to}`, 'flow.rollback');
        const draftRevision = await replaceDraft(client, flow, rows[0].graph, actor, 'flow.rollbackDraft');
        return { kind: 'published', version, draftRevision } as const;
      });
      return announce(result);
    },

    async versions(flowId) {
      const { rows } = await pool.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.flow_id = $1 ORDER BY v.version DESC`,
        [flowId],
      );
      return rows.map(versionSummary);
    },

    async version(flowId, number) {
      const { rows } = await pool.query<VersionRow & { graph: Flow }>(
        `SELECT ${VERSION_COLUMNS}, v.graph FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.flow_id = $1 AND v.version = $2`,
        [flowId, number],
      );
      return rows[0] && flowVersionOf(rows[0]);
    },

    async published(flowId) {
      const { rows } = await pool.query<VersionRow & { graph: Flow }>(
        `SELECT ${VERSION_COLUMNS}, v.graph FROM flows f JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.published_version
         WHERE f.id = $1 AND f.deleted_at IS NULL`,
        [flowId],
      );
      return rows[0] && flowVersionOf(rows[0]);
    },

    async testCalls(flowId) {
      const { rows } = await pool.query<{ test_calls: JsonObject | null }>('SELECT test_calls FROM flows WHERE id = $1 AND deleted_at IS NULL', [flowId]);
      return opt(rows[0]?.test_calls);
    },

    async saveTestCalls(flowId, calls, actor) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ test_calls: JsonObject | null }>(
          'SELECT test_calls FROM flows WHERE id = $1 AND deleted_at IS NULL FOR UPDATE',
          [flowId],
        );
        if (!rows[0]) return { kind: 'notFound' } as const;
        await client.query('UPDATE flows SET test_calls = $2 WHERE id = $1', [flowId, calls]);
        await writeAudit(client, { actor, action: 'flow.saveTests', entityType: 'flow', entityId: flowId, before: rows[0].test_calls, after: calls });
        return { kind: 'saved' } as const;
      });
    },
  };
}

/** NOTIFY channel; the payload is a FlowPublication as JSON. */
export const FLOW_PUBLISHED_CHANNEL = 'frontdoor_flow_published';
