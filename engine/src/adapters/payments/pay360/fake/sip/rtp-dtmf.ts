/**
 * Keys from RTP: RFC 4733 telephone-events decoded from the packets themselves (no media server in
 * between). One key per event: a new event starts when the RTP timestamp (or event, or SSRC) changes,
 * or when a sender replays the same event after its end packets (sipp's stock one-key pcaps do).
 */
const KEYS = '0123456789*#ABCD';

export class DtmfReceiver {
  private last: string | undefined;
  private ended = false;

  constructor(
    private readonly payloadType: () => number,
    private readonly onKey: (key: string) => void,
  ) {}

  /** One RTP packet as received. */
  packet(data: Buffer): void {
    if (data.length < 12 || data[0]! >> 6 !== 2) return;
    if ((data[1]! & 0x7f) !== this.payloadType()) return;
    const csrcs = data[0]! & 0x0f;
    let offset = 12 + csrcs * 4;
    if (data[0]! & 0x10) offset += 4 + data.readUInt16BE(offset + 2) * 4; // header extension
    if (data.length < offset + 4) return;
    const event = data[offset]!;
    const end = (data[offset + 1]! & 0x80) !== 0;
    if (event >= KEYS.length) return;
    const id = `${data.readUInt32BE(8)}:${data.readUInt32BE(4)}:${event}`;
    if (id !== this.last || (this.ended && !end)) {
      this.last = id;
      this.ended = end;
      this.onKey(KEYS[event]!);
      return;
    }
    this.ended ||= end;
  }
}
