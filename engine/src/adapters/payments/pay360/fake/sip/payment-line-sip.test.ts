import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtmfPcap } from '../../../../../../../test/sip/dtmf-pcap.js';
import { SystemClock } from '../../../../clock/system-clock.js';
import { FakePay360 } from '../fake-pay360.js';
import { DtmfReceiver } from './rtp-dtmf.js';
import { PaymentLineSip } from './payment-line-sip.js';

const run = promisify(execFile);
const sippInstalled = await run('sipp', ['-v']).then(
  () => true,
  (error: { code?: string }) => error.code !== 'ENOENT',
);

/** A caller (sipp) that dials the payment line, keys `keys` in RTP, optionally moves its media, and hangs up or waits for the line's BYE. */
function scenario(pcap: string, options: { reinvite?: boolean; hangUpAfterMs?: number }): string {
  const sdp = (port: string, version: number) =>
    ['v=0', `o=caller 1 ${version} IN IP[local_ip_type] [local_ip]`, 's=-', 'c=IN IP[media_ip_type] [media_ip]', 't=0 0', `m=audio ${port} RTP/AVP 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', ''].join('\n');
  const headers = (method: string, cseq: number) =>
    [
      `Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]`,
      'From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]',
      method === 'INVITE' && cseq === 1 ? 'To: <sip:callsecure@[remote_ip]:[remote_port]>' : '[last_To:]',
      'Call-ID: [call_id]',
      `CSeq: ${cseq} ${method}`,
      'Contact: <sip:caller@[local_ip]:[local_port]>',
      'Max-Forwards: 70',
    ].join('\n');
  const invite = (cseq: number, version: number) =>
    `<send retrans="500"><![CDATA[\nINVITE sip:callsecure@[remote_ip]:[remote_port] SIP/2.0\n${headers('INVITE', cseq)}\nContent-Type: application/sdp\nContent-Length: [len]\n\n${sdp('[media_port]', version)}]]></send>
  <recv response="100" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[\nACK [next_url] SIP/2.0\n${headers('ACK', cseq)}\nContent-Length: 0\n\n]]></send>`;
  const end =
    options.hangUpAfterMs !== undefined
      ? `<pause milliseconds="${options.hangUpAfterMs}"/>
  <send retrans="500"><![CDATA[\nBYE [next_url] SIP/2.0\n${headers('BYE', 3)}\nContent-Length: 0\n\n]]></send>
  <recv response="200"/>`
      : `<recv request="BYE" timeout="60000"/>
  <send><![CDATA[\nSIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\nContent-Length: 0\n\n]]></send>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="a caller on the fake payment line">
  ${invite(1, 1)}
  ${options.reinvite ? `<pause milliseconds="200"/>\n  ${invite(2, 2)}` : ''}
  <nop><action><exec play_pcap_audio="${pcap}"/></action></nop>
  ${end}
</scenario>`;
}

describe('the fake Pay360 payment line over SIP', () => {
  const fake = new FakePay360({ clock: new SystemClock(), installations: [{ installationId: '5300001', username: 'u', password: 'p' }] });
  const lines: string[] = [];
  const line = new PaymentLineSip(fake, { host: '127.0.0.1', port: 0, promptMs: 20, log: (l) => lines.push(l) });
  const dir = mkdtempSync(join(tmpdir(), 'fake-payment-line-'));

  beforeAll(() => line.start());
  afterAll(async () => {
    await line.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function caller(name: string, keys: string, options: { reinvite?: boolean; hangUpAfterMs?: number } = {}) {
    const pcap = join(dir, `${name}.pcap`);
    writeFileSync(pcap, dtmfPcap(keys));
    writeFileSync(join(dir, `${name}.xml`), scenario(pcap, options));
    const target = line.uri.replace(/^sip:callsecure@/, '');
    await run('sipp', [target, '-sf', join(dir, `${name}.xml`), '-i', '127.0.0.1', '-p', '0', '-m', '1', '-timeout', '60s', '-timeout_error', '-nostdin'], { timeout: 90_000 });
  }

  it.skipIf(!sippInstalled)('takes the token and a card keyed in RTP by a real SIP caller, judges it, and hangs up', async () => {
    const { telephoneToken } = fake.createSession({ installationId: '5300001', merchantReference: 'PCN-SIP-1', amountMinor: 7000 });
    await caller('paid', `${telephoneToken}#4444333322221111#1230#737#`);
    const [record] = fake.byReference('5300001', 'PCN-SIP-1');
    expect(record).toMatchObject({ transaction: { status: 'SUCCESS', amount: 70 }, paymentMethod: { card: { maskedPan: '************1111', cardScheme: 'Visa' } } });
    expect(lines.join('\n')).toMatch(/answered[\s\S]*says: Please enter your card number[\s\S]*ended: paid/);
    // Its log names prompts and outcomes, never a key.
    expect(lines.join('\n')).not.toMatch(/4444333322221111|737|1230/);
  });

  it.skipIf(!sippInstalled)('answers a re-INVITE (the caller’s media arriving anew), and a caller hanging up mid-card leaves the payment cancelled', async () => {
    const { telephoneToken } = fake.createSession({ installationId: '5300001', merchantReference: 'PCN-SIP-2', amountMinor: 500 });
    await caller('gone', `${telephoneToken}#55555555`, { reinvite: true, hangUpAfterMs: 3000 });
    await expect.poll(() => fake.byReference('5300001', 'PCN-SIP-2')[0]?.transaction.status).toBe('CANCELLED');
  });

  it('decodes one key per RFC 4733 event, repeated keys included, and a replayed one-key recording as a new key', () => {
    const keys: string[] = [];
    const receiver = new DtmfReceiver(() => 101, (k) => keys.push(k));
    const pcap = dtmfPcap('44#');
    for (let offset = 24; offset < pcap.length; ) {
      const length = pcap.readUInt32LE(offset + 8);
      receiver.packet(pcap.subarray(offset + 16 + 42, offset + 16 + length));
      offset += 16 + length;
    }
    expect(keys).toEqual(['4', '4', '#']);
    const single = dtmfPcap('7');
    const replay = () => {
      for (let offset = 24; offset < single.length; ) {
        const length = single.readUInt32LE(offset + 8);
        receiver.packet(single.subarray(offset + 16 + 42, offset + 16 + length));
        offset += 16 + length;
      }
    };
    replay();
    replay();
    expect(keys).toEqual(['4', '4', '#', '7', '7']);
  });
});
