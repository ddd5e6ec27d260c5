import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alaw, alawToLinear, audioPcap } from './rtp-pcap.js';

describe('a caller’s voice as a PCMA pcap for sipp', () => {
  it('encodes A-law as G.711 does: every sample within its segment’s step, decoded by sox as we decode it', () => {
    for (let x = -32768; x < 32768; x += 7) {
      const decoded = alawToLinear(alaw(x));
      const step = Math.max(16, 2 ** (Math.floor(Math.log2(Math.max(1, Math.abs(x)))) - 4));
      expect(Math.abs(decoded - x)).toBeLessThanOrEqual(step);
    }
    const codes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const dir = mkdtempSync(join(tmpdir(), 'alaw-'));
    writeFileSync(join(dir, 'in.al'), codes);
    execFileSync('sox', ['-t', 'raw', '-r', '8000', '-e', 'a-law', '-c', '1', join(dir, 'in.al'), '-t', 'raw', '-e', 'signed', '-b', '16', join(dir, 'out.raw')]);
    const sox = readFileSync(join(dir, 'out.raw'));
    expect(Array.from(codes, (c) => alawToLinear(c))).toEqual(Array.from({ length: 256 }, (_, i) => sox.readInt16LE(i * 2)));
  });

  it('writes one RTP packet (payload type 8, 160 bytes) per 20 ms, sequence and timestamp running on', () => {
    const pcap = audioPcap(new Int16Array(8000), { firstSequence: 100, ssrc: 7 });
    expect(pcap.readUInt32LE(0)).toBe(0xa1b2c3d4);
    const packets: Array<{ ms: number; pt: number; seq: number; ts: number; payload: number }> = [];
    for (let at = 24; at < pcap.length; ) {
      const length = pcap.readUInt32LE(at + 8);
      const ms = (pcap.readUInt32LE(at) - 1_700_000_000) * 1000 + pcap.readUInt32LE(at + 4) / 1000;
      const rtp = pcap.subarray(at + 16 + 42, at + 16 + length);
      packets.push({ ms, pt: rtp[1]! & 0x7f, seq: rtp.readUInt16BE(2), ts: rtp.readUInt32BE(4), payload: rtp.length - 12 });
      at += 16 + length;
    }
    expect(packets).toHaveLength(50);
    expect(packets[0]).toEqual({ ms: 0, pt: 8, seq: 100, ts: 0, payload: 160 });
    expect(packets[49]).toEqual({ ms: 980, pt: 8, seq: 149, ts: 49 * 160, payload: 160 });
  });
});
