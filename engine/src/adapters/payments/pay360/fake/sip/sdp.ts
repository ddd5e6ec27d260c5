/**
 * The SDP the FAKE payment line needs: where the caller sends audio, which payload type carries
 * telephone-events (RFC 4733), and an answer of PCMU (or PCMA) plus telephone-event.
 */
export interface SdpOffer {
  address: string;
  port: number;
  /** Audio payload types offered, in order. */
  payloadTypes: number[];
  /** The telephone-event payload type offered, if any. */
  dtmfPayloadType?: number;
}

export function parseSdp(sdp: string): SdpOffer | undefined {
  const address = /^c=IN IP[46] (\S+)/m.exec(sdp)?.[1];
  const media = /^m=audio (\d+) RTP\/S?AVP ([\d ]+)/m.exec(sdp);
  if (!address || !media) return undefined;
  const dtmf = /^a=rtpmap:(\d+) telephone-event\/8000/im.exec(sdp)?.[1];
  return {
    address,
    port: Number(media[1]),
    payloadTypes: media[2]!.trim().split(/\s+/).map(Number),
    ...(dtmf ? { dtmfPayloadType: Number(dtmf) } : {}),
  };
}

/** Our answer: the offer's G.711 codec (PCMU first) and its telephone-event type, at our RTP address. */
export function answerSdp(offer: SdpOffer, local: { address: string; port: number; sessionId: number; version: number }): string {
  const codec = offer.payloadTypes.includes(0) ? 0 : offer.payloadTypes.includes(8) ? 8 : 0;
  const dtmf = offer.dtmfPayloadType ?? 101;
  return [
    'v=0',
    `o=fake-pay360 ${local.sessionId} ${local.version} IN IP4 ${local.address}`,
    's=fake Pay360 payment line',
    `c=IN IP4 ${local.address}`,
    't=0 0',
    `m=audio ${local.port} RTP/AVP ${codec} ${dtmf}`,
    `a=rtpmap:${codec} ${codec === 0 ? 'PCMU' : 'PCMA'}/8000`,
    `a=rtpmap:${dtmf} telephone-event/8000`,
    `a=fmtp:${dtmf} 0-16`,
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}
