import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SIP digest authentication (RFC 3261 §22.4, RFC 2617 MD5 with qop=auth) for the registrar and
 * for trunks that authenticate their INVITEs. Nonces are an HMAC-signed timestamp, so any engine
 * behind the same drachtio edge can check a nonce another issued, and a captured Authorization
 * header stops working when its nonce expires (drachtio-mw-digest-auth accepts any nonce, which
 * is why it is not used here).
 */

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  algorithm?: string;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** Parses `Digest username="…", realm="…", …`; undefined if it is not a complete digest header. */
export function parseDigestHeader(header: string | undefined): DigestCredentials | undefined {
  if (!header || !/^\s*digest\s/i.test(header)) return undefined;
  const fields: Record<string, string> = {};
  const pattern = /([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/g;
  for (let match = pattern.exec(header); match; match = pattern.exec(header)) {
    fields[match[1]!.toLowerCase()] = match[2] ?? match[3] ?? '';
  }
  const { username, realm, nonce, uri, response } = fields;
  if (!username || realm === undefined || !nonce || !uri || !response) return undefined;
  const credentials: DigestCredentials = { username, realm, nonce, uri, response };
  if (fields.qop) credentials.qop = fields.qop;
  if (fields.nc) credentials.nc = fields.nc;
  if (fields.cnonce) credentials.cnonce = fields.cnonce;
  if (fields.algorithm) credentials.algorithm = fields.algorithm;
  return credentials;
}

/** The expected `response` for these credentials and password. */
export function digestResponse(method: string, credentials: Omit<DigestCredentials, 'response'>, password: string): string {
  const ha1 = md5(`${credentials.username}:${credentials.realm}:${password}`);
  const ha2 = md5(`${method}:${credentials.uri}`);
  return credentials.qop
    ? md5(`${ha1}:${credentials.nonce}:${credentials.nc ?? ''}:${credentials.cnonce ?? ''}:${credentials.qop}:${ha2}`)
    : md5(`${ha1}:${credentials.nonce}:${ha2}`);
}

export type DigestVerdict =
  | { kind: 'ok'; username: string }
  /** No credentials, a stale nonce or another realm: send a (new) challenge. */
  | { kind: 'challenge'; stale: boolean }
  /** Wrong password or unknown user. */
  | { kind: 'forbidden' };

export class DigestAuthenticator {
  private readonly key: Buffer;

  constructor(
    readonly realm: string,
    private readonly now: () => number,
    options: { key?: string; nonceLifetimeMs?: number } = {},
  ) {
    this.key = options.key ? Buffer.from(options.key) : randomBytes(32);
    this.nonceLifetimeMs = options.nonceLifetimeMs ?? 5 * 60_000;
  }

  private readonly nonceLifetimeMs: number;

  /** The WWW-Authenticate / Proxy-Authenticate value to send with 401 / 407. */
  challenge(stale = false): string {
    const issued = this.now().toString(36);
    const nonce = `${issued}.${this.sign(issued)}`;
    return `Digest realm="${this.realm}", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`;
  }

  /** Checks the Authorization header of a request against `passwordOf(username)`. */
  verify(method: string, header: string | undefined, passwordOf: (username: string) => string | undefined): DigestVerdict {
    const credentials = parseDigestHeader(header);
    if (!credentials || credentials.realm !== this.realm) return { kind: 'challenge', stale: false };
    if (credentials.algorithm && credentials.algorithm.toUpperCase() !== 'MD5') return { kind: 'challenge', stale: false };
    const [issued, signature] = credentials.nonce.split('.');
    if (!issued || !signature || !safeEqual(signature, this.sign(issued))) return { kind: 'challenge', stale: false };
    const age = this.now() - parseInt(issued, 36);
    if (!(age >= 0 && age <= this.nonceLifetimeMs)) return { kind: 'challenge', stale: true };
    const password = passwordOf(credentials.username);
    if (password === undefined) return { kind: 'forbidden' };
    return safeEqual(credentials.response.toLowerCase(), digestResponse(method, credentials, password))
      ? { kind: 'ok', username: credentials.username }
      : { kind: 'forbidden' };
  }

  private sign(text: string): string {
    return createHmac('sha256', this.key).update(`${this.realm}:${text}`).digest('base64url').slice(0, 22);
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
