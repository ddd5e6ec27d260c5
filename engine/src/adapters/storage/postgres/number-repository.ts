import type pg from 'pg';
import type { Flow } from '../../../core/flow/schema.js';
import type { NumberRepository, NumberRoute, PhoneNumber } from '../../../ports/store.js';
import { inTransaction } from './database.js';
import { FLOW_PUBLISHED_CHANNEL, flowVersionOf, type VersionRow } from './flow-repository.js';
import { opt, toJson, writeAudit, type Queryable } from './sql.js';

interface NumberRow {
  did: string;
  flow_id: string;
  fallback_flow_id: string | null;
  label: string;
}

function phoneNumber(row: NumberRow): PhoneNumber {
  return { did: row.did, flowId: row.flow_id, fallbackFlowId: opt(row.fallback_flow_id), label: row.label };
}

/** The first of the flow ids that names no (undeleted) flow. */
async function missingFlow(q: Queryable, flowIds: (string | undefined)[]): Promise<string | undefined> {
  for (const flowId of flowIds) {
    if (flowId === undefined) continue;
    const { rowCount } = await q.query('SELECT 1 FROM flows WHERE id = $1 AND deleted_at IS NULL', [flowId]);
    if (rowCount === 0) return flowId;
  }
  return undefined;
}

/** The payload that tells every engine (on the publication feed) that the numbers changed. */
export const NUMBERS_CHANGED = JSON.stringify({ numbersChanged: true });

/** `changed` is told after each committed change (other engines hear it through NOTIFY). */
export function numberRepository(pool: pg.Pool, changed: () => void = () => undefined): NumberRepository {
  /** Runs a change in a transaction that also notifies every engine when it commits a change. */
  async function change<R extends { kind: string }>(work: (client: pg.PoolClient) => Promise<R>, changedKind: R['kind']): Promise<R> {
    const result = await inTransaction(pool, async (client) => {
      const outcome = await work(client);
      if (outcome.kind === changedKind) await client.query('SELECT pg_notify($1, $2)', [FLOW_PUBLISHED_CHANNEL, NUMBERS_CHANGED]);
      return outcome;
    });
    if (result.kind === changedKind) changed();
    return result;
  }

  return {
    async list() {
      const { rows } = await pool.query<NumberRow>('SELECT did, flow_id, fallback_flow_id, label FROM phone_numbers ORDER BY did');
      return rows.map(phoneNumber);
    },

    async get(did) {
      const { rows } = await pool.query<NumberRow>('SELECT did, flow_id, fallback_flow_id, label FROM phone_numbers WHERE did = $1', [did]);
      return rows[0] && phoneNumber(rows[0]);
    },

    async create(number, actor) {
      return change(async (client) => {
        const missing = await missingFlow(client, [number.flowId, number.fallbackFlowId]);
        if (missing !== undefined) return { kind: 'flowNotFound', flowId: missing } as const;
        const { rows } = await client.query<NumberRow>(
          `INSERT INTO phone_numbers (did, flow_id, fallback_flow_id, label) VALUES ($1, $2, $3, $4)
           ON CONFLICT (did) DO NOTHING RETURNING did, flow_id, fallback_flow_id, label`,
          [number.did, number.flowId, number.fallbackFlowId ?? null, number.label],
        );
        if (!rows[0]) return { kind: 'exists' } as const;
        const created = phoneNumber(rows[0]);
        await writeAudit(client, { actor, action: 'number.create', entityType: 'number', entityId: created.did, before: null, after: toJson(created) });
        return { kind: 'created', number: created } as const;
      }, 'created');
    },

    async update(did, changes, actor) {
      return change(async (client) => {
        const { rows } = await client.query<NumberRow>('SELECT did, flow_id, fallback_flow_id, label FROM phone_numbers WHERE did = $1 FOR UPDATE', [did]);
        if (!rows[0]) return { kind: 'notFound' } as const;
        const before = phoneNumber(rows[0]);
        const after: PhoneNumber = { ...before, ...changes, did };
        if ('fallbackFlowId' in changes && changes.fallbackFlowId === undefined) delete after.fallbackFlowId;
        const missing = await missingFlow(client, [changes.flowId, changes.fallbackFlowId]);
        if (missing !== undefined) return { kind: 'flowNotFound', flowId: missing } as const;
        await client.query('UPDATE phone_numbers SET flow_id = $2, fallback_flow_id = $3, label = $4, updated_at = now() WHERE did = $1', [
          did,
          after.flowId,
          after.fallbackFlowId ?? null,
          after.label,
        ]);
        await writeAudit(client, { actor, action: 'number.update', entityType: 'number', entityId: did, before: toJson(before), after: toJson(after) });
        return { kind: 'updated', number: after } as const;
      }, 'updated');
    },

    async delete(did, actor) {
      return change(async (client) => {
        const { rows } = await client.query<NumberRow>('DELETE FROM phone_numbers WHERE did = $1 RETURNING did, flow_id, fallback_flow_id, label', [did]);
        if (!rows[0]) return { kind: 'notFound' } as const;
        await writeAudit(client, { actor, action: 'number.delete', entityType: 'number', entityId: did, before: toJson(phoneNumber(rows[0])), after: null });
        return { kind: 'deleted' } as const;
      }, 'deleted');
    },

    async route(did): Promise<NumberRoute> {
      // The number's own row before the catch-all (*); within a row, its flow before its fallback;
      // a flow counts only when it is published and not deleted.
      const { rows } = await pool.query<VersionRow & { graph: Flow; did: string; used_fallback: boolean }>(
        `SELECT n.did, c.preference = 1 AS used_fallback,
           v.flow_id, v.version, v.checksum, v.author, v.note, v.created_at, v.retired_at, true AS published, v.graph
         FROM phone_numbers n
         CROSS JOIN LATERAL (VALUES (0, n.flow_id), (1, n.fallback_flow_id)) AS c (preference, flow_id)
         JOIN flows f ON f.id = c.flow_id AND f.deleted_at IS NULL
         JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.published_version
         WHERE n.did = $1 OR n.did = '*'
         ORDER BY n.did = '*', c.preference
         LIMIT 1`,
        [did],
      );
      const row = rows[0];
      if (!row) return { kind: 'unknown' };
      return { kind: 'flow', did: row.did, usedFallback: row.used_fallback, flow: flowVersionOf(row) };
    },
  };
}
