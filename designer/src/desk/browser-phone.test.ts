import { describe, expect, it } from 'vitest';
import { answerOptions } from './browser-phone.js';

describe('the browser phone answers', () => {
  it('offers audio when the engine rings it with a late offer (JsSIP otherwise drops the microphone for an INVITE without SDP)', () => {
    const options = answerOptions(['stun:stun.council.example:3478']);
    expect(options.mediaConstraints).toEqual({ audio: true, video: false });
    // JsSIP's answer(): no audio line in the INVITE and no offerToReceiveAudio → mediaConstraints.audio = false.
    expect(options.rtcOfferConstraints.offerToReceiveAudio).toBe(true);
    expect(options.pcConfig).toEqual({ iceServers: [{ urls: 'stun:stun.council.example:3478' }] });
  });
});
