/**
 * Just enough SIP (RFC 3261) text for the FAKE payment line's endpoint: parse a request or response
 * received over UDP, and write requests and responses. Header names are matched case-insensitively,
 * compact forms included; a header that appears several times keeps every value.
 */

export interface SipMessage {
  /** Requests: the method; responses: undefined. */
  method?: string;
  /** Requests: the Request-URI. */
  uri?: string;
  /** Responses: the status code and reason. */
  status?: number;
  reason?: string;
  /** Lower-case full names → values, in order. */
  headers: Map<string, string[]>;
  body: string;
}

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type', k: 'supported' };

/** Parses one SIP message; undefined for text that is not one. */
export function parseSip(text: string): SipMessage | undefined {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const rest = split < 0 ? '' : text.slice(split + 4);
  const lines = head.split('\r\n');
  const start = lines.shift() ?? '';
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  const length = Number(headers.get('content-length')?.[0] ?? rest.length);
  const body = rest.slice(0, Number.isFinite(length) ? length : rest.length);
  const response = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(start);
  if (response) return { status: Number(response[1]), reason: response[2]!, headers, body };
  const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(start);
  if (request) return { method: request[1]!, uri: request[2]!, headers, body };
  return undefined;
}

export const header = (message: SipMessage, name: string): string | undefined => message.headers.get(name.toLowerCase())?.[0];

/** The tag parameter of a From or To header. */
export const tagOf = (value: string | undefined): string | undefined => (value ? /;\s*tag=([^;>\s]+)/i.exec(value)?.[1] : undefined);

/** The URI inside a name-addr (`"x" <sip:a@b>;tag=1` → `sip:a@b`). */
export const uriOf = (value: string | undefined): string | undefined => (value ? (/<([^>]+)>/.exec(value)?.[1] ?? value.split(';')[0]!.trim()) : undefined);

/** A response to `request`, echoing its Via, From, To (with our tag), Call-ID and CSeq. */
export function response(request: SipMessage, status: number, reason: string, extra: { toTag?: string; headers?: Record<string, string>; body?: string } = {}): string {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const via of request.headers.get('via') ?? []) lines.push(`Via: ${via}`);
  lines.push(`From: ${header(request, 'from')}`);
  const to = header(request, 'to') ?? '';
  lines.push(`To: ${extra.toTag && !tagOf(to) ? `${to};tag=${extra.toTag}` : to}`);
  lines.push(`Call-ID: ${header(request, 'call-id')}`, `CSeq: ${header(request, 'cseq')}`);
  return finish(lines, extra.headers, extra.body);
}

/** A request with the given headers (Via, From, To, Call-ID, CSeq among them). */
export function request(method: string, uri: string, headers: Record<string, string>, body?: string): string {
  return finish([`${method} ${uri} SIP/2.0`], { 'Max-Forwards': '70', ...headers }, body);
}

function finish(lines: string[], headers: Record<string, string> = {}, body = ''): string {
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body) lines.push('Content-Type: application/sdp');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
