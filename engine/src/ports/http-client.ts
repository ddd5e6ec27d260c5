/** Outbound HTTP for data dips (the http node). */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export type HttpResponse =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'timeout' }
  | { kind: 'unreachable'; reason: string };

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}
