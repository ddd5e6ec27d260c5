import type pg from 'pg';
import { z } from 'zod';
import type { CallEvent } from '../../../ports/call-events.js';
import type { PaymentRecord, PaymentRepository } from '../../../ports/store.js';
import { opt, pagedQuery, Where, type Queryable } from './sql.js';

interface PaymentRow {
  id: string;
  call_id: string;
  node_id: string | null;
  status: PaymentRecord['status'];
  amount_minor: number | null;
  currency: 'GBP';
  reference: string;
  merchant_reference: string | null;
  gateway_session_id: string | null;
  gateway_transaction_id: string | null;
  masked_card: string | null;
  reason: string | null;
  previously_paid: boolean;
  created_at: Date;
  completed_at: Date | null;
  call_kind: PaymentRecord['callKind'];
  flow_id: string | null;
  flow_version: number | null;
  agent_id: string | null;
}

const COLUMNS = `p.id, p.call_id, p.node_id, p.status, p.amount_minor, p.currency, p.reference, p.merchant_reference, p.gateway_session_id,
  p.gateway_transaction_id, p.masked_card, p.reason, p.previously_paid, p.created_at, p.completed_at,
  c.kind AS call_kind, c.flow_id, c.flow_version, c.agent_id`;
const FROM = 'payments p JOIN calls c ON c.id = p.call_id';

function paymentRecord(row: PaymentRow): PaymentRecord {
  return {
    id: row.id,
    callId: row.call_id,
    nodeId: opt(row.node_id),
    status: row.status,
    amountMinor: opt(row.amount_minor),
    currency: row.currency,
    reference: row.reference,
    merchantReference: opt(row.merchant_reference),
    gatewaySessionId: opt(row.gateway_session_id),
    gatewayTransactionId: opt(row.gateway_transaction_id),
    maskedCard: opt(row.masked_card),
    reason: opt(row.reason),
    previouslyPaid: row.previously_paid,
    createdAt: row.created_at,
    completedAt: opt(row.completed_at),
    callKind: row.call_kind,
    flowId: opt(row.flow_id),
    flowVersion: opt(row.flow_version),
    agentId: opt(row.agent_id),
  };
}

/** Payment outcomes only — the schema has nowhere to put a card number, and refuses card-like references. */
export function paymentRepository(pool: pg.Pool): PaymentRepository {
  return {
    async list(filter, page) {
      const where = new Where()
        .add((p) => `p.status = ${p}`, filter.status)
        .add((p) => `p.reference = ${p}`, filter.reference)
        .add((p) => `p.gateway_transaction_id = ${p}`, filter.transactionId)
        .add((p) => `c.flow_id = ${p}`, filter.flowId)
        .add((p) => `c.kind = ${p}`, filter.callKind)
        .add((p) => `p.created_at >= ${p}`, filter.since)
        .add((p) => `p.created_at < ${p}`, filter.until);
      return pagedQuery(pool, { columns: COLUMNS, from: FROM, where, orderBy: 'p.created_at DESC, p.id' }, page, paymentRecord);
    },
    async get(paymentId) {
      const { rows } = await pool.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.id = $1`, [paymentId]);
      return rows[0] && paymentRecord(rows[0]);
    },
    async forCall(callId) {
      const { rows } = await pool.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.call_id = $1 ORDER BY p.created_at, p.id`, [callId]);
      return rows.map(paymentRecord);
    },
  };
}

// ───────────── the projection from payment events ─────────────

/** Text that is never card-like: no run of 13 or more digits. */
const text = (max: number) => z.string().min(1).max(max).regex(/^(?!.*\d{13})/s, 'must not hold a card-like digit run');
const pence = z.number().int().positive().nullable().optional();

/** What a payment node logs when a payment starts (core/nodes/payment/take-payment.ts). */
const startedNote = z.looseObject({ reference: text(64), merchantReference: text(64).optional(), amountPence: pence });
/** …and when it ends. */
const endedNote = z.looseObject({
  status: z.enum(['paid', 'declined', 'abandoned', 'error']),
  amountPence: pence,
  transactionId: text(128).nullable().optional(),
  sessionId: text(128).nullable().optional(),
  maskedCard: z.string().regex(/^\*{4} \d{4}$/).nullable().optional(),
  reason: text(64).nullable().optional(),
  previouslyPaid: z.boolean().optional(),
});

/**
 * Writes the payments rows that payment events describe (inside appendEvents' or write's transaction): a row when
 * a payment starts, its outcome when it ends (the call's latest pending payment at that node). An event
 * whose data does not read as a payment is kept in the log but writes no row.
 */
export async function recordPaymentEvents(q: Queryable, events: CallEvent[]): Promise<void> {
  for (const event of events) {
    if (event.type === 'payment.started') {
      const note = startedNote.safeParse(event.data);
      if (!note.success) continue;
      await q.query(
        `INSERT INTO payments (id, call_id, node_id, amount_minor, reference, merchant_reference, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [`${event.callId}:${event.seq}`, event.callId, event.nodeId ?? null, note.data.amountPence ?? null, note.data.reference, note.data.merchantReference ?? null, new Date(event.at)],
      );
    } else if (event.type === 'payment.ended') {
      const note = endedNote.safeParse(event.data);
      if (!note.success) continue;
      const n = note.data;
      await q.query(
        `UPDATE payments SET status = $3, amount_minor = COALESCE($4, amount_minor), gateway_session_id = $5, gateway_transaction_id = $6,
           masked_card = $7, reason = $8, previously_paid = $9, completed_at = GREATEST($10, created_at)
         WHERE id = (SELECT id FROM payments WHERE call_id = $1 AND node_id IS NOT DISTINCT FROM $2 AND status = 'pending'
                     ORDER BY created_at DESC, id DESC LIMIT 1)`,
        [
          event.callId,
          event.nodeId ?? null,
          n.status,
          n.amountPence ?? null,
          n.sessionId ?? null,
          n.transactionId ?? null,
          n.maskedCard ?? null,
          n.reason ?? null,
          n.previouslyPaid === true,
          new Date(event.at),
        ],
      );
    }
  }
}

/** Ends, as errors whose outcome is unknown, the pending payments of calls an engine lost mid-payment. */
export async function endLostPayments(q: Queryable, callIds: string[]): Promise<void> {
  if (callIds.length === 0) return;
  await q.query(
    `UPDATE payments SET status = 'error', reason = 'outcome-unknown', completed_at = GREATEST(now(), created_at)
     WHERE call_id = ANY($1::text[]) AND status = 'pending'`,
    [callIds],
  );
}
