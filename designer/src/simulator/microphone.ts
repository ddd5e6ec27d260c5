/**
 * Recording the designer's voice for a test call: the microphone's samples, taken by an AudioWorklet
 * at 16 kHz and sent as 16-bit PCM. The engine then passes them through a phone line (8 kHz, G.711)
 * and recognises them with the recogniser real calls use — not the browser's own speech recognition,
 * which would flatter the flow the way typed words do.
 *
 * Why not MediaRecorder: it gives compressed WebM/Opus, which the engine would need ffmpeg to decode;
 * the samples are what a recogniser wants anyway.
 */
export const MIC_SAMPLE_RATE = 16_000;
/** The longest recording sent (the test-call socket takes about 20 seconds at 16 kHz). */
export const MIC_MAX_SECONDS = 15;

/** The worklet module, emitted by Vite as a file of the designer's own (the CSP allows scripts from 'self' only). */
const WORKLET_URL = new URL('./capture-worklet.js', import.meta.url);

export interface Recording {
  /** 16-bit little-endian mono PCM, base64. */
  audio: string;
  sampleRateHz: number;
  seconds: number;
}

export class MicRecorder {
  private chunks: Float32Array[] = [];
  private samples = 0;
  private stopped: Promise<Recording> | undefined;

  private constructor(
    private readonly context: AudioContext,
    private readonly stream: MediaStream,
    private readonly node: AudioWorkletNode,
  ) {
    node.port.onmessage = (e: MessageEvent<Float32Array>) => {
      if (this.samples >= MIC_MAX_SECONDS * MIC_SAMPLE_RATE) return;
      this.chunks.push(e.data);
      this.samples += e.data.length;
    };
  }

  /** Asks for the microphone (the browser shows its permission prompt) and starts recording. */
  static async start(): Promise<MicRecorder> {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser cannot record from a microphone (it needs https or localhost)');
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false } });
    const context = new AudioContext({ sampleRate: MIC_SAMPLE_RATE });
    await context.audioWorklet.addModule(WORKLET_URL);
    const node = new AudioWorkletNode(context, 'frontdoor-capture');
    context.createMediaStreamSource(stream).connect(node);
    return new MicRecorder(context, stream, node);
  }

  /** Stops recording and releases the microphone (again: the same recording). */
  stop(): Promise<Recording> {
    this.stopped ??= (async () => {
      this.node.port.onmessage = null;
      for (const track of this.stream.getTracks()) track.stop();
      await this.context.close();
      return { audio: toBase64Pcm(this.chunks), sampleRateHz: MIC_SAMPLE_RATE, seconds: this.samples / MIC_SAMPLE_RATE };
    })();
    return this.stopped;
  }
}

/** Float samples (-1…1) as 16-bit little-endian PCM, base64. */
export function toBase64Pcm(chunks: readonly Float32Array[]): string {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total * 2);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const chunk of chunks) {
    for (const sample of chunk) {
      const clipped = Math.max(-1, Math.min(1, sample));
      view.setInt16(offset, Math.round(clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff), true);
      offset += 2;
    }
  }
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
