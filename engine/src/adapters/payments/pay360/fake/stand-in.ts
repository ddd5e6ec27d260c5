/**
 * The FAKE Pay360 as frontdoor runs it when it needs a stand-in: one installation, one payment line,
 * the gateway settings that reach them, and (for the engine) one fake shared by every designer test
 * call over HTTP on this machine, so test payments land on the payments screen like real ones.
 */
import type { Clock, HttpClient } from '../../../../ports/index.js';
import { FetchHttpClient } from '../../../http/fetch-http-client.js';
import type { Pay360Settings } from '../pay360-gateway.js';
import { FakePay360, type FakeInstallation } from './fake-pay360.js';
import { serveFakePay360, postNotification } from './fake-pay360-http.js';

export const FAKE_INSTALLATION: FakeInstallation = { installationId: '5300001', username: 'fake-pay360-api', password: 'fake-pay360-password' };
/** The fake's payment line: answered by the simulator's far end (no SIP endpoint behind it). */
export const FAKE_PAYMENT_LINE = 'sip:callsecure@fake-pay360.invalid';

export const FAKE_GATEWAY_SETTINGS: Omit<Pay360Settings, 'baseUrl'> = {
  installationId: FAKE_INSTALLATION.installationId,
  username: FAKE_INSTALLATION.username,
  password: FAKE_INSTALLATION.password,
  paymentLine: { kind: 'sip', uri: FAKE_PAYMENT_LINE },
  requestTimeoutMs: 8000,
  pollIntervalMs: 2000,
  settleTimeoutMs: 30_000,
  resultTimeoutMs: 15 * 60_000,
};

/** A fake Pay360 shared by many test calls, reached over HTTP at `baseUrl`. */
export interface SharedFakePay360 {
  fake: FakePay360;
  baseUrl: string;
  http: HttpClient;
}

/** The engine's stand-in: a fake Pay360 served on 127.0.0.1 (any free port), for the designer's test calls. */
export async function startSharedFakePay360(clock: Clock): Promise<SharedFakePay360 & { close(): Promise<void> }> {
  const fake = new FakePay360({ clock, installations: [FAKE_INSTALLATION], onFinished: (transaction, url) => url && postNotification(url, transaction) });
  const server = await serveFakePay360(fake);
  return { fake, baseUrl: server.url, http: new FetchHttpClient({ allowedHosts: ['127.0.0.1'], allowedNetworks: ['127.0.0.0/8'] }), close: () => server.close() };
}
