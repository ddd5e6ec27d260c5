import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PocketSphinxRecognizer } from '../adapters/speech/offline/pocketsphinx-recognizer.js';
import WebSocket from 'ws';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import type { TestCallServerMessage } from './test-call-socket.js';
import { argon2Passwords, testPasswordOptions } from '../auth/passwords.js';
import { sampleFlow, startTestApi, wav, type RunningApi } from './testing/api-harness.js';

const passwords = argon2Passwords(testPasswordOptions);

/** Welcome, then a menu: 1 for bins, 2 for roads. */
const menuFlow = {
  schemaVersion: 1,
  id: 'menu-line',
  name: 'Menu line',
  entry: 'welcome',
  nodes: [
    { id: 'welcome', kind: 'play', version: 1, params: { prompt: { text: { 'en-GB': 'Welcome to the council.' } } } },
    {
      id: 'menu',
      kind: 'menu',
      version: 1,
      params: {
        prompt: { text: { 'en-GB': 'For bins, press 1. For roads, press 2.' } },
        options: [
          { digit: '1', label: 'Bins' },
          { digit: '2', label: 'Roads' },
        ],
      },
    },
    { id: 'bins', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Bins are collected on Tuesdays.' } }, reason: 'bins' } },
    { id: 'roads', kind: 'hangup', version: 1, params: { reason: 'roads' } },
    { id: 'bye', kind: 'hangup', version: 1, params: {} },
  ],
  edges: [
    { id: 'e1', from: 'welcome', outcome: 'done', to: 'menu' },
    { id: 'e2', from: 'menu', outcome: '1', to: 'bins' },
    { id: 'e3', from: 'menu', outcome: '2', to: 'roads' },
    { id: 'e4', from: 'menu', outcome: 'noInput', to: 'bye' },
    { id: 'e5', from: 'menu', outcome: 'noMatch', to: 'bye' },
  ],
};

/** A websocket client that queues what the server sends, so a test can wait for the next message of a type. */
class Client {
  readonly received: TestCallServerMessage[] = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as TestCallServerMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', () => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static open(api: RunningApi, headers: Record<string, string>): Promise<Client> {
    const socket = new WebSocket(`${api.base.replace('http', 'ws')}/api/test-calls`, { headers: { origin: api.base, ...headers } });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new Client(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message of this type not yet taken (waits for it). */
  async next<T extends TestCallServerMessage['type']>(type: T, where: (m: Extract<TestCallServerMessage, { type: T }>) => boolean = () => true) {
    for (;;) {
      const index = this.received.findIndex((m) => m.type === type && where(m as Extract<TestCallServerMessage, { type: T }>));
      if (index >= 0) return this.received.splice(index, 1)[0] as Extract<TestCallServerMessage, { type: T }>;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed before a ${type} message; got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

describe.each(testDatabases())('test calls over the websocket ($name)', (backend) => {
  let api: RunningApi;
  const store = withTestStore(backend);
  beforeAll(async () => {
    api = await startTestApi(store());
  });
  afterAll(() => api?.close());

  it('lets only signed-in designers and above connect, from the engine\'s own origin', async () => {
    await expect(Client.open(api, {})).rejects.toThrow('HTTP 401');
    await expect(Client.open(api, { cookie: api.users.viewer.cookie })).rejects.toThrow('HTTP 403');
    await expect(Client.open(api, { cookie: api.users.designer.cookie, origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const withToken = await Client.open(api, { authorization: `Bearer ${api.users.publisher.token}` });
    await withToken.close();
  });

  it('runs a draft: streams events and prompts, takes key presses, ends, and stores the call as a test call', async () => {
    const client = await Client.open(api, { cookie: api.users.designer.cookie });
    client.send({ type: 'start', flow: menuFlow });
    const { callId } = await client.next('started');
    const welcome = await client.next('prompt', (p) => p.text.includes('Welcome'));
    expect(welcome).toMatchObject({ language: 'en-GB', audioUrl: `/api/tts?text=Welcome+to+the+council.&language=en-GB` });
    await client.next('event', (m) => m.event.type === 'node.entered' && m.event.nodeId === 'menu');
    await client.next('prompt', (p) => p.text.includes('press 1'));
    client.send({ type: 'press', digits: '1' });
    await client.next('event', (m) => m.event.type === 'node.entered' && m.event.nodeId === 'bins');
    await client.next('prompt', (p) => p.text.includes('Tuesdays'));
    const ended = await client.next('ended');
    expect(ended).toEqual({ type: 'ended', outcome: 'bins', endedAt: 'bins' });
    await client.close();

    // The record and its events are stored (written in order, finished before the socket session ends).
    await expect.poll(async () => (await api.call('GET', `/api/calls/${callId}`, { as: 'viewer' })).json?.outcome).toBe('bins');
    const record = (await api.call('GET', `/api/calls/${callId}`, { as: 'viewer' })).json;
    expect(record).toMatchObject({ kind: 'test', flowId: 'menu-line', endedAtNode: 'bins' });
    const events = (await api.call('GET', `/api/calls/${callId}/events`, { as: 'viewer' })).json;
    expect(events.filter((e: { type: string }) => e.type === 'node.entered').map((e: { nodeId: string }) => e.nodeId)).toEqual(['welcome', 'menu', 'bins']);
    const list = await api.call('GET', '/api/calls?kind=test', { as: 'viewer' });
    expect(list.json.items.map((c: { id: string }) => c.id)).toContain(callId);
  });

  it('runs the published version of a flow by id, and hangs up when asked', async () => {
    await api.call('POST', '/api/flows', { as: 'designer', body: menuFlow });
    await api.call('POST', '/api/flows/menu-line/publish', { as: 'publisher', body: { revision: 1 } });
    const client = await Client.open(api, { cookie: api.users.designer.cookie });
    client.send({ type: 'start', flowId: 'menu-line', from: '+447700900555' });
    const { callId } = await client.next('started');
    await client.next('prompt', (p) => p.text.includes('press 1'));
    client.send({ type: 'hangup' });
    expect((await client.next('ended')).outcome).toBe('callerHungUp');
    await client.close();
    await expect.poll(async () => (await api.call('GET', `/api/calls/${callId}`, { as: 'viewer' })).json?.flowVersion).toBe(1);
  });

  it('points prompts with a recording at the recording, and others at text to speech', async () => {
    await api.call('POST', '/api/prompts', { as: 'designer', body: { id: 'greeting', name: 'Greeting', text: { 'en-GB': 'Hello from the recording.' } } });
    await api.call('PUT', '/api/prompts/greeting/audio/en-GB', { as: 'designer', raw: wav(), contentType: 'audio/wav' });
    const flow = sampleFlow('recorded-line');
    Object.assign(flow.nodes[0]!.params.prompt, { promptId: 'greeting', text: { 'en-GB': 'Hello from the text.' } });
    const client = await Client.open(api, { cookie: api.users.designer.cookie });
    client.send({ type: 'start', flow });
    await client.next('started');
    expect(await client.next('prompt', (p) => p.text.startsWith('Hello'))).toEqual({
      type: 'prompt',
      text: 'Hello from the recording.',
      language: 'en-GB',
      audioUrl: '/api/prompts/greeting/audio/en-GB',
    });
    expect((await client.next('prompt')).audioUrl).toBe('/api/tts?text=Goodbye.&language=en-GB');
    await client.next('ended');
    await client.close();
  });

  it('puts a queued caller through to a simulated agent, and the call record shows the queue and the agent', async () => {
    await api.store.queues.create({ id: 'journey', name: 'Journey team', settings: { wrapUpSeconds: 0 } }, 'alice');
    const queued = {
      schemaVersion: 1,
      id: 'queued-line',
      name: 'Queued line',
      entry: 'team',
      nodes: [
        { id: 'team', kind: 'queue', version: 2, params: { queueId: 'journey' } },
        { id: 'bye', kind: 'hangup', version: 1, params: {} },
      ],
      edges: ['timeout', 'full', 'closed', 'noAgents'].map((outcome, i) => ({ id: `e${i}`, from: 'team', outcome, to: 'bye' })),
    };
    const client = await Client.open(api, { cookie: api.users.designer.cookie });
    try {
      // The world the designer chose: one adviser, free at once, who answers after a second's ringing and talks for a second.
      client.send({ type: 'start', flow: queued, world: { queues: { journey: { agents: [{ id: 'sam', name: 'Sam', ringSeconds: 1, talkSeconds: 1 }] } } } });
      const { callId } = await client.next('started');
      expect((await client.next('prompt')).text).toBe('You are number 1 in the queue.');
      expect((await client.next('prompt')).text).toMatch(/^\(connected to agent:sam--\w+\)$/);
      expect(await client.next('ended')).toMatchObject({ outcome: 'answered', endedAt: 'team' });
      const record = await vi.waitFor(
        async () => {
          const reply = await api.call('GET', `/api/calls/${callId}`, { as: 'viewer' });
          expect(reply.json).toMatchObject({ kind: 'test', queueId: 'journey', queueOutcome: 'answered', outcome: 'answered' });
          return reply.json as { agentId: string; waitSeconds: number; talkSeconds: number };
        },
        { timeout: 10_000, interval: 100 },
      );
      expect(record.agentId).toMatch(/^sam--\w+$/);
      expect(record.talkSeconds).toBeGreaterThanOrEqual(1);
      expect(record.waitSeconds).toBeGreaterThanOrEqual(0);
      // The test call's adviser was simulated: never a real agent, and gone with the call.
      expect((await api.store.agents.list()).map((a) => a.id)).not.toContain(record.agentId);
    } finally {
      await client.close();
    }
  });

  it('answers bad messages with an error naming the problem, and keeps going', async () => {
    const client = await Client.open(api, { cookie: api.users.designer.cookie });
    client.send('not json');
    expect((await client.next('error')).message).toBe('The message is not valid JSON');
    client.send({ type: 'press', digits: 'abc' });
    expect(await client.next('error')).toMatchObject({ errors: [{ path: 'message.digits', message: 'must be keypad digits 0-9 * #' }] });
    client.send({ type: 'dance' });
    expect((await client.next('error')).errors?.[0]?.path).toBe('message.type');
    client.send({ type: 'press', digits: '1' });
    expect((await client.next('error')).message).toContain('No test call is in progress');
    client.send({ type: 'start' });
    expect((await client.next('error')).errors?.[0]?.path).toBe('message.flowId');
    client.send({ type: 'start', flowId: 'never-published' });
    expect((await client.next('error')).message).toContain('no published version');
    const broken = sampleFlow('broken');
    broken.edges[0]!.to = 'nowhere';
    client.send({ type: 'start', flow: broken });
    const refused = await client.next('error');
    expect(refused.message).toContain('errors');
    expect(refused.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', edgeId: 'e1' }));

    // Still usable: a good call runs, and closing the socket mid-call hangs it up.
    client.send({ type: 'start', flow: menuFlow });
    const { callId } = await client.next('started');
    client.send({ type: 'start', flow: menuFlow });
    expect((await client.next('error')).message).toContain('already in progress');
    await client.next('prompt', (p) => p.text.includes('press 1'));
    await client.close();
    await expect.poll(async () => (await api.call('GET', `/api/calls/${callId}`, { as: 'viewer' })).json?.outcome).toBe('callerHungUp');
  });

  // Issue 9: a page on another local port could open the socket as the signed-in designer.
  it('refuses an upgrade from a page on another port of the same machine', async () => {
    const otherPort = `http://127.0.0.1:${Number(new URL(api.base).port) + 1}`;
    await expect(Client.open(api, { cookie: api.users.designer.cookie, origin: otherPort })).rejects.toThrow('HTTP 403');
    await expect(Client.open(api, { cookie: api.users.designer.cookie, origin: 'http://localhost:5173' })).rejects.toThrow('HTTP 403');
  });

  // Issue 9: an open test-call socket kept working after its user was deleted or disabled.
  it('ends the socket and its call once its user is disabled', async () => {
    const created = await store().users.create({ username: 'temp-designer', passwordHash: await passwords.hash('kettle violin marsh lantern'), role: 'designer' }, 'test');
    if (created.kind !== 'created') throw new Error('expected created');
    const login = await api.login('temp-designer', 'kettle violin marsh lantern');
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const client = await Client.open(api, { cookie });
    client.send({ type: 'start', flow: menuFlow });
    await client.next('prompt', (p) => p.text.includes('press 1'));
    expect((await api.call('PUT', `/api/users/${created.user.id}`, { as: 'admin', body: { disabled: true } })).status).toBe(200);
    client.send({ type: 'press', digits: '1' });
    expect((await client.next('error')).message).toMatch(/sign-in has ended/);
    await expect.poll(() => client.socket.readyState).toBe(WebSocket.CLOSED);
    expect(client.received.some((m) => m.type === 'event' && m.event.nodeId === 'bins')).toBe(false);
  });

  // Issue 9: a subflow whose flow has no `languages` failed in test calls (they used the raw graph).
  it('runs a published subflow whose file leaves out languages, as phone calls do', async () => {
    const child = { schemaVersion: 1, id: 'no-languages', name: 'No languages', entry: 'say', nodes: [
      { id: 'say', kind: 'play', version: 1, params: { prompt: { text: { 'en-GB': 'Inside the subflow.' } } } },
      { id: 'done', kind: 'hangup', version: 1, params: { reason: 'done' } },
    ], edges: [{ id: 'c1', from: 'say', outcome: 'done', to: 'done' }] };
    expect((await api.call('POST', '/api/flows', { as: 'designer', body: child })).status).toBe(201);
    expect((await api.call('POST', '/api/flows/no-languages/publish', { as: 'publisher', body: { revision: 1 } })).status).toBe(201);
    const parent = { schemaVersion: 1, id: 'runs-child', name: 'Runs child', entry: 'sub', nodes: [
      { id: 'sub', kind: 'subflow', version: 1, params: { flowId: 'no-languages', outcomes: ['done'] } },
      { id: 'bye', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'Back in the parent.' } }, reason: 'finished' } },
    ], edges: [{ id: 'p1', from: 'sub', outcome: 'done', to: 'bye' }] };
    const client = await Client.open(api, { cookie: api.users.designer.cookie });
    client.send({ type: 'start', flow: parent });
    await client.next('prompt', (p) => p.text === 'Inside the subflow.');
    await client.next('prompt', (p) => p.text === 'Back in the parent.');
    expect(await client.next('ended')).toEqual({ type: 'ended', outcome: 'finished', endedAt: 'bye' });
    await client.close();
  });
});

/** An open question: pay, or someone at risk. */
const speechFlow = {
  schemaVersion: 1,
  id: 'speech-line',
  name: 'Speech line',
  entry: 'ask',
  nodes: [
    {
      id: 'ask',
      kind: 'speech',
      version: 1,
      params: {
        prompt: { text: { 'en-GB': 'What are you calling about?' } },
        groups: [
          { outcome: 'safeguarding', phrases: ['fallen', 'hurt'], vulnerable: true },
          { outcome: 'payments', phrases: ['pay', 'council tax'] },
        ],
        noMatch: { retries: 0 },
      },
    },
    { id: 'pay', kind: 'hangup', version: 1, params: { reason: 'payments' } },
    { id: 'help', kind: 'hangup', version: 1, params: { reason: 'safeguarding' } },
    { id: 'bye', kind: 'hangup', version: 1, params: {} },
  ],
  edges: [
    { id: 'e1', from: 'ask', outcome: 'payments', to: 'pay' },
    { id: 'e2', from: 'ask', outcome: 'safeguarding', to: 'help' },
    { id: 'e3', from: 'ask', outcome: 'noInput', to: 'bye' },
    { id: 'e4', from: 'ask', outcome: 'noMatch', to: 'bye' },
  ],
};

const haveSpeechTools = ['/usr/bin/pocketsphinx_continuous', '/usr/bin/flite', '/usr/bin/sox'].every(existsSync);

describe.skipIf(!haveSpeechTools)('speaking into a test call (the microphone)', () => {
  const [backend] = testDatabases();
  const store = withTestStore(backend!);
  const otherStore = withTestStore(backend!);
  let api: RunningApi;
  let typedOnly: RunningApi;
  beforeAll(async () => {
    api = await startTestApi(store(), { phoneSpeech: { kind: 'offline', recognizer: new PocketSphinxRecognizer() } });
    typedOnly = await startTestApi(otherStore());
  });
  afterAll(async () => {
    await api?.close();
    await typedOnly?.close();
  });

  it("recognises the designer's voice with the phone recogniser, as phone audio, and routes by it", async () => {
    const pcm = execFileSync('sh', ['-c', 'flite -voice slt -t "I want to pay my council tax" -o /dev/stdout | sox -t wav - -t raw -r 16000 -e signed -b 16 -c 1 -']);
    const client = await Client.open(api, { cookie: api.users.designer.cookie });
    client.send({ type: 'start', flow: speechFlow });
    expect(await client.next('started')).toMatchObject({ recognizer: 'offline' });
    await client.next('prompt', (p) => p.text.includes('What are you calling about'));
    client.send({ type: 'speak', sampleRateHz: 16000, audio: pcm.toString('base64') });
    const heard = await client.next('event', (m) => m.event.type === 'input.speech');
    expect(String(heard.event.data.transcript)).toMatch(/pay/);
    expect(heard.event.data.confidence).toEqual(expect.any(Number));
    expect(await client.next('ended')).toMatchObject({ outcome: 'payments' });
    await client.close();
    const health = await api.call('GET', '/api/health');
    expect(health.json.speech).toEqual({ recognizer: 'offline' });
  });

  it('refuses audio that is not 16-bit PCM, and audio on an engine with no recogniser', async () => {
    const client = await Client.open(api, { cookie: api.users.designer.cookie });
    client.send({ type: 'start', flow: speechFlow });
    await client.next('started');
    client.send({ type: 'speak', sampleRateHz: 44100, audio: 'AAAA' });
    expect((await client.next('error')).errors?.[0]?.path).toBe('message.sampleRateHz');
    client.send({ type: 'speak', sampleRateHz: 8000, audio: 'AA==' });
    expect((await client.next('error')).errors?.[0]).toEqual({ path: 'message.audio', message: 'expected an even number of bytes of 16-bit PCM' });
    await client.close();

    const typed = await Client.open(typedOnly, { cookie: typedOnly.users.designer.cookie });
    typed.send({ type: 'start', flow: speechFlow });
    expect(await typed.next('started')).toMatchObject({ recognizer: 'none' });
    typed.send({ type: 'speak', sampleRateHz: 8000, audio: 'AAAA' });
    expect((await typed.next('error')).message).toContain('no speech recogniser for audio');
    await typed.close();
  });
});
