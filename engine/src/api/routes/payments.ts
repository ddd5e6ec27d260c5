import { z } from 'zod';
import { transactionNotification } from '../../adapters/payments/pay360/pay360-api.js';
import type { PaymentFilter, PaymentRecord } from '../../ports/store.js';
import type { ApiContext } from '../context.js';
import { route, type AnyRoute } from '../route.js';
import { pageQuery, paged, queryDate, timestamp } from '../schemas.js';

/**
 * The payment team's view of card payments (role `payments`; admins too): every attempt with its
 * outcome, filterable and exportable as CSV, and the address Pay360 notifies. Nothing here can hold a
 * card number: the records have no field for one, and the masked card is the last four digits.
 */

export const paymentSchema = z.object({
  id: z.string(),
  callId: z.string(),
  nodeId: z.string().optional(),
  status: z.enum(['pending', 'paid', 'declined', 'abandoned', 'error']),
  amountMinor: z.number().int().optional().describe('Pence'),
  currency: z.literal('GBP'),
  reference: z.string(),
  merchantReference: z.string().optional(),
  gatewaySessionId: z.string().optional(),
  gatewayTransactionId: z.string().optional().describe('Pay360 transaction id'),
  maskedCard: z.string().optional().describe('Last four digits only: **** 1111'),
  reason: z.string().optional(),
  previouslyPaid: z.boolean().describe('Found already paid under the same reference: nothing charged by this attempt'),
  createdAt: timestamp,
  completedAt: timestamp.optional(),
  callKind: z.enum(['phone', 'test']),
  flowId: z.string().optional(),
  flowVersion: z.number().int().optional(),
  agentId: z.string().optional(),
});

const filterQuery = {
  status: z.enum(['pending', 'paid', 'declined', 'abandoned', 'error']).optional(),
  reference: z.string().min(1).max(64).optional(),
  transactionId: z.string().min(1).max(128).optional(),
  flowId: z.string().min(1).max(64).optional(),
  kind: z.enum(['phone', 'test']).optional().describe('Phone calls or designer test calls (default both)'),
  since: queryDate.optional(),
  until: queryDate.optional(),
};

type FilterQuery = z.output<z.ZodObject<typeof filterQuery>>;

const toFilter = ({ kind, ...rest }: FilterQuery): PaymentFilter => ({ ...rest, ...(kind ? { callKind: kind } : {}) });

export const paymentJson = (payment: PaymentRecord) =>
  Object.fromEntries(Object.entries(payment).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));

/** The most rows one export carries. */
export const EXPORT_LIMIT = 50_000;
const EXPORT_PAGE = 1000;

const CSV_COLUMNS: Array<[string, (p: PaymentRecord) => string]> = [
  ['started', (p) => p.createdAt.toISOString()],
  ['completed', (p) => p.completedAt?.toISOString() ?? ''],
  ['status', (p) => p.status],
  ['amount', (p) => (p.amountMinor === undefined ? '' : (p.amountMinor / 100).toFixed(2))],
  ['currency', (p) => p.currency],
  ['reference', (p) => p.reference],
  ['masked card', (p) => p.maskedCard ?? ''],
  ['Pay360 transaction id', (p) => p.gatewayTransactionId ?? ''],
  ['previously paid', (p) => (p.previouslyPaid ? 'yes' : 'no')],
  ['reason', (p) => p.reason ?? ''],
  ['flow', (p) => p.flowId ?? ''],
  ['call', (p) => p.callId],
  ['call kind', (p) => p.callKind],
  ['agent', (p) => p.agentId ?? ''],
];

/** One CSV cell: quoted, quotes doubled, and a leading = + - @ defused so a spreadsheet never runs it. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function paymentRoutes({ store, paymentNotified, logger }: ApiContext): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/payments',
      access: 'payments',
      tag: 'payments',
      summary: 'Card payments, newest first, filtered and paged',
      query: z.strictObject({ ...filterQuery, ...pageQuery }),
      success: { status: 200, description: 'Payments', schema: paged(paymentSchema) },
      handler: async ({ query }) => {
        const { page, pageSize, ...filter } = query;
        const result = await store.payments.list(toFilter(filter), { page, pageSize });
        return { ...result, items: result.items.map(paymentJson) };
      },
    }),
    route({
      method: 'get',
      path: '/api/payments/export',
      access: 'payments',
      tag: 'payments',
      summary: `Card payments as CSV (newest first, the same filters; at most ${EXPORT_LIMIT} rows). Recorded in the audit log.`,
      query: z.strictObject(filterQuery),
      success: { status: 200, description: 'CSV', contentType: 'text/csv' },
      handler: async ({ query, res, principal }) => {
        const filter = toFilter(query);
        res.status(200).type('text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="payments-${new Date().toISOString().slice(0, 10)}.csv"`);
        res.write(`${CSV_COLUMNS.map(([name]) => csvCell(name)).join(',')}\r\n`);
        let rows = 0;
        for (let page = 1; rows < EXPORT_LIMIT; page++) {
          const { items } = await store.payments.list(filter, { page, pageSize: EXPORT_PAGE });
          for (const payment of items.slice(0, EXPORT_LIMIT - rows)) res.write(`${CSV_COLUMNS.map(([, cell]) => csvCell(cell(payment))).join(',')}\r\n`);
          rows += items.length;
          if (items.length < EXPORT_PAGE) break;
        }
        res.end();
        // Who took a copy of the payments list, and of what.
        await store.audit.record({
          actor: principal?.via === 'token' ? `token:${principal.tokenName}` : (principal?.username ?? 'unknown'),
          action: 'payment.export',
          entityType: 'payments',
          entityId: 'export',
          after: { rows: Math.min(rows, EXPORT_LIMIT), filter: JSON.parse(JSON.stringify(query)) as Record<string, string> },
        }).catch((error: unknown) => logger.error('could not record the payments export in the audit log', error));
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/payments/pay360/notifications',
      access: 'public',
      tag: 'payments',
      summary: 'Pay360 transaction notifications. Only a hint: the payment it names is read back from Pay360, never taken from this body.',
      body: transactionNotification,
      success: { status: 204, description: 'Noted' },
      handler: async ({ body }) => {
        if (body.sessionId) paymentNotified(body.sessionId);
        return undefined;
      },
    }),
  ];
}
