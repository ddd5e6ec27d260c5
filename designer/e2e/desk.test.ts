/**
 * The agent desk and the supervisor's team view through the real UI against the real engine and
 * database: advisers sign in, go available or on a break; a designer's test call (placed from the flow
 * editor, ringing the desk) queues, and the real dispatcher offers it to the adviser available — never to
 * the one on a break; it rings on their desk with its context (what the caller said, the case reference,
 * their way through the line, earlier calls); the adviser answers, holds, writes a note, transfers the
 * caller to another queue and wraps up with a code; the call record shows queue, agent, disposition and
 * note. The desk says it is cut
 * off within 5 s and comes back by itself. axe-core finds no WCAG 2.2 AA violation on any desk screen,
 * the team view or their dialogs. Screenshots at 1440 px under test-results/e2e/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEngine } from '../../engine/src/main.js';
import type { CallEvent } from '../../engine/src/ports/call-events.js';
import { axeViolations } from './axe.js';
import { launchChromium } from './chromium.js';
import { createAdmin, ensureDesignerBuilt, startProduct, type RunningProduct } from './product.js';
import { signIn } from './session.js';
import { readFileSync } from 'node:fs';

const shots = join(resolve(import.meta.dirname, '../..'), 'test-results', 'e2e');
const CALLER = '+447700900555';
const roadsLine = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../engine/src/desk/testing/roads-line.flow.json'), 'utf8')) as Record<string, unknown>;

let product: RunningProduct;
let engine: RunningEngine;
let browser: Browser;
let dataDir: string;
const browserProblems: string[] = [];
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => browserProblems.push(`uncaught: ${error.message}`));
  page.on('console', (m) => {
    if (['error', 'warning'].includes(m.type()) && !/Failed to load resource|WebSocket connection to/.test(m.text())) browserProblems.push(`${m.type()}: ${m.text()}`);
  });
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `desk-${name}.png`) });

async function noViolations(page: Page, where: string) {
  expect(await axeViolations(page), `axe on ${where}`).toEqual([]);
}

/** An earlier test call from the same number, as the runtime recorded it: a speech step that heard the caller, a case reference, a queue. */
async function recordTestCall(callId: string, startedAt: Date): Promise<void> {
  const { store } = engine;
  await store.calls.start({ id: callId, kind: 'test', from: CALLER, to: '+441234500000', flowId: 'main-line', startedAt, engineInstanceId: engine.engineInstanceId });
  const at = startedAt.getTime();
  const events: Array<Omit<CallEvent, 'callId' | 'seq'>> = [
      { at, type: 'call.started' as const, data: {} },
      { at: at + 200, type: 'node.entered' as const, nodeId: 'welcome', data: { kind: 'play' } },
      { at: at + 3000, type: 'node.entered' as const, nodeId: 'what-about', data: { kind: 'speech' } },
      { at: at + 7000, type: 'input.speech' as const, nodeId: 'what-about', data: { transcript: 'there is a pothole outside number twelve', confidence: 0.92 } },
      { at: at + 7100, type: 'var.set' as const, nodeId: 'what-about', data: { name: 'caseReference', value: 'HW-2041' } },
      { at: at + 7200, type: 'node.entered' as const, nodeId: 'highways-queue', data: { kind: 'queue' } },
  ];
  await store.calls.appendEvents(events.map((e, i) => ({ ...e, callId, seq: i + 1 })));
  await store.calls.end(callId, { endedAt: new Date(at + 240_000), outcome: 'completed', queueId: 'highways', agentId: 'sam' });
}

