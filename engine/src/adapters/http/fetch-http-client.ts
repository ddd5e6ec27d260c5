import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { HttpClient, HttpRequest, HttpResponse } from '../../ports/index.js';
import { AddressPolicy, systemResolve, type Resolve, type ResolvedAddress } from './address-policy.js';

export interface FetchHttpClientOptions {
  /**
   * Hosts data dips may call (exact names, or `*.example.gov.uk` for a domain and its sub-domains).
   * Empty: any host. A flow is data a designer can change, so production sites should list their services.
   */
  allowedHosts?: string[];
  /** Private, loopback or link-local ranges (CIDR) data dips may reach; by default only public addresses. */
  allowedNetworks?: string[];
  /** Largest response body read, in bytes; a larger one is an error outcome, not a memory spike. */
  maxBodyBytes?: number;
  /** Redirects followed, each checked like the first request (default 5). */
  maxRedirects?: number;
  /** How host names are resolved (default: the system resolver). */
  resolve?: Resolve;
}

/**
 * Every address range: for a client that calls only an endpoint an administrator configured (Pay360), not
 * data a designer can change — the host allow-list still pins it to that one host.
 */
export const ANY_NETWORK: readonly string[] = ['0.0.0.0/0', '::/0'];

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers kept when a redirect leaves the origin: anything else (Authorization, API keys, cookies) stays behind. */
const CROSS_ORIGIN_HEADERS = new Set(['accept', 'accept-language', 'content-type', 'user-agent']);

class Refused extends Error {}

/**
 * Data dips (the http node) over real HTTP: a hard timeout, a size limit on what is read, and every
 * failure turned into the outcome the node routes on — never an exception on a call. Against server-side
 * request forgery: only http and https; every host (the first and each redirect's) checked against the
 * allowed hosts; each name resolved once, every address it has checked against the address policy, and
 * the connection made to that very address (so a second lookup cannot point it elsewhere); redirects
 * followed by hand, at most `maxRedirects`, and secrets not carried to another origin.
 */
export class FetchHttpClient implements HttpClient {
  private readonly allowedHosts: string[];
  private readonly maxBodyBytes: number;
  private readonly maxRedirects: number;
  private readonly addresses: AddressPolicy;
  private readonly resolve: Resolve;

  constructor(options: FetchHttpClientOptions = {}) {
    this.allowedHosts = (options.allowedHosts ?? []).map((h) => h.toLowerCase());
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.addresses = new AddressPolicy(options.allowedNetworks);
    this.resolve = options.resolve ?? systemResolve;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return { kind: 'unreachable', reason: `"${request.url}" is not a URL` };
    }
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout]);
    let method: string = request.method;
    let body = method === 'GET' || method === 'DELETE' ? undefined : request.body;
    let headers = { ...request.headers };
    try {
      for (let hop = 0; ; hop++) {
        const response = await this.send(url, method, headers, body, signal);
        const location = response.headers.location;
        if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) {
          const text = await this.readBody(response, signal);
          if (text === undefined) return { kind: 'unreachable', reason: `the response from ${url.host} is larger than ${this.maxBodyBytes} bytes` };
          return { kind: 'response', status: response.statusCode ?? 0, headers: flatHeaders(response), body: text };
        }
        response.resume();
        if (hop >= this.maxRedirects) throw new Refused(`${url.host} redirected more than ${this.maxRedirects} times`);
        const next = new URL(location, url);
        if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => CROSS_ORIGIN_HEADERS.has(name.toLowerCase())));
        if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
        }
        url = next;
      }
    } catch (error) {
      request.signal.throwIfAborted();
      if (timeout.aborted) return { kind: 'timeout' };
      if (error instanceof Refused) return { kind: 'unreachable', reason: error.message };
      const code = (error as { code?: string }).code;
      return { kind: 'unreachable', reason: `${url.host}: ${code ?? (error as Error).message}` };
    }
  }

  /** One request to `url`, after checking its scheme, host and every address of its host; connects to the address checked. */
  private async send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Refused(`${url.protocol} URLs are not allowed; use http or https`);
    if (!this.hostAllowed(url.hostname)) throw new Refused(`${url.hostname} is not in the allowed hosts for data dips`);
    const picked = await this.addresses.pick(url.hostname, this.resolve);
    if ('problem' in picked) throw new Refused(picked.problem);
    const options: RequestOptions = {
      method,
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: { 'accept-encoding': 'gzip, deflate, br', ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      lookup: pinnedLookup(picked.address),
      signal,
      // No connection reuse: each request resolves and checks its host afresh.
      agent: false,
    };
    return new Promise((resolve, reject) => {
      const outgoing = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, resolve);
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  private hostAllowed(hostname: string): boolean {
    if (this.allowedHosts.length === 0) return true;
    const host = hostname.toLowerCase();
    return this.allowedHosts.some((allowed) =>
      allowed.startsWith('*.') ? host === allowed.slice(2) || host.endsWith(allowed.slice(1)) : host === allowed,
    );
  }

  /** The body as text (decompressed), or undefined when it is over the size limit. */
  private async readBody(response: IncomingMessage, signal: AbortSignal): Promise<string | undefined> {
    const declared = Number(response.headers['content-length']);
    if (declared > this.maxBodyBytes) {
      response.destroy();
      return undefined;
    }
    const stream = decoded(response);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal.throwIfAborted();
      size += chunk.length;
      // Counted after decompression, so a small compressed bomb is refused too.
      if (size > this.maxBodyBytes) {
        response.destroy();
        stream.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

/** A `lookup` for node:http that answers with the address already checked, whatever the name. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
}

function decoded(response: IncomingMessage): Readable {
  switch ((response.headers['content-encoding'] ?? '').toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return response.pipe(createGunzip());
    case 'deflate':
      return response.pipe(createInflate());
    case 'br':
      return response.pipe(createBrotliDecompress());
    default:
      return response;
  }
}

function flatHeaders(response: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(response.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])),
  );
}
