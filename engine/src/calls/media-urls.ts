/**
 * URLs a media server (FreeSWITCH's http_cache) fetches audio from without signing in: recorded
 * prompts, and text spoken in a language the media server's own TTS cannot speak (Welsh). Each URL
 * carries an HMAC of its path and query under this engine's key, so nobody can enumerate prompts or
 * use the engine as a free TTS service; the engine that made a URL is the one that serves it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Prompt } from '../ports/store.js';
import type { RecordingLocator } from './prompt-library.js';

export const MEDIA_PATH = '/media';

export class MediaUrls {
  constructor(
    /** Where the media server reaches this engine's HTTP server, e.g. http://10.0.0.5:8080 (asked each time: known once the engine listens). */
    private readonly baseUrl: () => string,
    private readonly key: Buffer = randomBytes(32),
  ) {}

  /** A recorded prompt; its update time is in the URL, so a new recording is a new URL (and a new cache entry). */
  readonly recording: RecordingLocator = (prompt: Prompt, language: string) =>
    this.sign(`${MEDIA_PATH}/prompts/${encodeURIComponent(prompt.id)}/${encodeURIComponent(language)}.wav`, { v: String(prompt.updatedAt.getTime()) });

  /** Text spoken by the engine's own TTS (espeak-ng), for languages the media server cannot speak. */
  speech(text: string, language: string): string {
    return this.sign(`${MEDIA_PATH}/tts/${encodeURIComponent(language)}.wav`, { text });
  }

  /** True when `pathAndQuery` (as received, e.g. req.originalUrl) carries a valid signature. */
  verify(pathAndQuery: string): boolean {
    const url = new URL(pathAndQuery, 'http://engine');
    const signature = url.searchParams.get('sig');
    if (!signature) return false;
    url.searchParams.delete('sig');
    const expected = this.mac(`${url.pathname}?${url.searchParams.toString()}`);
    const given = Buffer.from(signature, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(path: string, query: Record<string, string>): string {
    const params = new URLSearchParams(query);
    params.set('sig', this.mac(`${path}?${params.toString()}`).toString('base64url'));
    return `${this.baseUrl()}${path}?${params.toString()}`;
  }

  private mac(pathAndQuery: string): Buffer {
    return createHmac('sha256', this.key).update(pathAndQuery).digest();
  }
}
