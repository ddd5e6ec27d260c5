import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../ports/index.js';
import { FetchHttpClient } from './fetch-http-client.js';

/** A council back-office service on 127.0.0.1: looks up what is owed on a parking fine. */
let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; body: string; auth?: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, auth: req.headers.authorization });
      if (req.url === '/fines/PF123456') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ amountPence: 3500, status: 'unpaid' }));
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 2000).unref();
      } else if (req.url === '/huge') {
        res.writeHead(200).end('x'.repeat(5000));
      } else if (req.url === '/cases' && req.method === 'POST') {
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ caseRef: 'C-77', received: JSON.parse(body) }));
      } else {
        res.writeHead(404).end('{"error":"not found"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const request = (overrides: Partial<HttpRequest>): HttpRequest => ({
  method: 'GET',
  url: `${base}/fines/PF123456`,
  headers: {},
  // Generous: a busy CI machine must not turn a working service into a timeout.
  timeoutMs: 10_000,
  signal: new AbortController().signal,
  ...overrides,
});

describe('FetchHttpClient (real HTTP on 127.0.0.1)', () => {
  const client = new FetchHttpClient({ maxBodyBytes: 1000 });

  it('returns status, headers and body of a data dip', async () => {
    const response = await client.request(request({ headers: { authorization: 'Bearer council-key' } }));
    expect(response).toMatchObject({ kind: 'response', status: 200, headers: { 'content-type': 'application/json' } });
    expect(response.kind === 'response' && JSON.parse(response.body)).toEqual({ amountPence: 3500, status: 'unpaid' });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/fines/PF123456', auth: 'Bearer council-key' });
  });

  it('sends a body with POST and passes a 404 through as a response for the flow to route on', async () => {
    const created = await client.request(request({ method: 'POST', url: `${base}/cases`, body: '{"reason":"pothole"}' }));
    expect(created.kind === 'response' && created.status).toBe(201);
    expect(created.kind === 'response' && JSON.parse(created.body).received).toEqual({ reason: 'pothole' });
    expect(await client.request(request({ url: `${base}/fines/nope` }))).toMatchObject({ kind: 'response', status: 404 });
  });

  it('times out on a slow service', async () => {
    expect(await client.request(request({ url: `${base}/slow`, timeoutMs: 100 }))).toEqual({ kind: 'timeout' });
  });

  it('refuses a body over the size limit without reading it all', async () => {
    const response = await client.request(request({ url: `${base}/huge` }));
    expect(response).toMatchObject({ kind: 'unreachable', reason: expect.stringContaining('larger than 1000 bytes') });
  });

  it('names why a service cannot be reached: bad URL, scheme, closed port, host not allowed', async () => {
    expect(await client.request(request({ url: 'not a url' }))).toMatchObject({ kind: 'unreachable', reason: expect.stringContaining('is not a URL') });
    expect(await client.request(request({ url: 'file:///etc/passwd' }))).toMatchObject({ reason: expect.stringContaining('file: URLs are not allowed') });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await client.request(request({ url: `http://127.0.0.1:${closedPort}/x` }))).toMatchObject({ kind: 'unreachable', reason: expect.stringContaining('ECONNREFUSED') });
    const strict = new FetchHttpClient({ allowedHosts: ['*.westshire.gov.uk'] });
    expect(await strict.request(request({}))).toMatchObject({ reason: '127.0.0.1 is not in the allowed hosts for data dips' });
  });

  it('stops when the caller hangs up', async () => {
    const hangup = new AbortController();
    const pending = client.request(request({ url: `${base}/slow`, timeoutMs: 10_000, signal: hangup.signal }));
    hangup.abort(new Error('caller hung up'));
    await expect(pending).rejects.toThrow('caller hung up');
  });
});
