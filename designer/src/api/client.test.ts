import { describe, expect, it } from 'vitest';
import { ApiError, paymentQuery, roleAtLeast, roles } from './client.js';

describe('ApiError.fieldErrors', () => {
  it('puts body.<field> messages under the field and keeps the rest with their paths', () => {
    const error = new ApiError(422, 'Unprocessable Entity', 'You cannot delete yourself', {
      errors: [
        { path: 'body.password', message: 'must be at least 10 characters' },
        { path: 'body.role', message: 'not for your own account' },
        { path: 'body.role', message: 'at most designer' },
        { path: 'body.text.en-GB', message: 'too long' },
        { path: 'params.id', message: 'your own account' },
      ],
    });
    expect(error.fieldErrors).toEqual({
      byField: { password: 'must be at least 10 characters', role: 'not for your own account; at most designer', text: 'too long' },
      other: ['params.id: your own account'],
    });
  });

  it('is empty for a problem without errors, or a body that is not problem+json', () => {
    expect(new ApiError(500, 'Internal Server Error', undefined, undefined).fieldErrors).toEqual({ byField: {}, other: [] });
    expect(new ApiError(502, 'Bad Gateway', undefined, '<html>').fieldErrors).toEqual({ byField: {}, other: [] });
  });
});

describe('roles and the payments query', () => {
  it('lets payments and admins see payments, as the engine does, and keeps payments off the designers’ ladder', () => {
    expect(roles.filter((r) => roleAtLeast(r, 'payments'))).toEqual(['payments', 'admin']);
    expect(roleAtLeast('payments', 'viewer')).toBe(true);
    expect(roleAtLeast('payments', 'designer')).toBe(false);
    expect(roleAtLeast(undefined, 'viewer')).toBe(false);
  });

  it('writes only the filters given, encoded', () => {
    expect(paymentQuery({})).toBe('');
    expect(paymentQuery({ status: 'paid', reference: 'PCN 1/2', kind: 'phone', since: '' }, { page: '2' })).toBe('?status=paid&reference=PCN+1%2F2&kind=phone&page=2');
  });
});
