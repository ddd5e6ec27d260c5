/**
 * The browser phone's SIP password: derived from the desk's secret and the endpoint's user name, so any
 * engine's registrar checks a REGISTER from the browser without a password being stored anywhere, and
 * the desk hands it only to the adviser signed in (GET /api/desk/phone). Changing desk.webrtc.secret
 * changes every browser phone's password (they fetch the new one when they next open the desk).
 */
import { createHmac } from 'node:crypto';

export function webrtcPassword(secret: string, user: string): string {
  return createHmac('sha256', secret).update(`frontdoor-webrtc:${user}`).digest('base64url');
}
