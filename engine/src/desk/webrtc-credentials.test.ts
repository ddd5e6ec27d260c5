import { describe, expect, it } from 'vitest';
import { webrtcCredentials, webrtcPassword } from './webrtc-credentials.js';

describe('browser phone credentials', () => {
  const secret = 'a desk secret of at least thirty-two characters';
  const agents = { list: async () => [{ id: 'priya', endpoints: [{ kind: 'sip-user', value: '2001' }, { kind: 'webrtc', value: 'priya' }] }] };

  it('derives one password per user name and secret, the same on every engine', () => {
    expect(webrtcPassword(secret, 'priya')).toBe(webrtcPassword(secret, 'priya'));
    expect(webrtcPassword(secret, 'priya')).not.toBe(webrtcPassword(secret, 'sam'));
    expect(webrtcPassword(secret, 'priya')).not.toBe(webrtcPassword(`${secret}!`, 'priya'));
    expect(webrtcPassword(secret, 'priya')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('lets the registrar find a browser phone’s agent and password, and nobody else’s', async () => {
    const lookup = webrtcCredentials(agents, secret);
    expect(await lookup('priya')).toEqual({ agentId: 'priya', password: webrtcPassword(secret, 'priya') });
    expect(await lookup('2001')).toBeUndefined();
    expect(await lookup('sam')).toBeUndefined();
  });
});
