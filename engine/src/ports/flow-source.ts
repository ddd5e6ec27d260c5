/** Where the runtime finds other flows (for subflow nodes) and prompts. Types only: the core never imports storage. */
import type { Flow } from './flow.js';

export interface FlowSource {
  /** The published version of a flow, or undefined if it has none. */
  published(flowId: string): Promise<Flow | undefined>;
}

/** A recorded prompt in the library, per language. */
export interface PromptAudio {
  promptId: string;
  language: string;
  /** Text of the recording (what the caller hears). */
  text: string;
  /** Where the media server finds the audio. */
  audio?: string;
}

export interface PromptLibrary {
  lookup(promptId: string, language: string): PromptAudio | undefined;
}
