/**
 * Runs the FAKE Pay360 as a process of its own — its REST API on HTTP and its payment line as a SIP
 * endpoint — the way test:sip uses it: the engine is configured with payments.pay360 pointing here,
 * exactly as it would point at the real Pay360, and the card digits keyed into the payment line stay
 * in this process.
 *
 *   node --import tsx engine/src/adapters/payments/pay360/fake/main.ts --http 127.0.0.1:18090 --sip 127.0.0.1:5090
 *
 * Prints one JSON line when ready: { "baseUrl", "paymentLine", "installationId", "username", "password" }.
 */
import { parseArgs } from 'node:util';
import { SystemClock } from '../../../clock/system-clock.js';
import { FakePay360 } from './fake-pay360.js';
import { postNotification, serveFakePay360 } from './fake-pay360-http.js';
import { PaymentLineSip } from './sip/payment-line-sip.js';
import { FAKE_INSTALLATION } from './stand-in.js';

const hostPort = (value: string, what: string) => {
  const match = /^(.+):(\d+)$/.exec(value);
  if (!match) throw new Error(`--${what} expects host:port, got "${value}"`);
  return { host: match[1]!, port: Number(match[2]) };
};

const { values } = parseArgs({
  options: {
    http: { type: 'string', default: '127.0.0.1:0' },
    sip: { type: 'string', default: '127.0.0.1:0' },
    'installation-id': { type: 'string', default: FAKE_INSTALLATION.installationId },
    username: { type: 'string', default: FAKE_INSTALLATION.username },
    password: { type: 'string', default: FAKE_INSTALLATION.password },
  },
});

const installation = { installationId: values['installation-id'], username: values.username, password: values.password };
const fake = new FakePay360({
  clock: new SystemClock(),
  installations: [installation],
  onFinished: (transaction, url) => url && postNotification(url, transaction),
});
const http = await serveFakePay360(fake, hostPort(values.http, 'http'));
const line = new PaymentLineSip(fake, { ...hostPort(values.sip, 'sip'), log: (message) => console.log(message) });
await line.start();
console.log(JSON.stringify({ baseUrl: http.url, paymentLine: line.uri, ...installation }));

const stop = () => {
  void Promise.all([line.close(), http.close()]).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
