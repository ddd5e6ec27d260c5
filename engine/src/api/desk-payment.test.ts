/**
 * An adviser takes a card payment from the desk, through the API: a designer's test call rings the desk,
 * the adviser answers and asks for the payment (amount and reference, checked); the caller is put through
 * to the engine's fake Pay360 payment line and keys a card there; the desk follows the payment and shows
 * its outcome with the masked card; the payments screen lists it with the adviser; nothing the API or the
 * call's events say holds the card number or the security code.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testDatabases, withTestStore } from '../adapters/storage/postgres/test-databases.js';
import { findCardNumbers } from '../core/redaction.js';
import { startTestApi, type RunningApi } from './testing/api-harness.js';

const flow = JSON.parse(readFileSync(new URL('../desk/testing/roads-line.flow.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const PAN = '4444333322221111';
const CODE = '737';

describe.each(testDatabases())('an adviser takes a payment from the desk ($name)', (backend) => {
  let api: RunningApi;
  const store = withTestStore(backend);
  beforeAll(async () => {
    api = await startTestApi(store());
    const admin = (path: string, body: unknown) => api.call('POST', path, { as: 'admin', body });
    expect((await admin('/api/queues', { id: 'highways', name: 'Highways', settings: { wrapUpSeconds: 120 } })).status).toBe(201);
    expect((await admin('/api/agents', { id: 'priya', name: 'Priya Shah', userId: api.users.agent.id, endpoints: [{ kind: 'webrtc', value: 'priya' }], queueIds: ['highways'] })).status).toBe(201);
    expect((await api.call('PUT', '/api/desk/state', { as: 'agent', body: { state: 'available' } })).status).toBe(200);
    expect((await api.call('POST', '/api/flows', { as: 'designer', body: flow })).status).toBe(201);
  });
  afterAll(() => api?.close());

  it('puts the caller through to the payment line and back; the desk and the payments screen show the outcome, never the card', { timeout: 120_000 }, async () => {
    const messages: any[] = [];
    const socket = new WebSocket(`${api.base.replace('http', 'ws')}/api/test-calls`, { headers: { origin: api.base, cookie: api.users.designer.cookie } });
    // The caller keys their card when the payment line asks for it (and only then).
    const keys: Array<[RegExp, string]> = [
      [/Please enter your card number/, `${PAN}#`],
      [/expiry date/, '1230#'],
      [/security code/, `${CODE}#`],
    ];
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      messages.push(message);
      if (message.type === 'prompt' && keys[0]?.[0].test(message.text)) socket.send(JSON.stringify({ type: 'press', digits: keys.shift()![1] }));
    });
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    socket.send(JSON.stringify({ type: 'start', flow, desk: true, from: '+447700900777' }));
    await expect.poll(() => messages.find((m) => m.type === 'started'), { timeout: 10_000 }).toBeDefined();
    const callId = messages.find((m) => m.type === 'started').callId as string;
    await expect.poll(() => messages.some((m) => m.type === 'prompt' && /calling about/.test(m.text)), { timeout: 10_000 }).toBe(true);
    socket.send(JSON.stringify({ type: 'say', text: 'a parking fine for a pothole road' }));
    await expect.poll(() => api.desk.legs.legOf('priya')?.stage, { timeout: 30_000 }).toBe('ringing');
    const pay = (body: unknown) => api.call('POST', `/api/desk/calls/${callId}/payment`, { as: 'agent', body });

    // Ringing, not yet talking: no payment.
    expect((await pay({ amountPence: 7000, reference: 'PCN-123' })).status).toBe(409);
    expect((await api.call('POST', `/api/desk/calls/${callId}/answer`, { as: 'agent' })).status).toBe(200);

    // Bad input is refused naming the field.
    const bad = await pay({ amountPence: 0, reference: PAN });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/body\.amountPence/);
    expect(bad.text).toMatch(/body\.reference/);
    expect((await pay({ amountPence: 12.5, reference: 'PCN-123' })).status).toBe(400);
    expect((await api.call('POST', `/api/desk/calls/${callId}/payment`, { as: 'viewer', body: { amountPence: 7000, reference: 'PCN-123' } })).status).toBe(403);

    // Two clicks: one payment.
    const [first, second] = await Promise.all([pay({ amountPence: 7000, reference: 'PCN-123', description: 'Parking fine' }), pay({ amountPence: 7000, reference: 'PCN-123' })]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    const started = first.status === 202 ? first : second;
    expect(started.json).toMatchObject({ callId, agentId: 'priya', reference: 'PCN-123', amountPence: 7000 });

    // The desk follows it to its outcome.
    await expect.poll(async () => (await api.call('GET', '/api/desk', { as: 'agent' })).json.call?.payment?.stage, { timeout: 90_000, interval: 500 }).toBe('ended');
    const desk = await api.call('GET', '/api/desk', { as: 'agent' });
    expect(desk.json.call.payment).toMatchObject({ status: 'paid', maskedCard: '**** 1111', transactionId: expect.any(String), reference: 'PCN-123' });
    expect(messages.some((m) => m.type === 'prompt' && /back with the adviser/.test(m.text))).toBe(true);
    expect(keys).toEqual([]);

    // The payments screen lists it, with the adviser.
    const listed = await api.call('GET', '/api/payments?reference=PCN-123', { as: 'payments' });
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([expect.objectContaining({ status: 'paid', reference: 'PCN-123', maskedCard: '**** 1111', agentId: 'priya' })]);

    // Nothing the API says or the call's events hold has the card or the security code.
    const events = await api.call('GET', `/api/calls/${callId}/events`, { as: 'viewer' });
    for (const text of [desk.text, listed.text, events.text, JSON.stringify(messages.filter((m) => m.type === 'event'))]) {
      expect(findCardNumbers(text)).toEqual([]);
      expect(text).not.toContain(PAN);
    }
    expect(events.text).toMatch(/payment\.started/);
    expect((events.json as any[]).find((e) => e.type === 'payment.started')?.data).toMatchObject({ agentId: 'priya', reference: 'PCN-123', amountPence: 7000 });

    socket.send(JSON.stringify({ type: 'hangup' }));
    await expect.poll(() => messages.some((m) => m.type === 'ended'), { timeout: 10_000 }).toBe(true);
    socket.close();
  });
});
