import { describe, expect, it } from 'vitest';
import { MediaUrls } from './media-urls.js';

const prompt = { id: 'welcome', name: 'Welcome', text: { 'cy-GB': 'Croeso' }, audioLanguages: ['cy-GB'], updatedAt: new Date('2026-11-30T10:00:00Z') };

describe('media URLs a media server fetches without signing in', () => {
  const urls = new MediaUrls(() => 'http://10.0.0.5:8080');
  const pathOf = (url: string) => url.slice('http://10.0.0.5:8080'.length);

  it('point at this engine, carry the recording version, and verify', () => {
    const url = urls.recording(prompt, 'cy-GB');
    expect(url).toMatch(/^http:\/\/10\.0\.0\.5:8080\/media\/prompts\/welcome\/cy-GB\.wav\?v=\d+&sig=[\w-]+$/);
    expect(urls.verify(pathOf(url))).toBe(true);
    expect(urls.verify(pathOf(urls.speech('Croeso i’r cyngor', 'cy-GB')))).toBe(true);
  });

  it('refuse a changed path or text, a missing signature, and another engine’s signature', () => {
    const url = pathOf(urls.speech('Croeso', 'cy-GB'));
    expect(urls.verify(url.replace('Croeso', 'Hwyl'))).toBe(false);
    expect(urls.verify(url.replace('/tts/cy-GB', '/tts/en-GB'))).toBe(false);
    expect(urls.verify(url.replace(/&?sig=[^&]*/, ''))).toBe(false);
    expect(urls.verify(pathOf(new MediaUrls(() => 'http://10.0.0.5:8080').speech('Croeso', 'cy-GB')))).toBe(false);
  });

  it('a new recording is a new URL, so the media server’s cache fetches it again', () => {
    expect(urls.recording({ ...prompt, updatedAt: new Date('2026-12-01T10:00:00Z') }, 'cy-GB')).not.toBe(urls.recording(prompt, 'cy-GB'));
  });
});
