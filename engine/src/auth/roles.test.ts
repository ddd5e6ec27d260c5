import { describe, expect, it } from 'vitest';
import { lowerRole, roleAtLeast } from './roles.js';

describe('roles', () => {
  it('orders viewer < designer < publisher < admin', () => {
    expect(roleAtLeast('admin', 'viewer')).toBe(true);
    expect(roleAtLeast('designer', 'designer')).toBe(true);
    expect(roleAtLeast('designer', 'publisher')).toBe(false);
  });

  it('gives a limited token the lower of its limit and its user’s role', () => {
    expect(lowerRole('admin', 'publisher')).toBe('publisher');
    expect(lowerRole('viewer', 'admin')).toBe('viewer');
    expect(lowerRole('designer', undefined)).toBe('designer');
  });
});
