import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
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
      } else if (req.url === '/admin') {
        res.writeHead(200).end('{"secret":"loopback admin page"}');
      } else if (req.url?.startsWith('/redirect?to=')) {
        res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect?to='.length)) }).end();
      } else if (req.url === '/loop') {
        res.writeHead(307, { location: '/loop' }).end();
      } else if (req.url === '/echo-headers') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ host: req.headers.host, auth: req.headers.authorization ?? null }));
      } else if (req.url === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"ok":true}'));
      } else if (req.url === '/gzip-bomb') {
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(1_000_000)));
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
  // The council's service runs on loopback here: its range is allowed explicitly, as a site would list its back office.
  const client = new FetchHttpClient({ maxBodyBytes: 1000, allowedNetworks: ['127.0.0.0/8'] });

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
    const strict = new FetchHttpClient({ allowedHosts: ['*.westshire.gov.uk'], allowedNetworks: ['127.0.0.0/8'] });
    expect(await strict.request(request({}))).toMatchObject({ reason: '127.0.0.1 is not in the allowed hosts for data dips' });
  });

  it('stops when the caller hangs up', async () => {
    const hangup = new AbortController();
    const pending = client.request(request({ url: `${base}/slow`, timeoutMs: 10_000, signal: hangup.signal }));
    hangup.abort(new Error('caller hung up'));
    await expect(pending).rejects.toThrow('caller hung up');
  });

  it('reads compressed responses, counting the size after decompression', async () => {
    expect(await client.request(request({ url: `${base}/gzip` }))).toMatchObject({ kind: 'response', body: '{"ok":true}' });
    expect(await client.request(request({ url: `${base}/gzip-bomb` }))).toMatchObject({ reason: expect.stringContaining('larger than 1000 bytes') });
  });
});

/** Names the tests resolve themselves: which address each name has, and how often each was looked up. */
function resolver(names: Record<string, string[]>) {
  const lookups: string[] = [];
  return {
    lookups,
    resolve: async (hostname: string) => {
      lookups.push(hostname);
      const addresses = names[hostname];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
    },
  };
}

// Issue 9: with the default configuration the http node fetched a loopback admin URL and returned the body;
// with an allow-list, redirects were followed to hosts the list does not name.
describe('FetchHttpClient against server-side request forgery', () => {
  const port = () => new URL(base).port;

  it('refuses loopback, private, link-local and other internal addresses by default, before connecting', async () => {
    const client = new FetchHttpClient();
    const before = seen.length;
    for (const host of ['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]', '0.0.0.0', '2130706433', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '[fe80::1]', '[fd00::1]', '[2002:7f00:1::]', '[64:ff9b::7f00:1]', '224.0.0.1']) {
      const response = await client.request(request({ url: `http://${host}:${port()}/admin`, timeoutMs: 2000 }));
      expect(response, host).toMatchObject({ kind: 'unreachable', reason: expect.stringMatching(/which data dips may not reach/) });
    }
    expect(seen.length).toBe(before);
  });

  it('refuses a public-looking name that resolves to an internal address', async () => {
    const names = resolver({ 'lookup.westshire.example': ['127.0.0.1'], 'mixed.westshire.example': ['93.184.216.34', '10.1.1.1'] });
    const client = new FetchHttpClient({ resolve: names.resolve });
    expect(await client.request(request({ url: `http://lookup.westshire.example:${port()}/admin` }))).toMatchObject({
      reason: expect.stringContaining('lookup.westshire.example resolves to 127.0.0.1, a loopback address'),
    });
    expect(await client.request(request({ url: `http://mixed.westshire.example:${port()}/admin` }))).toMatchObject({
      reason: expect.stringContaining('10.1.1.1, a private address'),
    });
  });

  it('connects to the address it checked (resolved once), sending the real host name', async () => {
    const names = resolver({ 'backoffice.westshire.example': ['127.0.0.1'] });
    const client = new FetchHttpClient({ resolve: names.resolve, allowedNetworks: ['127.0.0.0/8'] });
    // The system resolver does not know this name: only the pinned address can have reached the server.
    const response = await client.request(request({ url: `http://backoffice.westshire.example:${port()}/echo-headers` }));
    expect(response.kind === 'response' && JSON.parse(response.body)).toEqual({ host: `backoffice.westshire.example:${port()}`, auth: null });
    expect(names.lookups).toEqual(['backoffice.westshire.example']);
  });

  it('checks every redirect against the allowed hosts and addresses', async () => {
    const names = resolver({ 'svc.westshire.example': ['127.0.0.1'] });
    const listed = new FetchHttpClient({ resolve: names.resolve, allowedHosts: ['svc.westshire.example'], allowedNetworks: ['127.0.0.0/8'] });
    const offList = `http://127.0.0.1:${port()}/admin`;
    expect(await listed.request(request({ url: `http://svc.westshire.example:${port()}/redirect?to=${encodeURIComponent(offList)}` }))).toMatchObject({
      kind: 'unreachable',
      reason: '127.0.0.1 is not in the allowed hosts for data dips',
    });
    // Without an allow-list, a redirect to an internal address is refused by the address check.
    const open = new FetchHttpClient({ resolve: resolver({ 'public.example': ['93.184.216.34'] }).resolve });
    const viaPublic = await open.request(request({ url: `http://127.0.0.1:${port()}/redirect?to=${encodeURIComponent(offList)}` }));
    expect(viaPublic).toMatchObject({ kind: 'unreachable' });
    expect(await listed.request(request({ url: `http://svc.westshire.example:${port()}/redirect?to=${encodeURIComponent('file:///etc/passwd')}` }))).toMatchObject({
      reason: 'file: URLs are not allowed; use http or https',
    });
    expect(await listed.request(request({ url: `http://svc.westshire.example:${port()}/loop` }))).toMatchObject({ reason: expect.stringContaining('redirected more than 5 times') });
  });

  it('follows a redirect within the rules, and keeps the Authorization header from another origin', async () => {
    const names = resolver({ 'svc.westshire.example': ['127.0.0.1'], 'other.westshire.example': ['127.0.0.1'] });
    const client = new FetchHttpClient({ resolve: names.resolve, allowedNetworks: ['127.0.0.0/8'] });
    const sameOrigin = await client.request(request({ url: `http://svc.westshire.example:${port()}/redirect?to=%2Fecho-headers`, headers: { authorization: 'Bearer council-key' } }));
    expect(sameOrigin.kind === 'response' && JSON.parse(sameOrigin.body).auth).toBe('Bearer council-key');
    const elsewhere = `http://other.westshire.example:${port()}/echo-headers`;
    const crossOrigin = await client.request(request({ url: `http://svc.westshire.example:${port()}/redirect?to=${encodeURIComponent(elsewhere)}`, headers: { authorization: 'Bearer council-key' } }));
    expect(crossOrigin.kind === 'response' && JSON.parse(crossOrigin.body)).toEqual({ host: `other.westshire.example:${port()}`, auth: null });
  });
});
