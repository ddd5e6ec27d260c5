/**
 * The FAKE Pay360's REST face: the subset in pay360-api.ts, with HTTP Basic auth per installation,
 * served three ways — as a function (handlePay360Request), as an HttpClient that calls it in process
 * (simulated time: no I/O for the clock to race), and as a real HTTP server on this machine
 * (serveFakePay360: `npm start` with no Pay360 configured, the adapter's HTTP tests, test:sip).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../../ports/index.js';
import { createSessionRequest, penceOf } from '../pay360-api.js';
import type { FakePay360 } from './fake-pay360.js';

export interface FakeHttpRequest {
  method: string;
  /** Path and query, e.g. /acceptor/rest/transactions/5300001/byRef?merchantRef=PCN1 */
  url: string;
  headers: Record<string, string | undefined>;
  body?: string;
}

export interface FakeHttpResponse {
  status: number;
  body: string;
}

const json = (status: number, body: unknown): FakeHttpResponse => ({ status, body: JSON.stringify(body) });
const failed = (status: number, reasonCode: string, reasonMessage: string) => json(status, { status: 'FAILED', reasonCode, reasonMessage });

/** Answers one request as Pay360's REST API would (the subset frontdoor uses). */
export function handlePay360Request(fake: FakePay360, request: FakeHttpRequest): FakeHttpResponse {
  const url = new URL(request.url, 'http://fake-pay360.invalid');
  const path = url.pathname.split('/').map(decodeURIComponent);
  // ['', 'telephone'|'acceptor', 'rest', 'sessions'|'transactions', installationId, …]
  const installationId = path[4];
  if (path[2] !== 'rest' || !installationId || !fake.hasInstallation(installationId)) return failed(404, 'A404', 'No such resource');
  const credentials = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const [username, password] = credentials ? Buffer.from(credentials, 'base64').toString('utf8').split(/:(.*)/s) : [];
  if (!fake.installation(installationId, username ?? '', password ?? '')) return failed(401, 'A401', 'Authentication failed');

  if (path[1] === 'telephone' && path[3] === 'sessions') {
    if (request.method === 'POST' && path[5] === 'payments' && path.length === 6) {
      let parsed;
      try {
        parsed = createSessionRequest.safeParse(JSON.parse(request.body ?? ''));
      } catch {
        return failed(400, 'V400', 'The request body is not JSON');
      }
      if (!parsed.success) return failed(400, 'V400', `Invalid request: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
      const { transaction, session } = parsed.data;
      const amount = transaction.money.amount?.fixed;
      const created = fake.createSession({
        installationId,
        merchantReference: transaction.merchantReference,
        ...(amount !== undefined ? { amountMinor: penceOf(amount) } : {}),
        ...(transaction.description ? { description: transaction.description } : {}),
        ...(session?.transactionNotification ? { notificationUrl: session.transactionNotification.url } : {}),
      });
      return json(201, { status: 'SUCCESS', ...created });
    }
    if (request.method === 'GET' && path[6] === 'status' && path.length === 7) {
      const status = fake.sessionStatus(installationId, path[5]!);
      return status ? json(200, { status: 'SUCCESS', ...status }) : failed(404, 'A404', 'No such session');
    }
  }
  if (path[1] === 'acceptor' && path[3] === 'transactions' && request.method === 'GET' && path.length === 6) {
    if (path[5] === 'byRef') {
      const merchantRef = url.searchParams.get('merchantRef');
      if (!merchantRef) return failed(400, 'V400', 'merchantRef is required');
      return json(200, { transactions: fake.byReference(installationId, merchantRef) });
    }
    const record = fake.transaction(installationId, path[5]!);
    return record ? json(200, record) : failed(404, 'A404', 'No such transaction');
  }
  return failed(404, 'A404', 'No such resource');
}

/** The fake as an HttpClient, answered in process: for simulated calls, where real I/O would race the simulated clock. */
export function inProcessPay360Client(fake: FakePay360): HttpClient {
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      request.signal.throwIfAborted();
      const url = new URL(request.url);
      const answer = handlePay360Request(fake, { method: request.method, url: url.pathname + url.search, headers: request.headers, ...(request.body ? { body: request.body } : {}) });
      return { kind: 'response', status: answer.status, headers: { 'content-type': 'application/json' }, body: answer.body };
    },
  };
}

/** How the HTTP face misbehaves, for tests: answer slowly, with an error status, or not at all. */
export interface FakeHttpFault {
  delayMs?: number;
  status?: number;
  /** Close connections without answering (as a host that is down). */
  drop?: boolean;
}

export interface RunningFakePay360 {
  /** http://127.0.0.1:<port> */
  url: string;
  fault: FakeHttpFault;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Serve the fake on a real HTTP port (0: any free port) on this machine. */
export async function serveFakePay360(fake: FakePay360, options: { host?: string; port?: number } = {}): Promise<RunningFakePay360> {
  const fault: FakeHttpFault = {};
  const server: Server = createServer((req, res) => {
    if (fault.drop) {
      req.socket.destroy();
      return;
    }
    void readBody(req).then(
      async (body) => {
        if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        const answer = fault.status
          ? { status: fault.status, body: JSON.stringify({ status: 'FAILED', reasonCode: 'S500', reasonMessage: 'Service unavailable' }) }
          : handlePay360Request(fake, { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers as Record<string, string>, body });
        if (!res.destroyed) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      },
      () => res.writeHead(413).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    fault,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** POSTs a transaction notification the way Pay360 does (best effort: a lost notification only means the engine polls). */
export function postNotification(url: string, body: unknown): void {
  void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) }).catch(
    () => undefined,
  );
}
