import Mrf from 'drachtio-fsmrf';
import type Srf from 'drachtio-srf';
import { answerDtlsOffer } from './browser-phone.js';
import type { MediaServerConfig } from './config.js';
import { sendEventSocketCommandsWhole } from './event-socket.js';
import type { FsMediaServer } from './media-pool.js';
import type { SipAgent, SipDialog } from './sip.js';

/**
 * drachtio-fsmrf's MediaServer connections, with its late failures contained. fsmrf 4.1 gives up on
 * FreeSWITCH's per-call connection after 4 s and then calls `dialog.destroy()` on the FreeSWITCH leg
 * without handling the promise it returns: when drachtio no longer knows the dialog (ENODIALOG — the
 * usual case under overload), that rejection reaches nobody and Node ends the process. fsmrf is given
 * a drachtio-srf whose dialogs' `destroy()` always has a handler: the failure is reported, not thrown.
 */
export interface LateFailureReporter {
  (what: string, error: unknown): void;
}

/** The slice of drachtio-srf that fsmrf 4.1 uses (mediaserver.js: createUAC, createUAS). */
type MrfSrf = Pick<SipAgent, 'createUAC' | 'createUAS'>;

/** A dialog whose `destroy()` promise is always handled (its caller still sees the outcome if it looks). */
export function guardDialog<D extends SipDialog>(dialog: D, onLateFailure: LateFailureReporter): D {
  const destroy = dialog.destroy.bind(dialog) as (...args: unknown[]) => Promise<unknown> | void;
  (dialog as { destroy: (...args: unknown[]) => unknown }).destroy = (...args: unknown[]) => {
    const result = destroy(...args);
    if (result && typeof (result as Promise<unknown>).catch === 'function') {
      (result as Promise<unknown>).catch((error: unknown) => onLateFailure('dialog.destroy', error));
    }
    return result;
  };
  return dialog;
}

type Created = (...args: unknown[]) => Promise<SipDialog>;

/** One of srf's dialog-creating calls, guarded, in both of the forms fsmrf uses (promise, or a trailing callback). */
function guardedCreate(create: Created, onLateFailure: LateFailureReporter): (...args: unknown[]) => Promise<SipDialog> | undefined {
  return (...args: unknown[]) => {
    const callback = typeof args.at(-1) === 'function' ? (args.pop() as (error: unknown, dialog?: SipDialog) => void) : undefined;
    const created = create(...args).then((dialog) => guardDialog(dialog, onLateFailure));
    if (!callback) return created;
    created.then(
      (dialog) => callback(null, dialog),
      (error: unknown) => callback(error),
    );
    return undefined;
  };
}

/** The drachtio-srf handed to fsmrf: every dialog it creates is guarded. */
export function guardedSrfForMrf(srf: MrfSrf, onLateFailure: LateFailureReporter): MrfSrf {
  return {
    createUAC: guardedCreate(srf.createUAC.bind(srf) as Created, onLateFailure) as MrfSrf['createUAC'],
    createUAS: guardedCreate(srf.createUAS.bind(srf) as Created, onLateFailure) as MrfSrf['createUAS'],
  };
}

/** Connects to one FreeSWITCH with real drachtio-fsmrf; every event-socket command leaves whole (event-socket.ts). */
export function fsmrfConnector(srf: SipAgent, onLateFailure: LateFailureReporter): (server: MediaServerConfig) => Promise<FsMediaServer> {
  sendEventSocketCommandsWhole();
  const mrf = new Mrf(guardedSrfForMrf(srf, onLateFailure) as unknown as Srf);
  return async (server) => {
    const connected = await mrf.connect({
      address: server.host,
      port: server.eventSocketPort,
      secret: server.secret,
      listenAddress: server.listenAddress,
      listenPort: server.listenPort,
      profile: server.profile,
      ...(server.advertisedAddress ? { advertisedAddress: server.advertisedAddress } : {}),
      ...(server.advertisedPort ? { advertisedPort: server.advertisedPort } : {}),
    });
    // Commands on the inbound event socket must not wait for delayed ACKs either.
    connected.conn.socket?.setNoDelay(true);
    // A browser phone's WebRTC offer: FreeSWITCH's answer goes to the browser before the channel exists (browser-phone.ts).
    const answerWebrtc: Pick<FsMediaServer, 'answerDtlsOffer'> = { answerDtlsOffer: (offer, sendAnswer) => answerDtlsOffer(connected, offer, sendAnswer) };
    return Object.assign(connected, answerWebrtc) as unknown as FsMediaServer;
  };
}
