/**
 * Writes RFC 4733 (RFC 2833) DTMF as a pcap that sipp's `play_pcap_audio` replays: a whole key sequence
 * in one file, each key an event of its own (new RTP timestamp, sequence numbers running on), so a
 * receiver never takes a repeated key (4444…) for a retransmission — unlike sipp's stock one-key pcaps,
 * whose fixed numbers make FreeSWITCH drop the second of two equal keys.
 *
 *   node --import tsx test/sip/dtmf-pcap.ts <out.pcap> <keys> [first sequence number]
 */
import { writeFileSync } from 'node:fs';

const EVENT_CODES: Record<string, number> = { '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15 };
for (let d = 0; d <= 9; d++) EVENT_CODES[String(d)] = d;

export interface DtmfPcapOptions {
  /** RTP payload type of telephone-event (sipp's scenarios offer 101). */
  payloadType?: number;
  ssrc?: number;
  /** Where sequence numbers start: give each pcap of one call its own range. */
  firstSequence?: number;
  /** Milliseconds each key is held, and the silence between keys. */
  keyMs?: number;
  gapMs?: number;
}

/** The pcap bytes (Ethernet / IPv4 / UDP / RTP) for `keys`. */
export function dtmfPcap(keys: string, options: DtmfPcapOptions = {}): Buffer {
  const payloadType = options.payloadType ?? 101;
  const ssrc = options.ssrc ?? 0x46445031; // "FDP1"
  const keyMs = options.keyMs ?? 120;
  const gapMs = options.gapMs ?? 120;
  let sequence = options.firstSequence ?? 1000;
  const packets: Array<{ atMs: number; rtp: Buffer }> = [];
  let atMs = 0;
  let rtpTimestamp = (sequence * 160) >>> 0;
  for (const key of keys) {
    const event = EVENT_CODES[key.toUpperCase()];
    if (event === undefined) throw new Error(`"${key}" is not a DTMF key (0-9 * # A-D)`);
    const frames = Math.max(1, Math.round(keyMs / 20));
    for (let frame = 0; frame <= frames + 2; frame++) {
      const end = frame >= frames;
      const duration = Math.min(frame, frames) * 160;
      const rtp = Buffer.alloc(16);
      rtp[0] = 0x80;
      rtp[1] = (frame === 0 ? 0x80 : 0) | payloadType;
      rtp.writeUInt16BE(sequence & 0xffff, 2);
      rtp.writeUInt32BE(rtpTimestamp, 4);
      rtp.writeUInt32BE(ssrc, 8);
      rtp[12] = event;
      rtp[13] = (end ? 0x80 : 0) | 10; // E bit, volume -10 dBm0
      rtp.writeUInt16BE(duration, 14);
      packets.push({ atMs: atMs + Math.min(frame, frames) * 20 + (end ? frame - frames : 0), rtp });
      if (!end || frame === frames + 2) sequence++;
      // The three end packets repeat one sequence number, as senders do (RFC 4733 §2.5.1.4).
    }
    atMs += (frames + 1) * 20 + gapMs;
    rtpTimestamp = (rtpTimestamp + (frames + 1) * 160 + gapMs * 8) >>> 0;
  }
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  const records = packets.map(({ atMs: ms, rtp }) => {
    const frame = Buffer.alloc(14 + 20 + 8 + rtp.length);
    frame.writeUInt16BE(0x0800, 12);
    frame[14] = 0x45;
    frame.writeUInt16BE(20 + 8 + rtp.length, 16);
    frame[22] = 64;
    frame[23] = 17;
    frame.set([127, 0, 0, 1], 26);
    frame.set([127, 0, 0, 1], 30);
    frame.writeUInt16BE(40000, 34);
    frame.writeUInt16BE(40002, 36);
    frame.writeUInt16BE(8 + rtp.length, 38);
    rtp.copy(frame, 42);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1_700_000_000 + Math.floor(ms / 1000), 0);
    record.writeUInt32LE((ms % 1000) * 1000, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [out, keys, first] = process.argv.slice(2);
  if (!out || !keys) {
    console.error('usage: dtmf-pcap.ts <out.pcap> <keys> [first sequence number]');
    process.exit(2);
  }
  writeFileSync(out, dtmfPcap(keys, first ? { firstSequence: Number(first) } : {}));
}
