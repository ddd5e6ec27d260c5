import { z } from 'zod';

/**
 * Who may do what. viewer reads; designer edits drafts and places test calls; publisher publishes,
 * rolls back and routes numbers; admin manages users and API tokens and may do everything. payments —
 * a council's payment team — sees what a viewer sees and the payments list, and changes nothing:
 * designers and publishers do not see payments, and a payments user cannot edit a flow.
 *
 * So roles are not a ladder: each role grants a set of roles' rights, and a route needing a role is
 * open to every role that grants it.
 */
export const roles = ['viewer', 'payments', 'designer', 'publisher', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** The rights each role carries (its own and those it includes). */
const grants: Record<Role, readonly Role[]> = {
  viewer: ['viewer'],
  payments: ['viewer', 'payments'],
  designer: ['viewer', 'designer'],
  publisher: ['viewer', 'designer', 'publisher'],
  admin: ['viewer', 'payments', 'designer', 'publisher', 'admin'],
};

/** True when `held` carries what `needed` may do: the role itself, or one that includes it. */
export function roleAtLeast(held: Role, needed: Role): boolean {
  return grants[held].includes(needed);
}

/**
 * What a token limited to `limit` may do for a user holding `held`: the largest role both carry
 * (a payments token of a designer can only read, as a viewer).
 */
export function lowerRole(held: Role, limit: Role | undefined): Role {
  if (!limit) return held;
  const both = roles.filter((role) => roleAtLeast(held, role) && roleAtLeast(limit, role));
  return both.reduce((best, role) => (grants[role].length > grants[best].length ? role : best), 'viewer' as Role);
}
