import { z } from 'zod';
import { languageTag } from '../core/flow/schema.js';
import { roleSchema } from '../auth/roles.js';

/** Schemas shared by several routes: request parts and documented responses. */

export const timestamp = z.iso.datetime().describe('ISO 8601 date-time');

/** The id of a stored thing (a schedule, a queue, an agent …). */
export const entityId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'may use only letters, digits, _ . : -');

/** Any JSON object (a flow graph, definitions kept as data). */
export const jsonObject = z.record(z.string(), z.unknown());

export const diagnosticSchema = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  field: z.string().optional(),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    diagnostics: z.array(diagnosticSchema).optional(),
  })
  .describe('RFC 9457 problem details (application/problem+json)');

/** A whole number the database keeps as `integer` (a version, a revision): 1 to 2³¹ − 1, so a bigger one is a 400, not a database error. */
export const positiveInt = z.number().int().min(1).max(2_147_483_647, 'must be at most 2147483647');
/** The same, read from a path or query string. */
export const positiveIntText = z.coerce.number().int().min(1).max(2_147_483_647, 'must be at most 2147483647');

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
};

export const paged = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: timestamp,
});

export const languageParam = languageTag;

/** Optional date-time in a query string. */
export const queryDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
