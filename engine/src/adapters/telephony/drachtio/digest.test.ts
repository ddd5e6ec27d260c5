import { describe, expect, it } from 'vitest';
import { DigestAuthenticator, digestResponse, parseDigestHeader } from './digest.js';

/** What a phone sends back for a challenge (RFC 2617, qop=auth). */
function answer(challenge: string, opts: { username: string; password: string; method: string; uri: string; realm?: string }): string {
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const realm = opts.realm ?? /realm="([^"]+)"/.exec(challenge)![1]!;
  const fields = { username: opts.username, realm, nonce, uri: opts.uri, qop: 'auth', nc: '00000001', cnonce: 'a1b2c3' };
  const response = digestResponse(opts.method, fields, opts.password);
  return `Digest username="${opts.username}", realm="${realm}", nonce="${nonce}", uri="${opts.uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="a1b2c3"`;
}

describe('DigestAuthenticator', () => {
  let now = Date.UTC(2026, 0, 7, 10);
  const auth = new DigestAuthenticator('frontdoor', () => now, { key: 'k' });
  const passwords = (user: string) => (user === '1001' ? 'correct horse' : undefined);

  it('challenges a request with no credentials', () => {
    expect(auth.verify('REGISTER', undefined, passwords)).toEqual({ kind: 'challenge', stale: false });
    expect(auth.challenge()).toMatch(/^Digest realm="frontdoor", nonce="[^"]+", algorithm=MD5, qop="auth"$/);
  });

  it('accepts the right password and refuses a wrong one or an unknown user', () => {
    const challenge = auth.challenge();
    const ok = answer(challenge, { username: '1001', password: 'correct horse', method: 'REGISTER', uri: 'sip:frontdoor' });
    expect(auth.verify('REGISTER', ok, passwords)).toEqual({ kind: 'ok', username: '1001' });
    const wrong = answer(challenge, { username: '1001', password: 'battery staple', method: 'REGISTER', uri: 'sip:frontdoor' });
    expect(auth.verify('REGISTER', wrong, passwords)).toEqual({ kind: 'forbidden' });
    const stranger = answer(challenge, { username: '9999', password: 'x', method: 'REGISTER', uri: 'sip:frontdoor' });
    expect(auth.verify('REGISTER', stranger, passwords)).toEqual({ kind: 'forbidden' });
  });

  it('re-challenges a forged or expired nonce (a replayed header stops working)', () => {
    const forged = answer('Digest realm="frontdoor", nonce="abc.def"', { username: '1001', password: 'correct horse', method: 'REGISTER', uri: 'sip:frontdoor' });
    expect(auth.verify('REGISTER', forged, passwords)).toEqual({ kind: 'challenge', stale: false });
    const captured = answer(auth.challenge(), { username: '1001', password: 'correct horse', method: 'REGISTER', uri: 'sip:frontdoor' });
    now += 6 * 60_000;
    expect(auth.verify('REGISTER', captured, passwords)).toEqual({ kind: 'challenge', stale: true });
  });

  it('checks the method: a REGISTER answer does not authorise an INVITE', () => {
    const header = answer(auth.challenge(), { username: '1001', password: 'correct horse', method: 'REGISTER', uri: 'sip:frontdoor' });
    expect(auth.verify('INVITE', header, passwords)).toEqual({ kind: 'forbidden' });
  });

  it('parses quoted and unquoted fields', () => {
    expect(parseDigestHeader('Digest username="a", realm="r", nonce="n", uri="sip:x", response="abc", qop=auth, nc=00000001, cnonce="c"')).toEqual({
      username: 'a', realm: 'r', nonce: 'n', uri: 'sip:x', response: 'abc', qop: 'auth', nc: '00000001', cnonce: 'c',
    });
    expect(parseDigestHeader('Basic dXNlcjpwYXNz')).toBeUndefined();
  });
});
