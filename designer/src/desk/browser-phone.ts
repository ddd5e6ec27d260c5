/**
 * The desk's browser phone: JsSIP registers the adviser's `webrtc` endpoint through drachtio-server's SIP
 * websocket, and the engine's FreeSWITCH rings it with DTLS-SRTP media when a caller is offered. Answer,
 * decline, hold (re-INVITE), mute (the microphone track) and blind transfer (REFER to the queue node's
 * sip:queue.<id>@ / sip:agent.<id>@ / tel: targets) happen here, in SIP, like on a desk phone.
 *
 * Why JsSIP (3.13) rather than SIP.js (0.21): JsSIP is maintained (releases through 2025), ships its own
 * TypeScript types, has three small dependencies, and its one UA/RTCSession API covers what the desk
 * needs (REGISTER with digest, incoming INVITE, hold/unhold, REFER) — SIP.js's 0.21 line has had no
 * release since 2022 and splits the same into a larger API we would use a small part of.
 */
import { useEffect, useRef, useState } from 'react';
import type { DeskView, TransferTarget } from '../api/client.js';
import { referUriOf } from '../../../engine/src/core/nodes/queue/refer-uri.js';

export type PhoneStatus = 'off' | 'connecting' | 'registered' | 'failed';

export interface BrowserPhone {
  status: PhoneStatus;
  statusText: string;
  /** An INVITE is ringing in the browser. */
  ringing: boolean;
  /** A call is connected in the browser. */
  connected: boolean;
  held: boolean;
  muted: boolean;
  answer(): void;
  decline(): void;
  hangup(): void;
  hold(on: boolean): void;
  mute(on: boolean): void;
  transfer(target: TransferTarget): void;
}

interface Credentials {
  user: string;
  password: string;
  domain: string;
  websocketUrl: string;
  iceServers: string[];
}

type Session = import('jssip/lib/RTCSession.js').RTCSession;
type UA = import('jssip/lib/UA.js').UA;
type NewSession = import('jssip/lib/UA.js').RTCSessionEvent;
type PeerConnectionEvent = import('jssip/lib/RTCSession.js').PeerConnectionEvent;

const off: Omit<BrowserPhone, 'status' | 'statusText'> = {
  ringing: false,
  connected: false,
  held: false,
  muted: false,
  answer: () => undefined,
  decline: () => undefined,
  hangup: () => undefined,
  hold: () => undefined,
  mute: () => undefined,
  transfer: () => undefined,
};

/** The browser phone for the adviser in `view`, registered while their calls ring in the browser. */
export function useBrowserPhone(view: DeskView | undefined): BrowserPhone {
  const wanted = view?.phone && view.agent.endpoints[view.agent.activeEndpoint]?.kind === 'webrtc' ? view.phone : undefined;
  const key = wanted ? `${wanted.websocketUrl} ${wanted.user}@${wanted.domain}` : '';
  const [status, setStatus] = useState<PhoneStatus>('off');
  const [detail, setDetail] = useState('');
  const [session, setSession] = useState<Session>();
  const [stage, setStage] = useState<{ ringing: boolean; connected: boolean; held: boolean; muted: boolean }>({ ringing: false, connected: false, held: false, muted: false });
  const audio = useRef<HTMLAudioElement | null>(null);
  const credentials = useRef<Credentials | undefined>(undefined);

  useEffect(() => {
    if (!key) {
      setStatus('off');
      return;
    }
    let ua: UA | undefined;
    let stopped = false;
    setStatus('connecting');
    void (async () => {
      try {
        const response = await fetch('/api/desk/phone', { credentials: 'same-origin' });
        if (!response.ok) throw new Error(((await response.json().catch(() => ({}))) as { detail?: string }).detail ?? `HTTP ${response.status}`);
        const c = (await response.json()) as Credentials;
        credentials.current = c;
        // Loaded only for advisers whose calls ring in the browser.
        const loaded = (await import('jssip')) as typeof import('jssip') & { default?: typeof import('jssip') };
        const JsSIP = loaded.default ?? loaded;
        if (stopped) return;
        ua = new JsSIP.UA({
          sockets: [new JsSIP.WebSocketInterface(c.websocketUrl)],
          uri: `sip:${c.user}@${c.domain}`,
          password: c.password,
          register: true,
          register_expires: 300,
          session_timers: false,
          user_agent: 'frontdoor desk (JsSIP)',
        });
        ua.on('registered', () => (setStatus('registered'), setDetail('')));
        ua.on('unregistered', () => setStatus('connecting'));
        ua.on('registrationFailed', (e) => (setStatus('failed'), setDetail(String(e.cause ?? 'refused'))));
        ua.on('disconnected', () => setStatus((s) => (s === 'failed' ? s : 'connecting')));
        ua.on('newRTCSession', ({ session: incoming, originator }: NewSession) => {
          if (originator !== 'remote') return;
          setSession(incoming);
          setStage({ ringing: true, connected: false, held: false, muted: false });
          incoming.on('confirmed', () => setStage((s) => ({ ...s, ringing: false, connected: true })));
          incoming.on('hold', () => setStage((s) => ({ ...s, held: true })));
          incoming.on('unhold', () => setStage((s) => ({ ...s, held: false })));
          incoming.on('muted', () => setStage((s) => ({ ...s, muted: true })));
          incoming.on('unmuted', () => setStage((s) => ({ ...s, muted: false })));
          const ended = () => {
            setSession((current) => (current === incoming ? undefined : current));
            setStage({ ringing: false, connected: false, held: false, muted: false });
          };
          incoming.on('ended', ended);
          incoming.on('failed', ended);
          incoming.on('peerconnection', ({ peerconnection }: PeerConnectionEvent) => {
            peerconnection.addEventListener('track', (event: RTCTrackEvent) => {
              if (!audio.current) {
                audio.current = new Audio();
                audio.current.autoplay = true;
              }
              audio.current.srcObject = event.streams[0] ?? new MediaStream([event.track]);
              void audio.current.play().catch(() => undefined);
            });
          });
        });
        ua.start();
      } catch (error) {
        setStatus('failed');
        setDetail((error as Error).message);
      }
    })();
    return () => {
      stopped = true;
      ua?.stop();
    };
  }, [key]);

  const statusText =
    status === 'registered'
      ? 'Browser phone ready: calls ring here.'
      : status === 'connecting'
        ? 'Browser phone connecting…'
        : status === 'failed'
          ? `Browser phone not connected (${detail}). Choose another place for calls to ring, or reload.`
          : 'Browser phone off.';
  if (status === 'off' || !session) return { ...off, status, statusText };
  const ice = credentials.current?.iceServers ?? [];
  return {
    status,
    statusText,
    ...stage,
    answer: () => session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: ice.map((urls) => ({ urls })) } }),
    decline: () => session.terminate({ status_code: 486, reason_phrase: 'Busy Here' }),
    hangup: () => session.terminate(),
    hold: (on) => void (on ? session.hold() : session.unhold()),
    mute: (on) => (on ? session.mute({ audio: true }) : session.unmute({ audio: true })),
    transfer: (target) => session.refer(referUriOf(target, credentials.current?.domain)),
  };
}
