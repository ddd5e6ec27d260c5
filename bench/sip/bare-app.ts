/**
 * bench:sip's baseline: the journey frontdoor's bench flow runs (answer, the flite prompt "Press one.",
 * one digit, "Thank you. Goodbye.", hang up), hand-written the way a competent engineer writes a small
 * drachtio-srf + drachtio-fsmrf app from the libraries' own documentation: connectCaller, one
 * multiset for the TTS variables, `playback say:…`, the endpoint's dtmf event, then BYE and release.
 * No call records, no flows, no admission control, no logging per call — nothing frontdoor adds on top.
 * It does what a careful app does to stay up: every promise is handled, a refused set-up answers 503.
 *
 *   DRACHTIO_HOST DRACHTIO_PORT DRACHTIO_SECRET FREESWITCH_HOST FREESWITCH_PORT FREESWITCH_SECRET
 *   [FRONTDOOR_LISTEN_ADDRESS FRONTDOOR_ADVERTISED_ADDRESS] node --import tsx bench/sip/bare-app.ts
 *
 * Prints "ready" on stdout once drachtio and FreeSWITCH are both connected.
 */
import Mrf from 'drachtio-fsmrf';
import Srf from 'drachtio-srf';
import { profileOnSignal } from './profiling.js';

profileOnSignal();

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`bare-app: ${name} is not set`);
  return value;
};

const PROMPT = 'say:Press one.';
const ACKNOWLEDGEMENT = 'say:Thank you. Goodbye.';
/** As long as frontdoor's bench flow waits (its menu's 30 s after the prompt): the held-calls run keeps callers silent 30 s. */
const DIGIT_TIMEOUT_MS = 32_000;

type Endpoint = Awaited<ReturnType<Mrf.MediaServer['connectCaller']>>['endpoint'];

// An app that must stay up logs what the libraries let slip, rather than dying on it.
process.on('unhandledRejection', (reason) => console.error('bare-app: unhandled rejection', (reason as Error)?.message ?? reason));

const srf = new Srf();
srf.connect({ host: env('DRACHTIO_HOST'), port: Number(env('DRACHTIO_PORT')), secret: env('DRACHTIO_SECRET') });
srf.on('error', (error: Error) => console.error(`bare-app: drachtio: ${error.message}`));
const drachtioUp = new Promise<void>((resolve) => srf.on('connect', () => resolve()));

const mrf = new Mrf(srf);
const mediaServer = await mrf.connect({
  address: env('FREESWITCH_HOST'),
  port: Number(env('FREESWITCH_PORT')),
  secret: env('FREESWITCH_SECRET'),
  listenAddress: env('FRONTDOOR_LISTEN_ADDRESS', '0.0.0.0'),
  listenPort: 0,
  advertisedAddress: env('FRONTDOOR_ADVERTISED_ADDRESS', '127.0.0.1'),
  profile: 'drachtio_mrf',
});
mediaServer.on('error', (error: Error) => console.error(`bare-app: media server: ${error.message}`));

function nextDigit(endpoint: Endpoint, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const done = (digit: string | undefined) => {
      clearTimeout(timer);
      endpoint.removeListener('dtmf', onDtmf);
      endpoint.removeListener('destroy', onGone);
      resolve(digit);
    };
    const onDtmf = (evt: { dtmf: string }) => done(evt.dtmf);
    const onGone = () => done(undefined);
    const timer = setTimeout(() => done(undefined), timeoutMs);
    endpoint.on('dtmf', onDtmf);
    endpoint.on('destroy', onGone);
  });
}

srf.invite(async (req, res) => {
  let call: Awaited<ReturnType<Mrf.MediaServer['connectCaller']>>;
  try {
    call = await mediaServer.connectCaller(req, res);
  } catch (error) {
    if (!res.finalResponseSent) res.send(503, { headers: { 'Retry-After': '1' } });
    console.error(`bare-app: set-up failed: ${(error as Error).message}`);
    return;
  }
  const { endpoint, dialog } = call;
  let callerGone = false;
  dialog.on('destroy', () => {
    callerGone = true;
    endpoint.destroy().catch(() => undefined);
  });
  try {
    await endpoint.set({ tts_engine: 'flite', tts_voice: 'slt' });
    const pressed = nextDigit(endpoint, DIGIT_TIMEOUT_MS); // a key pressed during the prompt counts
    await endpoint.play(PROMPT);
    const digit = await pressed;
    if (digit !== undefined && !callerGone) await endpoint.play(ACKNOWLEDGEMENT);
  } catch (error) {
    if (!callerGone) console.error(`bare-app: call failed: ${(error as Error).message}`);
  } finally {
    if (!callerGone) {
      await new Promise<void>((done) => dialog.destroy({ headers: {} }, () => done()));
      await endpoint.destroy().catch(() => undefined);
    }
  }
});

await drachtioUp;
console.log('ready');
