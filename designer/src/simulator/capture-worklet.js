// The microphone recorder's AudioWorklet (runs in the audio thread): hands each block of samples to the
// page. A file of its own, served from the engine's origin, because the Content-Security-Policy allows
// scripts from 'self' only (a blob: URL would be refused).
registerProcessor(
  'frontdoor-capture',
  class extends AudioWorkletProcessor {
    process(inputs) {
      const channel = inputs[0] && inputs[0][0];
      if (channel) this.port.postMessage(channel.slice(0));
      return true;
    }
  },
);
