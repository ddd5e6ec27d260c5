/**
 * Types for the parts of drachtio-fsmrf 4.1 (which ships none) that frontdoor uses, written from
 * its source (lib/mrf.js, lib/mediaserver.js, lib/endpoint.js). Callback forms are left out: the
 * adapter only uses the promise forms.
 */
declare module 'drachtio-fsmrf' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';
  import type Srf from 'drachtio-srf';

  namespace Mrf {
    /** A drachtio-modesl event: an event-socket message with headers and a body. */
    interface EslEvent {
      getHeader(name: string): string | undefined;
      getBody(): string;
    }

    /** drachtio-modesl's Connection, as fsmrf exposes it on endpoints and media servers. */
    interface EslConnection extends EventEmitter {
      socket?: Socket;
      connected(): boolean;
    }

    interface ConnectOptions {
      address: string;
      port?: number;
      secret?: string;
      listenAddress?: string;
      listenPort?: number;
      advertisedAddress?: string;
      advertisedPort?: number;
      profile?: string;
    }

    interface EndpointOptions {
      remoteSdp?: string;
      codecs?: string | string[];
      headers?: Record<string, string>;
      /** With no remoteSdp (3PCC): ask FreeSWITCH for SRTP. */
      srtp?: boolean;
    }

    interface DtmfEvent {
      dtmf: string;
      duration: string;
      source: string;
    }

    class Endpoint extends EventEmitter {
      readonly uuid: string;
      readonly local: { sdp: string; mediaIp?: string; mediaPort?: string };
      readonly remote: { sdp: string; mediaIp?: string; mediaPort?: string };
      /** null once the event-socket connection has ended. */
      readonly conn: EslConnection | null;
      readonly dialog: Srf.Dialog;
      readonly connected: boolean;
      execute(app: string, arg?: string): Promise<EslEvent>;
      /** Resolves with the api/response event. */
      api(command: string, args?: string | string[]): Promise<EslEvent>;
      set(param: string | Record<string, string>, value?: string): Promise<EslEvent>;
      /** `playback` of one file (or several, joined with playback_delimiter); rejects on FILE NOT FOUND. */
      play(file: string | string[]): Promise<{ playbackSeconds?: string; playbackMilliseconds?: string; playbackLastOffsetPos?: string }>;
      modify(sdp: string): Promise<string>;
      destroy(): Promise<void>;
      on(event: 'dtmf', listener: (evt: DtmfEvent) => void): this;
      on(event: 'destroy', listener: (evt?: { reason?: string }) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }

    class MediaServer extends EventEmitter {
      readonly address: string;
      readonly conn: EslConnection;
      maxSessions: number;
      currentSessions: number;
      cps: number;
      connected(): boolean;
      createEndpoint(opts?: EndpointOptions): Promise<Endpoint>;
      connectCaller(req: Srf.SrfRequest, res: Srf.SrfResponse, opts?: EndpointOptions): Promise<{ endpoint: Endpoint; dialog: Srf.Dialog }>;
      api(command: string): Promise<string>;
      disconnect(): void;
    }
  }

  class Mrf extends EventEmitter {
    constructor(srf: Srf, opts?: { customEvents?: string[] });
    connect(opts: Mrf.ConnectOptions): Promise<Mrf.MediaServer>;
  }

  export = Mrf;
}

/** drachtio-mw-registration-parser 0.1 (ships no types): sets req.registration on REGISTER. */
declare module 'drachtio-mw-registration-parser' {
  function parseRegistration(
    req: {
      method: string;
      has(name: string): boolean;
      get(name: string): string | undefined;
      getParsedHeader(name: string): unknown;
      registration?: { type: 'register' | 'unregister'; expires: number; contact: { uri: string; params?: Record<string, string> }[]; aor: string };
    },
    res: { send(status: number, opts?: { headers?: Record<string, string> }): void },
    next: () => void,
  ): void;
  export = parseRegistration;
}
