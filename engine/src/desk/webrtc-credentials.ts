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

/**
 * The registrar's look-up for browser phones: the agent whose `webrtc` endpoint has this user name, with
 * the password the desk handed their browser. Undefined for anyone else (desk phones keep their own
 * credentials).
 */
export function webrtcCredentials(agents: { list(): Promise<Array<{ id: string; endpoints: Array<{ kind: string; value: string }> }>> }, secret: string) {
  return async (username: string): Promise<{ password: string; agentId: string } | undefined> => {
    const agent = (await agents.list()).find((a) => a.endpoints.some((e) => e.kind === 'webrtc' && e.value === username));
    return agent ? { password: webrtcPassword(secret, username), agentId: agent.id } : undefined;
  };
}
