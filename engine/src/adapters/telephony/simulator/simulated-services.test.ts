import { describe, expect, it } from 'vitest';
import { SimulatedClock } from './simulated-clock.js';
import { SimulatedHttpClient } from './simulated-http-client.js';
import { SimulatedQueue } from './simulated-queue.js';
import { TextRecognizer } from './text-recognizer.js';
import { worldSchema } from './world.js';

const signal = new AbortController().signal;
const join = { callId: 'c', skills: [], vars: {}, signal };

describe('simulated services', () => {
  it('queue callers by priority then arrival, and offer an agent when the world says', async () => {
    const clock = new SimulatedClock(0);
    const queue = new SimulatedQueue(worldSchema.parse({ queues: { care: { answerAfterSeconds: 30 }, closed: 'closed' } }), clock);
    expect(await queue.join({ ...join, queueId: 'closed', priority: 0 })).toEqual({ kind: 'closed' });
    const first = await queue.join({ ...join, queueId: 'care', priority: 0 });
    const second = await queue.join({ ...join, queueId: 'care', priority: 0 });
    const urgent = await queue.join({ ...join, queueId: 'care', priority: 10 });
    if (first.kind !== 'joined' || second.kind !== 'joined' || urgent.kind !== 'joined') throw new Error('expected to join');
    expect([await urgent.ticket.position(), await first.ticket.position(), await second.ticket.position()]).toEqual([1, 2, 3]);
    await first.ticket.leave('abandoned');
    expect(await second.ticket.position()).toBe(2);
    expect(await second.ticket.nextOffer(signal)).toEqual({ agentId: 'simulated-agent-care', destination: { kind: 'agent', agentId: 'simulated-agent-care' } });
    expect(clock.now()).toBe(30_000);
  });

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
