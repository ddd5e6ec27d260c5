import { describe, expect, it, vi } from 'vitest';
import { SystemClock } from '../adapters/clock/system-clock.js';
import { TEST_ENGINE_INSTANCE_ID, testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { SimulatedCall } from '../adapters/telephony/simulator/simulated-call.js';
import { simulatedStandIns } from '../adapters/telephony/simulator/simulated-ports.js';
import { simulatedCallPorts } from '../testing/simulated-call-ports.js';
import { createEngineCalls } from './engine-calls.js';
import { defaultWorld } from '../adapters/telephony/simulator/world.js';
import { phoneCallHandler } from './phone-calls.js';
import { EngineAcd } from '../queue/engine-acd.js';
import { PublishedFlows } from './published-flows.js';
import type { JsonObject } from '../ports/store.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DID = '+441234500009';

function versionedFlow(goodbye: string): JsonObject & { id: string; name: string } {
  return {
    schemaVersion: 1,
    id: 'versioned',
    name: 'Versioned line',
    entry: 'ask',
    nodes: [
      { id: 'ask', kind: 'menu', version: 1, params: { prompt: { text: { 'en-GB': 'Press 1.' } }, options: [{ digit: '1', label: 'One' }], timeoutMs: 30_000 } },
      { id: 'bye', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': goodbye } } } },
    ],
    edges: [
      { id: 'e1', from: 'ask', outcome: '1', to: 'bye' },
      { id: 'e2', from: 'ask', outcome: 'noInput', to: 'bye' },
      { id: 'e3', from: 'ask', outcome: 'noMatch', to: 'bye' },
    ],
  };
}

describe.each(testDatabases())('phone calls ($name)', (backend) => {
  const store = withTestStore(backend);

  it('run the published version the call started on, and record the call and its events', async () => {
    const s = store();
    await s.flows.create({ draft: versionedFlow('Goodbye from version one.') }, 'alice');
    await s.flows.publish('versioned', 1, 'alice', 'v1');
    await s.numbers.create({ did: DID, flowId: 'versioned', label: 'test line' }, 'alice');
    const clock = new SystemClock();
    const handle = phoneCallHandler({
      store: s,
      flows: new PublishedFlows(s, quiet),
      ports: simulatedCallPorts({ world: defaultWorld(), clock }),
      engineInstanceId: TEST_ENGINE_INSTANCE_ID,
      logger: quiet,
    });

    const first = new SimulatedCall({ callId: 'phone-1', from: '+447700900123', to: DID, clock, input: 'live' });
    const firstDone = handle(first, { did: DID, from: '+447700900123' });
    await vi.waitFor(() => expect(first.heard.map((h) => h.text)).toContain('Press 1.'));
    // Publishing mid-call changes what the next call gets, not this one.
    await s.flows.saveDraft('versioned', versionedFlow('Goodbye from version two.'), 1, 'alice');
    await s.flows.publish('versioned', 2, 'alice', 'v2');
    first.press('1');
    await firstDone;
    expect(first.heard.map((h) => h.text)).toEqual(['Press 1.', 'Goodbye from version one.']);

    const second = new SimulatedCall({ callId: 'phone-2', from: '+447700900124', to: DID, clock, input: 'live' });
    const secondDone = handle(second, { did: DID, from: '+447700900124' });
    second.press('1');
    await secondDone;
    expect(second.heard.map((h) => h.text)).toContain('Goodbye from version two.');

    expect(await s.calls.get('phone-1')).toMatchObject({ kind: 'phone', flowId: 'versioned', flowVersion: 1, outcome: 'completed', endedAtNode: 'bye', to: DID });
    expect(await s.calls.get('phone-2')).toMatchObject({ flowVersion: 2, outcome: 'completed' });
    const events = await s.calls.events('phone-1');
    expect(events.filter((e) => e.type === 'node.entered').map((e) => e.nodeId)).toEqual(['ask', 'bye']);
    expect(events.at(-1)?.type).toBe('call.ended');
  });

  it('refuse a number with no published flow, leaving no record', async () => {
    const s = store();
    const clock = new SystemClock();
    const handle = phoneCallHandler({ store: s, flows: new PublishedFlows(s, quiet), ports: simulatedCallPorts({ world: defaultWorld(), clock }), engineInstanceId: TEST_ENGINE_INSTANCE_ID, logger: quiet });
    const call = new SimulatedCall({ callId: 'phone-unknown', from: '+447700900125', to: '+449999000000', clock, input: 'live' });
    await handle(call, { did: '+449999000000', from: '+447700900125' });
    expect(call.hungUp).toBe(true);
    expect(call.hangupReason).toBe('no-route');
    expect(await s.calls.get('phone-unknown')).toBeUndefined();
  });
});

describe.each(testDatabases())('phone calls hear the prompt library ($name)', (backend) => {
  const store = withTestStore(backend);

  it('play a recorded prompt from where the media server fetches it, and Welsh text as recorded Welsh', async () => {
    const s = store();
    await s.prompts.create({ id: 'greeting', name: 'Greeting', text: { 'en-GB': 'Hello from the council.', 'cy-GB': 'Helo gan y cyngor.' } }, 'alice');
    await s.prompts.putAudio('greeting', 'cy-GB', { contentType: 'audio/wav', bytes: new Uint8Array([82, 73, 70, 70]) }, 'alice');
    const line = versionedFlow('Goodbye.');
    line.languages = ['cy-GB', 'en-GB'];
    (line.nodes as JsonObject[])[0]!.params = { prompt: { promptId: 'greeting', text: {} }, options: [{ digit: '1', label: 'One' }], timeoutMs: 30_000 };
    (line.nodes as JsonObject[])[1]!.params = { prompt: { text: { 'en-GB': 'Goodbye.', 'cy-GB': 'Hwyl fawr.' } } };
    await s.flows.create({ draft: line }, 'alice');
    await s.flows.publish('versioned', 1, 'alice', 'v1');
    await s.numbers.create({ did: DID, flowId: 'versioned', label: 'Welsh line' }, 'alice');
    const clock = new SystemClock();
    const world = defaultWorld();
    const acd = new EngineAcd({ store: s, clock, engineInstanceId: TEST_ENGINE_INSTANCE_ID, logger: quiet, sweepMs: 0 });
    const calls = await createEngineCalls({
      store: s,
      logger: quiet,
      adapters: { clock, ...simulatedStandIns(world, clock), queue: acd.phone },
      mediaServerRecording: (prompt, language) => `http://engine.example/media/${prompt.id}/${language}.wav`,
    });
    try {
      const handle = phoneCallHandler({ store: s, flows: calls.flows, ports: calls.ports.phone, engineInstanceId: TEST_ENGINE_INSTANCE_ID, logger: quiet });
      const call = new SimulatedCall({ callId: 'phone-welsh', from: '+447700900126', to: DID, clock, input: 'live' });
      const done = handle(call, { did: DID, from: '+447700900126' });
      await vi.waitFor(() => expect(call.heard).toHaveLength(1));
      call.press('1');
      await done;
      expect(call.heard[0]).toMatchObject({ language: 'cy-GB', text: 'Helo gan y cyngor.', audio: 'http://engine.example/media/greeting/cy-GB.wav' });
      expect(call.heard[1]).toMatchObject({ language: 'cy-GB', text: 'Hwyl fawr.' });
    } finally {
      calls.close();
      await acd.close();
    }
  });
});