describe('agent desk and team view', () => {
  let priya: Page;
  let sam: Page;
  let supervisor: Page;
  let designer: Page;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureDesignerBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-desk-'));
    product = await startProduct(dataDir);
    if (!product.engine) throw new Error('the desk e2e starts the engine itself (FRONTDOOR_E2E_URL is not supported here)');
    engine = product.engine;
    await createAdmin(product, 'desk-admin', 'a long e2e password');
    browser = await launchChromium();
    const admin = await newPage();
    designer = admin;
    await signIn(admin, product.url, 'desk-admin', 'a long e2e password', 'Call flows');
    const statuses = await admin.evaluate(async (flow) => {
      const send = (method: string, path: string, body: unknown) => fetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
      const post = (path: string, body: unknown) => send('POST', path, body);
      const out = [
        // The example queue (flows/queues.json) open at any hour with default settings, as the test needs it.
        await send('PUT', '/api/queues/highways', { name: 'Highways', serviceLine: 'Highways', settings: {}, scheduleId: null }),
        await post('/api/queues', { id: 'housing', name: 'Housing repairs', serviceLine: 'Housing', settings: {} }),
      ];
      const users: Record<string, string> = {};
      for (const [username, role] of [['priya', 'agent'], ['sam', 'agent'], ['morgan', 'supervisor']]) {
        const r = await fetch('/api/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'a long desk password', role }) });
        out.push(r.status);
        users[username!] = ((await r.json()) as { id: string }).id;
      }
      out.push(await post('/api/agents', { id: 'priya', name: 'Priya Shah', userId: users.priya, endpoints: [{ kind: 'webrtc', value: 'priya', label: 'This browser' }, { kind: 'pstn', value: '+447700900123', label: 'Mobile' }], skills: { highways: 7 }, queueIds: ['highways'] }));
      out.push(await post('/api/agents', { id: 'sam', name: 'Sam Jones', userId: users.sam, endpoints: [{ kind: 'sip-user', value: 'sam', label: 'Desk phone' }], skills: { highways: 5 }, queueIds: ['highways', 'housing'] }));
      out.push(await post('/api/flows', flow));
      return out;
    }, roadsLine);
    expect(statuses).toEqual([200, 201, 201, 201, 201, 201, 201, 201]);
    // An earlier call from the same number, wrapped up by Sam last week.
    await recordTestCall('earlier-call', new Date(Date.now() - 6 * 86_400_000));
    await engine.store.desk.wrapUp({ callId: 'earlier-call', agentId: 'sam', dispositionId: 'report-taken', note: 'Pothole reported on the high street, ref HW-1999' }, new Date(), 'sam');
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await product?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs advisers in to their desks: one goes available, the other takes a break', async () => {
    priya = await newPage();
    await signIn(priya, product.url, 'priya', 'a long desk password', 'Agent desk');
    // An adviser sees the desk only: no flows, no set-up.
    expect(await priya.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Desk']);
    await expect.poll(() => priya.getByRole('status', { name: /Connection/ }).textContent()).toContain('Live');
    await noViolations(priya, 'the desk, offline');
    await shot(priya, '01-offline');
    await priya.getByRole('button', { name: 'Available', exact: true }).click();
    await expect.poll(() => priya.getByRole('heading', { name: 'Ready for calls' }).isVisible()).toBe(true);
    await noViolations(priya, 'the desk, available');
    await shot(priya, '02-available');

    sam = await newPage();
    await signIn(sam, product.url, 'sam', 'a long desk password', 'Agent desk');
    await sam.getByLabel('Break reason').selectOption({ label: 'Lunch' });
    await sam.getByRole('button', { name: 'Take a break' }).click();
    await expect.poll(() => sam.locator('.status-now').textContent()).toContain('Lunch');
    await noViolations(sam, 'the desk, on a break');
    await shot(sam, '03-on-a-break');
  });

  it('rings a designer’s test call on the desk with its context; answer, hold, note, transfer and wrap-up reach the call record', async () => {
    // The designer calls the flow from its editor, ringing the desk instead of simulated agents.
    await designer.goto(`${product.url}/#/flows/roads-line`);
    await designer.getByRole('tab', { name: 'Test call' }).click();
    await designer.getByLabel("Caller's number").fill(CALLER);
    await designer.getByLabel('Ring the agent desk').check();
    await designer.getByRole('button', { name: 'Call the draft' }).click();
    const transcript = designer.getByRole('list', { name: 'Transcript' });
    await expect.poll(() => transcript.textContent(), { timeout: 20_000 }).toContain('what you are calling about');
    await designer.getByLabel('The caller says').fill('there is a pothole outside number twelve');
    await designer.getByRole('button', { name: 'Say', exact: true }).click();
    const card = priya.getByRole('article', { name: /Incoming call/ });
    await expect.poll(() => card.isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => card.textContent()).toContain('there is a pothole outside number twelve');
    const callId = (await engine.store.calls.list({ kind: 'test', from: CALLER, active: true }, { page: 1, pageSize: 1 })).items[0]!.id;
    expect(await card.getByRole('region', { name: 'Case details' }).textContent()).toContain('HW-2041');
    expect(await card.textContent()).toContain(CALLER);
    expect(await card.textContent()).toContain('Highways queue');
    expect(await card.getByRole('region', { name: 'Earlier calls from this number' }).textContent()).toContain('Report taken');
    await noViolations(priya, 'the desk, ringing');
    await shot(priya, '04-ringing');
    // Sam is on a break: nothing rings there.
    expect(await sam.getByRole('article').count()).toBe(0);

    await card.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => transcript.textContent(), { timeout: 10_000 }).toContain('connected to priya on the desk');
    const onCall = priya.getByRole('article', { name: /On a call/ });
    await expect.poll(() => onCall.isVisible()).toBe(true);
    await onCall.getByRole('button', { name: 'Hold' }).click();
    await expect.poll(() => onCall.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed')).toBe('true');
    await onCall.getByLabel('Note on this call').fill('Pothole outside no. 12, about a foot wide; caller also asks about the kerb');
    await expect.poll(() => onCall.textContent(), { timeout: 5000 }).toContain('Saved.');
    await noViolations(priya, 'the desk, on a call');
    await shot(priya, '05-on-call');
    await onCall.getByRole('button', { name: 'Resume' }).click();
    await onCall.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = priya.getByRole('dialog', { name: 'Transfer the caller' });
    await dialog.getByLabel('Queue', { exact: true }).selectOption('housing');
    await noViolations(priya, 'the transfer dialog');
    await shot(priya, '06-transfer');
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    // The caller is in Housing repairs now, where Sam (on a break) is never offered them.
    await expect.poll(async () => (await engine.store.acd.entries({ callId })).some((e) => e.queueId === 'housing' && e.state === 'waiting'), { timeout: 10_000 }).toBe(true);

    const wrap = priya.getByRole('article', { name: /Wrap-up/ });
    await expect.poll(() => wrap.isVisible()).toBe(true);
    await wrap.getByRole('button', { name: 'Finish wrap-up' }).click();
    await expect.poll(() => wrap.textContent()).toContain('Choose how the call ended.');
    await wrap.getByLabel('Referred to another team').check();
    await noViolations(priya, 'the desk, wrap-up');
    await shot(priya, '07-wrap-up');
    await wrap.getByRole('button', { name: 'Finish wrap-up' }).click();
    await expect.poll(() => priya.getByRole('heading', { name: 'Ready for calls' }).isVisible()).toBe(true);
    await designer.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => transcript.textContent(), { timeout: 10_000 }).toContain('Call ended');

    // The call record, as the records API gives it: queue, agent, disposition and note.
    await expect.poll(async () => (await designer.evaluate(async (id) => (await fetch(`/api/calls/${id}`)).json(), callId)).endedAt, { timeout: 10_000 }).toBeDefined();
    const record = await designer.evaluate(async (id) => (await fetch(`/api/calls/${id}`)).json(), callId);
    expect(record).toMatchObject({ kind: 'test', from: CALLER, agentId: 'priya' });
    expect(['highways', 'housing']).toContain(record.queueId);
    expect(record.wrapUps).toEqual([
      expect.objectContaining({ agentId: 'priya', queueId: 'highways', disposition: 'Referred to another team', note: 'Pothole outside no. 12, about a foot wide; caller also asks about the kerb' }),
    ]);
    const offers = await engine.store.acd.events({ callId, type: 'offered' }, { page: 1, pageSize: 50 });
    expect(offers.items.map((e) => e.agentId)).toEqual(['priya']);
  });

  it('shows a supervisor every adviser and queue live, and changes a state from a dialog', async () => {
    supervisor = await newPage();
    await signIn(supervisor, product.url, 'morgan', 'a long desk password', 'Team');
    const rows = supervisor.getByRole('row');
    await expect.poll(() => supervisor.getByRole('row', { name: /Sam Jones/ }).textContent()).toContain('Lunch');
    await expect.poll(() => supervisor.getByRole('row', { name: /Priya Shah/ }).textContent()).toContain('Available');
    expect(await rows.count()).toBeGreaterThan(2);
    await noViolations(supervisor, 'the team view');
    await shot(supervisor, '08-team');
    await supervisor.getByRole('button', { name: 'Change state for Sam Jones' }).click();
    const dialog = supervisor.getByRole('dialog', { name: 'Change state for Sam Jones' });
    await dialog.getByLabel('Available').check();
    await noViolations(supervisor, 'the change-state dialog');
    await shot(supervisor, '09-change-state');
    await dialog.getByRole('button', { name: 'Change state' }).click();
    await expect.poll(() => supervisor.getByRole('row', { name: /Sam Jones/ }).textContent()).toContain('Available');
    // Sam's own desk follows at once.
    await expect.poll(() => sam.getByRole('heading', { name: 'Ready for calls' }).isVisible()).toBe(true);
  });

  it('says within 5 s that the desk is cut off, and recovers without a reload', async () => {
    const context = priya.context();
    await context.setOffline(true);
    const started = Date.now();
    await expect.poll(() => priya.getByRole('alert').filter({ hasText: 'Connection to frontdoor lost' }).isVisible(), { timeout: 6000, interval: 100 }).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    await noViolations(priya, 'the desk, cut off');
    await shot(priya, '10-cut-off');
    await context.setOffline(false);
    await expect.poll(() => priya.getByRole('status', { name: /Connection/ }).textContent(), { timeout: 15_000 }).toContain('Live');
    expect(await priya.getByRole('alert').filter({ hasText: 'Connection to frontdoor lost' }).count()).toBe(0);
    expect(browserProblems).toEqual([]);
  });
});
