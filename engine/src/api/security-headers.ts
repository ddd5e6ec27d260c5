import type { RequestHandler } from 'express';

/**
 * Content-Security-Policy for the designer and the API: everything from this engine only (the designer's
 * scripts, styles, audio from /api/tts and prompt recordings, the test-call websocket), no plug-ins, and
 * no framing by other sites (clickjacking). React sets inline styles through the DOM, which CSP allows;
 * `style-src 'unsafe-inline'` covers the styles React Flow writes into <style> elements. The one place
 * the page may connect to besides this engine: the desk's browser phone's SIP websocket
 * (desk.webrtc.websocketUrl, drachtio-server), named exactly.
 */
export function contentSecurityPolicy(options: { sipWebsocketUrl?: string } = {}): string {
  const sipWebsocket = options.sipWebsocketUrl ? ` ${websocketOrigin(options.sipWebsocketUrl)}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: data:",
    "font-src 'self' data:",
    `connect-src 'self'${sipWebsocket}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** `wss://sip.council.example:8089/path` → `wss://sip.council.example:8089` (a CSP source: scheme, host, port). */
function websocketOrigin(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

/**
 * The headers every response carries (issue 9): no framing, no content sniffing, a CSP, no referrer
 * leaving the site, and HSTS when the engine is reached over HTTPS (`secureCookies`).
 */
export function securityHeaders(options: { secureCookies: boolean; sipWebsocketUrl?: string | undefined }): RequestHandler {
  const policy = contentSecurityPolicy(options.sipWebsocketUrl ? { sipWebsocketUrl: options.sipWebsocketUrl } : {});
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (options.secureCookies) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    next();
  };
}
