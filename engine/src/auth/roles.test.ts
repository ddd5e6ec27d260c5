import { describe, expect, it } from 'vitest';
import { lowerRole, roleAtLeast, roles } from './roles.js';

describe('roles', () => {
  it('keeps the designers’ ladder: viewer < designer < publisher < admin', () => {
    expect(roleAtLeast('admin', 'viewer')).toBe(true);
    expect(roleAtLeast('designer', 'designer')).toBe(true);
    expect(roleAtLeast('designer', 'publisher')).toBe(false);
    expect(roleAtLeast('publisher', 'designer')).toBe(true);
  });

  it('lets an agent work the desk and nothing else', () => {
    expect(roleAtLeast('agent', 'agent')).toBe(true);
    expect(roleAtLeast('agent', 'viewer')).toBe(false);
    expect(roleAtLeast('agent', 'designer')).toBe(false);
    expect(roleAtLeast('agent', 'supervisor')).toBe(false);
  });

  it('lets a supervisor work the desk, watch the team and read, but not design', () => {
    expect(roleAtLeast('supervisor', 'agent')).toBe(true);
    expect(roleAtLeast('supervisor', 'viewer')).toBe(true);
    expect(roleAtLeast('supervisor', 'designer')).toBe(false);
    // Designers and publishers are not supervisors, nor advisers.
    expect(roleAtLeast('publisher', 'supervisor')).toBe(false);
    expect(roleAtLeast('designer', 'agent')).toBe(false);
  });

  it('gives admins every right', () => {
    for (const role of roles) expect(roleAtLeast('admin', role)).toBe(true);
  });

  it('gives a limited token the most both its limit and its user’s role carry', () => {
    expect(lowerRole('admin', 'publisher')).toBe('publisher');
    expect(lowerRole('viewer', 'admin')).toBe('viewer');
    expect(lowerRole('designer', undefined)).toBe('designer');
    expect(lowerRole('admin', 'agent')).toBe('agent');
    expect(lowerRole('supervisor', 'publisher')).toBe('viewer');
    // A user demoted to agent whose token was limited to designer: the two share nothing.
    expect(lowerRole('agent', 'designer')).toBeUndefined();
    expect(lowerRole('admin', 'payments')).toBe('payments');
    expect(lowerRole('designer', 'payments')).toBe('viewer');
    expect(lowerRole('payments', 'publisher')).toBe('viewer');
    expect(lowerRole('payments', 'supervisor')).toBe('viewer');
    expect(lowerRole('agent', 'payments')).toBeUndefined();
  });

  it('lets payments and admin see payments, and nobody else; payments reads like a viewer and edits nothing', () => {
    expect(roles.filter((r) => roleAtLeast(r, 'payments'))).toEqual(['payments', 'admin']);
    expect(roleAtLeast('payments', 'viewer')).toBe(true);
    expect(roleAtLeast('payments', 'designer')).toBe(false);
    expect(roleAtLeast('publisher', 'payments')).toBe(false);
  });
});
