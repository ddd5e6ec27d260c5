/**
 * test:sip's payment line set-up, run beside the engine under test:
 *  - serves the council's reference look-up the example payment line calls (a stand-in for
 *    payments-api.westshire.example: reference 12345678 owes £70.00);
 *  - signs in as the first admin, makes an admin API token (for the leak scan), and publishes the
 *    payment line with its look-up pointed here;
 *  - prints `{"token": "fd_…"}` on one line when ready, then serves until stopped.
 *
 *   node --import tsx test/sip/payments-line.ts <engine URL> <admin password>
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const [engine, password] = process.argv.slice(2);
if (!engine || !password) {
  console.error('usage: payments-line.ts <engine URL> <admin password>');
  process.exit(2);
}

const lookup = createServer((req, res) => {
  const reference = /^\/v1\/references\/(\d{8})$/.exec(req.url ?? '')?.[1];
  if (reference !== '12345678') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ reference, description: 'parking fine', balance: { pence: 7000, spoken: '£70.00' } }));
});
await new Promise<void>((resolve) => lookup.listen(0, '127.0.0.1', () => resolve()));
const lookupBase = `http://127.0.0.1:${(lookup.address() as AddressInfo).port}`;

async function api<T>(method: string, path: string, options: { body?: unknown; cookie?: string; token?: string } = {}): Promise<{ json: T; headers: Headers }> {
  const headers: Record<string, string> = { origin: engine! };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${engine}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return { json: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

const login = await api('POST', '/api/auth/login', { body: { username: 'admin', password } });
const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
const { json: created } = await api<{ token: string }>('POST', '/api/tokens', { cookie, body: { name: 'test:sip leak scan' } });
const token = created.token;

const flow = JSON.parse(readFileSync(join(import.meta.dirname, '../../flows/payments.flow.json'), 'utf8')) as { nodes: Array<{ id: string; params: Record<string, unknown> }> };
for (const node of flow.nodes) {
  if (node.id === 'lookup') node.params.url = `${lookupBase}/v1/references/{{paymentRef}}`;
}
const { json: current } = await api<{ draftRevision: number }>('GET', '/api/flows/payments', { token });
const { json: saved } = await api<{ revision: number }>('PUT', '/api/flows/payments/draft', { token, body: { flow, revision: current.draftRevision } });
await api('POST', '/api/flows/payments/publish', { token, body: { revision: saved.revision, note: 'test:sip: the reference look-up answered on this machine' } });

console.log(JSON.stringify({ token }));
const stop = () => lookup.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
