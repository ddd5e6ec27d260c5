import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from './security-headers.js';

const connectSrc = (policy: string) => policy.split('; ').find((d) => d.startsWith('connect-src'));

describe('Content-Security-Policy', () => {
  it('lets pages connect to this engine only', () => {
    expect(connectSrc(contentSecurityPolicy())).toBe("connect-src 'self'");
  });

  it('lets the desk’s browser phone reach drachtio-server’s SIP websocket, and nothing else (it was refused before: the phone never registered)', () => {
    expect(connectSrc(contentSecurityPolicy({ sipWebsocketUrl: 'ws://127.0.0.1:8088' }))).toBe("connect-src 'self' ws://127.0.0.1:8088");
    expect(connectSrc(contentSecurityPolicy({ sipWebsocketUrl: 'wss://sip.council.example:8089/ws' }))).toBe("connect-src 'self' wss://sip.council.example:8089");
    const headers: Record<string, string> = {};
    securityHeaders({ secureCookies: false, sipWebsocketUrl: 'wss://sip.council.example' })(
      {} as never,
      { setHeader: (name: string, value: string) => void (headers[name] = value) } as never,
      () => undefined,
    );
    expect(connectSrc(headers['Content-Security-Policy']!)).toBe("connect-src 'self' wss://sip.council.example");
  });
});
