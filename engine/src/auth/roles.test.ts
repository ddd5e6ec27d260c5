import { describe, expect, it } from 'vitest';
import { lowerRole, roleAtLeast, roles } from './roles.js';

describe('roles', () => {
  it('orders viewer < designer < publisher < admin', () => {
    expect(roleAtLeast('admin', 'viewer')).toBe(true);
    expect(roleAtLeast('designer', 'designer')).toBe(true);
    expect(roleAtLeast('designer', 'publisher')).toBe(false);
  });

  it('lets payments and admin see payments, and nobody else; payments reads like a viewer and edits nothing', () => {
    expect(roles.filter((r) => roleAtLeast(r, 'payments'))).toEqual(['payments', 'admin']);
    expect(roleAtLeast('payments', 'viewer')).toBe(true);
    expect(roleAtLeast('payments', 'designer')).toBe(false);
    expect(roleAtLeast('publisher', 'payments')).toBe(false);
  });

  it('gives a limited token the most both its limit and its user’s role allow', () => {
    expect(lowerRole('admin', 'publisher')).toBe('publisher');
    expect(lowerRole('viewer', 'admin')).toBe('viewer');
    expect(lowerRole('designer', undefined)).toBe('designer');
    expect(lowerRole('admin', 'payments')).toBe('payments');
    expect(lowerRole('designer', 'payments')).toBe('viewer');
    expect(lowerRole('payments', 'publisher')).toBe('viewer');
  });
});
