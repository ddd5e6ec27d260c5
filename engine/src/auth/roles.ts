import { z } from 'zod';

/**
 * Who may do what. Each role includes everything the roles before it may do:
 * viewer reads; designer edits drafts and places test calls; publisher publishes, rolls back and
 * routes numbers; admin manages users and API tokens.
 */
export const roles = ['viewer', 'designer', 'publisher', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** True when `held` is `needed` or a role above it. */
export function roleAtLeast(held: Role, needed: Role): boolean {
  return roles.indexOf(held) >= roles.indexOf(needed);
}

/** The lower of two roles: what a token limited to `limit` may do for a user holding `held`. */
export function lowerRole(held: Role, limit: Role | undefined): Role {
  return limit && !roleAtLeast(limit, held) ? limit : held;
}
