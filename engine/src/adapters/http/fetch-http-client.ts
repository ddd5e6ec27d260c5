import type { HttpClient, HttpRequest, HttpResponse } from '../../ports/index.js';

export interface FetchHttpClientOptions {
  /**
   * Hosts data dips may call (exact names, or `*.example.gov.uk` for a domain and its sub-domains).
   * Empty: any host. A flow is data a designer can change, so production sites should list their services.
   */
  allowedHosts?: string[];
  /** Largest response body read, in bytes; a larger one is an error outcome, not a memory spike. */
  maxBodyBytes?: number;
}

/**
 * Data dips (the http node) over real HTTP with Node's fetch: a hard timeout, a size limit on what is
 * read, and every failure turned into the outcome the node routes on — never an exception on a call.
 */
export class FetchHttpClient implements HttpClient {
  private readonly allowedHosts: string[];
  private readonly maxBodyBytes: number;

  constructor(options: FetchHttpClientOptions = {}) {
    this.allowedHosts = (options.allowedHosts ?? []).map((h) => h.toLowerCase());
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return { kind: 'unreachable', reason: `"${request.url}" is not a URL` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { kind: 'unreachable', reason: `${url.protocol} URLs are not allowed; use http or https` };
    }
    if (!this.hostAllowed(url.hostname)) {
      return { kind: 'unreachable', reason: `${url.hostname} is not in the allowed hosts for data dips` };
    }
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout]);
    try {
      const response = await fetch(url, {
        method: request.method,
        headers: request.headers,
        body: request.method === 'GET' || request.method === 'DELETE' ? undefined : request.body,
        signal,
        redirect: 'follow',
      });
      const body = await this.readBody(response);
      if (body === undefined) {
        return { kind: 'unreachable', reason: `the response from ${url.host} is larger than ${this.maxBodyBytes} bytes` };
      }
      return { kind: 'response', status: response.status, headers: Object.fromEntries(response.headers), body };
    } catch (error) {
      request.signal.throwIfAborted();
      if (timeout.aborted) return { kind: 'timeout' };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { kind: 'unreachable', reason: `${url.host}: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
    }
  }

  private hostAllowed(hostname: string): boolean {
    if (this.allowedHosts.length === 0) return true;
    const host = hostname.toLowerCase();
    return this.allowedHosts.some((allowed) =>
      allowed.startsWith('*.') ? host === allowed.slice(2) || host.endsWith(allowed.slice(1)) : host === allowed,
    );
  }

  /** The body as text, or undefined when it is over the size limit. */
  private async readBody(response: Response): Promise<string | undefined> {
    const declared = Number(response.headers.get('content-length'));
    if (declared > this.maxBodyBytes) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > this.maxBodyBytes) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(read.value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}
