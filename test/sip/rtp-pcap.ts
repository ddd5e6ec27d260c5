/**
 * A caller's voice as a pcap that sipp's `play_pcap_audio` replays into a call: 8 kHz 16-bit PCM
 * encoded as G.711 A-law (PCMA, RTP payload type 8, as UK networks send), one RTP packet per 20 ms,
 * wrapped in Ethernet / IPv4 / UDP with capture times 20 ms apart (sipp paces the packets by them).
 */

/** ITU-T G.711 A-law encoding of one 16-bit sample. */
export function alaw(sample: number): number {
  let pcm = sample >> 3; // 13 significant bits
  let mask: number;
  if (pcm >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const segmentEnds = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
  let segment = 0;
  while (segment < 8 && pcm > segmentEnds[segment]!) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

/** ITU-T G.711 A-law decoding (for checking the encoder). */
export function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  magnitude += segment === 0 ? 8 : 0x108;
  if (segment > 1) magnitude <<= segment - 1;
  return a & 0x80 ? magnitude : -magnitude;
}

export interface AudioPcapOptions {
  ssrc?: number;
  firstSequence?: number;
}

/** The pcap bytes for `samples` (8 kHz mono) as PCMA RTP, 20 ms a packet. */
export function audioPcap(samples: Int16Array, options: AudioPcapOptions = {}): Buffer {
  const ssrc = options.ssrc ?? 0x46445332; // "FDS2"
  let sequence = options.firstSequence ?? 5000;
  const packets: Buffer[] = [];
  for (let at = 0, index = 0; at < samples.length; at += 160, index++) {
    const rtp = Buffer.alloc(12 + 160, 0xd5); // A-law silence pads a short last packet
    rtp[0] = 0x80;
    rtp[1] = (index === 0 ? 0x80 : 0) | 8;
    rtp.writeUInt16BE(sequence++ & 0xffff, 2);
    rtp.writeUInt32BE((index * 160) >>> 0, 4);
    rtp.writeUInt32BE(ssrc, 8);
    for (let i = 0; i < 160 && at + i < samples.length; i++) rtp[12 + i] = alaw(samples[at + i]!);
    packets.push(record(index * 20, rtp));
  }
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  return Buffer.concat([header, ...packets]);
}

function record(ms: number, rtp: Buffer): Buffer {
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
  const head = Buffer.alloc(16);
  head.writeUInt32LE(1_700_000_000 + Math.floor(ms / 1000), 0);
  head.writeUInt32LE((ms % 1000) * 1000, 4);
  head.writeUInt32LE(frame.length, 8);
  head.writeUInt32LE(frame.length, 12);
  return Buffer.concat([head, frame]);
}
