import type {
  BridgeOptions,
  CallChannel,
  CollectDigitsOptions,
  Destination,
  HandOffOptions,
  ListenOptions,
  PlayOptions,
  HoldOptions,
  PromptSegment,
  RecordOptions,
} from '../../ports/index.js';

/**
 * The call as a subflow sees it: everything goes to the real call, except that hanging up only ends
 * the subflow (its reason becomes the subflow's outcome) and the caller stays with the parent flow.
 */
export class SubflowCall implements CallChannel {
  private ended = false;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(private readonly inner: CallChannel) {
    this.unsubscribe = inner.onHangup(() => {
      for (const listener of [...this.listeners]) listener();
    });
  }

  get callId(): string {
    return this.inner.callId;
  }
  get from(): string {
    return this.inner.from;
  }
  get to(): string {
    return this.inner.to;
  }
  get hungUp(): boolean {
    return this.ended || this.inner.hungUp;
  }

  /** Stop passing the caller's hang-up on (the subflow has finished). */
  release(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  answer = () => this.inner.answer();
  play = (prompt: PromptSegment[], options: PlayOptions) => this.inner.play(prompt, options);
  hold = (options: HoldOptions) => this.inner.hold(options);
  collectDigits = (options: CollectDigitsOptions) => this.inner.collectDigits(options);
  listen = (options: ListenOptions) => this.inner.listen(options);
  record = (options: RecordOptions) => this.inner.record(options);
  sendDigits = (digits: string, signal: AbortSignal) => this.inner.sendDigits(digits, signal);
  setRecordingPaused = (paused: boolean) => this.inner.setRecordingPaused(paused);
  transfer = (destination: Destination, options: BridgeOptions) => this.inner.transfer(destination, options);
  bridge = (destination: Destination, options: BridgeOptions) => this.inner.bridge(destination, options);
  handOff = (destination: Destination, options: HandOffOptions) => this.inner.handOff(destination, options);
  setAside: CallChannel['setAside'] = (work, signal) => this.inner.setAside(work, signal);

  async hangup(): Promise<void> {
    this.ended = true;
  }

  onHangup(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
