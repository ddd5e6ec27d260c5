import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { httpNode, valueAt } from './http.node.js';

const URL = 'https://api.example.gov.uk/cases/AB%2012?x=1';
const params = {
  url: 'https://api.example.gov.uk/cases/{{caseRef}}?x=1',
  headers: { Authorization: 'Bearer {{token}}' },
  responseMap: { amountPence: 'balance.pence', firstItem: 'items[0].name', missing: 'nope.nothing', whole: 'balance' },
  statusVariable: 'status',
};
const vars = { caseRef: 'AB 12', token: 't0k' };

describe('http node', () => {
  it('fills the URL (encoded) and headers, and maps JSON fields to variables', async () => {
    const r = await runNode(httpNode, params, {
      vars,
      world: { http: { [URL]: { status: 200, body: { balance: { pence: 1250 }, items: [{ name: 'fine' }] } } } },
    });
    expect(r).toMatchObject({
      outcome: 'ok',
      set: { status: 200, amountPence: 1250, firstItem: 'fine', missing: null, whole: '{"pence":1250}' },
    });
    expect(r.http.requests).toEqual([
      expect.objectContaining({ method: 'GET', url: URL, headers: { Authorization: 'Bearer t0k' }, timeoutMs: 3000 }),
    ]);
  });

  it('sends a templated body', async () => {
    const r = await runNode(httpNode, { ...params, method: 'POST', body: '{"ref":"{{caseRef}}"}', responseMap: {} }, { vars, world: { http: { [URL]: { status: 201 } } } });
    expect(r.outcome).toBe('ok');
    expect(r.http.requests[0]).toMatchObject({ method: 'POST', body: '{"ref":"AB 12"}' });
  });

  it('takes the error exit for a non-2xx status, keeping the status', async () => {
    const r = await runNode(httpNode, params, { vars, world: { http: { [URL]: { status: 404, body: { error: 'no such case' } } } } });
    expect(r).toMatchObject({ outcome: 'error', set: { status: 404 } });
  });

  it('takes the error exit for a body that is not JSON when fields are mapped', async () => {
    const r = await runNode(httpNode, params, { vars, world: { http: { [URL]: { status: 200, body: 'not json' } } } });
    expect(r.outcome).toBe('error');
  });

  it('takes the error exit when the service is unreachable, and timeout when it is slow', async () => {
    expect((await runNode(httpNode, params, { vars })).outcome).toBe('error');
    expect((await runNode(httpNode, params, { vars, world: { http: { [URL]: 'timeout' } } })).outcome).toBe('timeout');
  });

  describe('secrets (issue 9)', () => {
    const secrets = { reveal: async (name: string) => ({ COUNCIL_KEY: 'k3y&value', PIN: '4242' } as Record<string, string>)[name] };
    const withSecrets = {
      url: 'https://api.example.gov.uk/cases/{{caseRef}}?key={{secret:COUNCIL_KEY}}',
      headers: { Authorization: 'Bearer {{secret:COUNCIL_KEY}}' },
      method: 'POST' as const,
      body: '{"pin":"{{secret:PIN}}","ref":"{{caseRef}}"}',
    };
    const SECRET_URL = 'https://api.example.gov.uk/cases/AB%2012?key=k3y%26value';

    it('fills {{secret:NAME}} in the URL (encoded), headers and body at run time', async () => {
      const r = await runNode(httpNode, withSecrets, { vars, secrets, world: { http: { [SECRET_URL]: { status: 200 } } } });
      expect(r.outcome).toBe('ok');
      expect(r.http.requests[0]).toMatchObject({ url: SECRET_URL, headers: { Authorization: 'Bearer k3y&value' }, body: '{"pin":"4242","ref":"AB 12"}' });
    });

    it('never lets a variable name a secret: what a caller or a web service supplied is not read again', async () => {
      const r = await runNode(httpNode, { ...withSecrets, body: '{"note":"{{caseRef}}"}' }, {
        vars: { caseRef: '{{secret:PIN}}' },
        secrets,
        world: { http: { ['https://api.example.gov.uk/cases/%7B%7Bsecret%3APIN%7D%7D?key=k3y%26value']: { status: 200 } } },
      });
      expect(r.http.requests[0]!.body).toBe('{"note":"{{secret:PIN}}"}');
      expect(JSON.stringify(r.http.requests)).not.toContain('4242');
    });

    it('fails as a fault (the error exit or fallback) when the secret does not exist', async () => {
      await expect(runNode(httpNode, { ...withSecrets, headers: { Authorization: 'Bearer {{secret:GONE}}' } }, { vars, secrets })).rejects.toMatchObject({
        code: 'secret-missing',
      });
    });

    it('reveals only stand-ins in a simulated call', async () => {
      const r = await runNode(httpNode, withSecrets, { vars, world: { http: {} } });
      expect(r.http.requests[0]!.headers).toEqual({ Authorization: 'Bearer [secret COUNCIL_KEY]' });
    });
  });

  it('refuses a URL whose host is a template', () => {
    expect(httpNode.params.safeParse({ url: 'https://{{host}}/x' }).success).toBe(false);
  });

  it('reads values at paths', () => {
    const json = { a: { b: [1, { c: 'x' }] } };
    expect(valueAt(json, 'a.b[1].c')).toBe('x');
    expect(valueAt(json, '$.a.b.0')).toBe(1);
    expect(valueAt(json, 'a.constructor')).toBeNull();
  });
});
