/**
 * A caller's voice for sipp's `play_pcap_audio`: a steady tone as G.711 A-law RTP (payload type 8, 20 ms
 * packets) in a pcap, so whoever hears the caller can be told apart by frequency (Goertzel, harness/audio.ts).
 */

/** ITU-T G.711 A-law encoding of one 16-bit sample. */
export function alaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s >= 0 ? 0x80 : 0;
  if (s < 0) s = -s - 1;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = exponent === 0 ? (s >> 4) & 0x0f : (s >> (exponent + 3)) & 0x0f;
  return ((sign | (exponent << 4) | mantissa) ^ 0x55) & 0xff;
}

/** `seconds` of a `frequency` Hz tone at `level` (0..1 of full scale) as a pcap of PCMA RTP. */
export function tonePcap(frequency: number, seconds: number, level = 0.25): Buffer {
  const packets = Math.round(seconds * 50);
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const records: Buffer[] = [header];
  for (let p = 0; p < packets; p++) {
    const rtp = Buffer.alloc(12 + 160);
    rtp[0] = 0x80;
    rtp[1] = 8;
    rtp.writeUInt16BE((5000 + p) & 0xffff, 2);
    rtp.writeUInt32BE((p * 160) >>> 0, 4);
    rtp.writeUInt32BE(0x46444c49, 8); // "FDLI"
    for (let i = 0; i < 160; i++) rtp[12 + i] = alaw(Math.sin((2 * Math.PI * frequency * (p * 160 + i)) / 8000) * level * 32767);
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
    const ms = p * 20;
    record.writeUInt32LE(1_700_000_000 + Math.floor(ms / 1000), 0);
    record.writeUInt32LE((ms % 1000) * 1000, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    records.push(record, frame);
  }
  return Buffer.concat(records);
}
