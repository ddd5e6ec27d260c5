/**
 * The prompt library as calls hear it: every prompt's text per language, and where its recording is
 * for whoever plays it — the media server on a phone call, the designer's browser on a test call.
 * Held in memory and refreshed at most every `maxAgeMs`, so a phone call never waits on the
 * database for its prompts (lookups are synchronous).
 */
import type { PromptAudio, PromptLibrary } from '../ports/flow-source.js';
import type { Prompt, PromptRepository } from '../ports/store.js';

/** Where a recording can be fetched by whoever plays it. */
export type RecordingLocator = (prompt: Prompt, language: string) => string;

/** The designer's browser plays recordings from the API (signed-in session). */
export const browserRecording: RecordingLocator = (prompt, language) =>
  `/api/prompts/${encodeURIComponent(prompt.id)}/audio/${encodeURIComponent(language)}`;

export class StorePromptLibrary implements PromptLibrary {
  private entries = new Map<string, { prompt: Prompt; text: string }>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly prompts: Pick<PromptRepository, 'list'>,
    private readonly locate: RecordingLocator,
    private readonly now: () => number = Date.now,
  ) {}

  lookup(promptId: string, language: string): PromptAudio | undefined {
    const entry = this.entries.get(key(promptId, language));
    if (!entry) return undefined;
    // Located when asked, not when loaded: where the engine is reached can be known only once it listens.
    const audio = entry.prompt.audioLanguages.includes(language) ? this.locate(entry.prompt, language) : undefined;
    return { promptId, language, text: entry.text, ...(audio ? { audio } : {}) };
  }

  /**
   * Reloads from the store when the copy in memory is older than `maxAgeMs` (0: always). Concurrent
   * callers share one load; a failed load keeps the last good copy and is thrown to the caller.
   */
  async fresh(maxAgeMs: number): Promise<this> {
    if (this.now() - this.loadedAt <= maxAgeMs && maxAgeMs > 0) return this;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
    return this;
  }

  private async load(): Promise<void> {
    const entries = new Map<string, { prompt: Prompt; text: string }>();
    for (const prompt of await this.prompts.list()) {
      for (const [language, text] of Object.entries(prompt.text)) entries.set(key(prompt.id, language), { prompt, text });
    }
    this.entries = entries;
    this.loadedAt = this.now();
  }
}

const key = (promptId: string, language: string) => `${promptId}\u0000${language}`;
