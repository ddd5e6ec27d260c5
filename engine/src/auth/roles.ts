import { z } from 'zod';

/**
 * Who may do what. Roles are not one ladder: each role carries a set of rights (named after the roles
 * whose routes they open), and a route that needs a role is open to every role carrying it.
 *
 * - viewer reads flows, numbers, prompts, schedules, queues, agents and call records;
 * - payments — a council's payment team — reads what a viewer reads and the payments list, and changes
 *   nothing; designers and publishers do not see payments;
 * - designer also edits drafts and places test calls; publisher also publishes, rolls back and routes
 *   numbers;
 * - agent — an adviser — works the agent desk: their own state, the calls offered to them, their
 *   wrap-ups. It reads nothing else (an adviser has no business in the flows);
 * - supervisor works the desk too, sees every adviser and queue live, listens in, and reads what a
 *   viewer reads;
 * - admin may do everything: users, API tokens, queues, agents, the desk's settings.
 *
 * A new role is one entry in `roles`, one in `grants` and a row in the roles table (a migration).
 */
export const roles = ['viewer', 'payments', 'agent', 'supervisor', 'designer', 'publisher', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** The rights each role carries: its own and those of the roles it includes. */
const grants: Record<Role, readonly Role[]> = {
  viewer: ['viewer'],
  payments: ['viewer', 'payments'],
  agent: ['agent'],
  supervisor: ['viewer', 'agent', 'supervisor'],
  designer: ['viewer', 'designer'],
  publisher: ['viewer', 'designer', 'publisher'],
  admin: roles,
};

/** The rights `role` carries. */
export function rightsOf(role: Role): readonly Role[] {
  return grants[role];
}

/** True when `held` carries what `needed` may do: the role itself, or one that includes it. */
export function roleAtLeast(held: Role, needed: Role): boolean {
  return grants[held].includes(needed);
}

/**
 * What a token limited to `limit` may do for a user holding `held`: the role with the most rights that
 * both carry (an admin's token limited to agent works the desk only). Undefined when they share no right
 * at all (a user demoted to agent whose token was limited to designer): such a token can do nothing.
 */
export function lowerRole(held: Role, limit: Role | undefined): Role | undefined {
  if (!limit) return held;
  const both = roles.filter((role) => roleAtLeast(held, role) && roleAtLeast(limit, role));
  // A role carrying every right in `both` is their meet; else nothing both carry is a single role's worth.
  return both.find((candidate) => both.every((right) => roleAtLeast(candidate, right)));
}
