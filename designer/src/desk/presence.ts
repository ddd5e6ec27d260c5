import type { AgentStateName, EndpointKind } from '../api/client.js';

/** An agent's state in words, as advisers and supervisors say it. */
export const stateLabel: Record<AgentStateName, string> = {
  available: 'Available',
  ringing: 'Ringing',
  on_call: 'On a call',
  wrap_up: 'Wrap-up',
  break: 'On a break',
  offline: 'Offline',
};

/** Where a call rings, in words. */
export const endpointKindLabel: Record<EndpointKind, string> = {
  webrtc: 'This browser (desk phone in the browser)',
  'sip-user': 'Registered SIP phone',
  'sip-uri': 'SIP address',
  teams: 'Microsoft Teams number',
  pstn: 'Phone number',
};

/** Short form for lists. */
export const endpointKindShort: Record<EndpointKind, string> = {
  webrtc: 'Browser',
  'sip-user': 'SIP phone',
  'sip-uri': 'SIP address',
  teams: 'Teams',
  pstn: 'Phone',
};

/** "0:42", "12:05", "1:02:09" — a time in a state, on a wallboard or a desk. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** "42 seconds", "12 minutes", "1 hour 2 minutes" — the same time for screen readers. */
export function spoken(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return `${total} second${total === 1 ? '' : 's'}`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const parts = [h > 0 && `${h} hour${h === 1 ? '' : 's'}`, m > 0 && `${m} minute${m === 1 ? '' : 's'}`].filter(Boolean);
  return parts.join(' ');
}
