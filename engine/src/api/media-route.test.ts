import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { MediaUrls } from '../calls/media-urls.js';
import { mediaRouter } from './media-route.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const RIFF = new Uint8Array([82, 73, 70, 70, 1, 2, 3, 4]);

describe.each(testDatabases())('media for media servers ($name)', (backend) => {
  const store = withTestStore(backend);
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  async function serve() {
    const spoken: Array<[string, string]> = [];
    const tts = { render: async (text: string, language: string) => (spoken.push([text, language]), Buffer.from(RIFF)) };
    let base = '';
    const urls = new MediaUrls(() => base);
    const app = express();
    app.use(mediaRouter({ urls, store: store(), tts, logger: quiet }));
    const server = createServer(app);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
    return { urls, spoken, base };
  }

  it('serves a recording and Welsh speech by signed URL, and nothing without a valid signature', async () => {
    const s = store();
    await s.prompts.create({ id: 'greeting', name: 'Greeting', text: { 'cy-GB': 'Helo' } }, 'alice');
    await s.prompts.putAudio('greeting', 'cy-GB', { contentType: 'audio/wav', bytes: RIFF }, 'alice');
    const prompt = (await s.prompts.get('greeting'))!;
    const { urls, spoken, base } = await serve();

    const recording = await fetch(urls.recording(prompt, 'cy-GB'));
    expect(recording.status).toBe(200);
    expect(new Uint8Array(await recording.arrayBuffer())).toEqual(RIFF);

    const speech = await fetch(urls.speech('Hwyl fawr', 'cy-GB'));
    expect(speech.status).toBe(200);
    expect(spoken).toEqual([['Hwyl fawr', 'cy-GB']]);

    expect((await fetch(`${base}/media/prompts/greeting/cy-GB.wav`)).status).toBe(403);
    expect((await fetch(urls.speech('Hwyl fawr', 'cy-GB').replace('Hwyl', 'Helo'))).status).toBe(403);
    expect((await fetch(urls.speech('Hwyl fawr', 'cy-GB'), { method: 'POST' })).status).toBe(405);
    expect(spoken).toHaveLength(1);
  });
});
