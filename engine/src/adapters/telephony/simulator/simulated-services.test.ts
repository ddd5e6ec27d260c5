import { describe, expect, it } from 'vitest';
import { SimulatedClock } from './simulated-clock.js';
import { SimulatedHttpClient } from './simulated-http-client.js';
import { TextRecognizer } from './text-recognizer.js';
import { worldSchema } from './world.js';

const signal = new AbortController().signal;

describe('simulated services', () => {
  it('answer web requests as the world says; unlisted URLs are unreachable', async () => {
    const clock = new SimulatedClock(0);
    const http = new SimulatedHttpClient(worldSchema.parse({ http: { 'https://api.example.gov.uk/a': { status: 200, body: { balance: 1250 } }, 'https://slow.example.gov.uk/': 'timeout' } }), clock);
    const request = { method: 'GET' as const, headers: {}, timeoutMs: 3000, signal };
    expect(await http.request({ ...request, url: 'https://api.example.gov.uk/a' })).toEqual({ kind: 'response', status: 200, headers: { 'content-type': 'application/json' }, body: '{"balance":1250}' });
    expect(await http.request({ ...request, url: 'https://slow.example.gov.uk/' })).toEqual({ kind: 'timeout' });
    expect(await http.request({ ...request, url: 'https://elsewhere.example.com/' })).toMatchObject({ kind: 'unreachable' });
    expect(http.requests.map((r) => r.url)).toHaveLength(3);
  });

  it('recognise typed words as the transcript', async () => {
    const speech = new TextRecognizer();
    expect(await speech.recognize({ kind: 'text', text: ' I have fallen ' }, { language: 'en-GB', phrases: [], signal })).toEqual({ kind: 'transcript', transcript: 'I have fallen', confidence: 0.95 });
    expect(await speech.recognize({ kind: 'text', text: '  ' }, { language: 'en-GB', phrases: [], signal })).toEqual({ kind: 'nothing' });
  });
});
