/**
 * The Queues and Agents screens through the real UI against the real engine and database: an admin
 * makes a queue with opening hours chosen by name, overflow to another queue and call backs, and an
 * agent with two endpoints, skill levels and queues; the API's answers show what was saved. Screenshots
 * under test-results/e2e/; axe-core finds no WCAG 2.2 AA violation on either screen or form.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { launchChromium } from './chromium.js';
import { createAdmin, ensureDesignerBuilt, startProduct, type RunningProduct } from './product.js';
import { signIn } from './session.js';

const shots = join(resolve(import.meta.dirname, '../..'), 'test-results', 'e2e');

let product: RunningProduct;
let browser: Browser;
let page: Page;
let dataDir: string;
const browserProblems: string[] = [];

/** The screen scrolls inside the page: a tall window shows all of a form. */
async function shot(name: string, height = 1000) {
  await page.setViewportSize({ width: 1440, height });
  await page.screenshot({ path: join(shots, `queues-agents-${name}.png`) });
  await page.setViewportSize({ width: 1440, height: 1000 });
}

/** The API as the signed-in page sees it (same cookie). */
const get = (path: string) => page.evaluate(async (p) => (await fetch(p)).json(), path);

describe('queues and agents screens', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureDesignerBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-queues-'));
    product = await startProduct(dataDir);
    await createAdmin(product, 'queue-admin', 'a long e2e password');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => browserProblems.push(`uncaught: ${error.message}`));
    page.on('console', (m) => {
      if (['error', 'warning'].includes(m.type()) && !m.text().startsWith('Failed to load resource')) browserProblems.push(`${m.type()}: ${m.text()}`);
    });
    await signIn(page, product.url, 'queue-admin', 'a long e2e password', 'Call flows');
    // Opening hours to choose by name, stored the way the Schedules screen stores them.
    const made = await page.evaluate(async () => {
      const post = (path: string, body: unknown) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
      return [
        await post('/api/schedules', { id: 'office-hours', name: 'Council office hours', definition: { weekly: [] } }),
        await post('/api/queues', { id: 'housing', name: 'Housing repairs', serviceLine: 'Housing', settings: {} }),
        await post('/api/users', { username: 'priya', password: 'a long agent password', role: 'agent' }),
      ];
    });
    expect(made).toEqual([201, 201, 201]);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // The engine starts with the example queues (flows/queues.json: highways, blue-badge, …): a council adds its own.
  it('makes a queue with a form: hours by name, overflow to another queue, call backs, service level', async () => {
    await page.getByRole('link', { name: 'Queues' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Queues' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add queue' }).click();
    const form = page.getByRole('form', { name: 'New queue' });
    await form.getByLabel('Id', { exact: true }).fill('potholes');
    await form.getByLabel('Name', { exact: true }).fill('Potholes');
    await form.getByLabel('Service line').fill('Highways and transport');
    await form.getByLabel('Opening hours').selectOption({ label: 'Council office hours' });
    await form.getByLabel('Longest wait (seconds)').fill('600');
    await form.getByLabel('Overflow', { exact: true }).selectOption({ label: 'Queue' });
    await form.getByLabel('Queue', { exact: true }).selectOption({ label: 'Housing repairs' });
    const callbacks = form.getByRole('group', { name: 'Call backs' });
    await callbacks.getByLabel('Offer a call back').check();
    await callbacks.getByLabel('Offer after (seconds)').fill('120');
    await form.getByLabel('Wrap-up (seconds)').fill('45');
    expect(await axeViolations(page)).toEqual([]);
    await shot('queue-form', 1500);

    // The schema's limits reach the form's controls: the browser refuses 2 seconds before anything is sent.
    await form.getByLabel('Ring an agent for (seconds)').fill('2');
    await form.getByRole('button', { name: 'Save queue' }).click();
    expect(await form.getByLabel('Ring an agent for (seconds)').evaluate((input) => (input as HTMLInputElement).validity.rangeUnderflow)).toBe(true);
    expect(await page.getByRole('status').count()).toBe(0);
    await form.getByLabel('Ring an agent for (seconds)').fill('25');
    await form.getByRole('button', { name: 'Save queue' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved the queue Potholes');

    const saved = await get('/api/queues/potholes');
    expect(saved).toMatchObject({
      serviceLine: 'Highways and transport',
      scheduleId: 'office-hours',
      settings: { maxWaitSeconds: 600, overflow: { kind: 'queue', queueId: 'housing' }, callback: { enabled: true, offerAfterSeconds: 120 }, wrapUpSeconds: 45, ringTimeoutSeconds: 25 },
    });
    const row = page.getByRole('row', { name: /Potholes \(potholes\)/ });
    await expect.poll(() => row.textContent()).toContain('Council office hours');
    await expect.poll(() => row.textContent()).toContain('Queue: Housing repairs');
    expect(await axeViolations(page)).toEqual([]);
    await shot('queue-list');
  });

  it('makes an agent with endpoints, skill levels, queues and a desk user, and shows their state', async () => {
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('button', { name: 'Add agent' }).click();
    const form = page.getByRole('form', { name: 'New agent' });
    await form.getByLabel('Id', { exact: true }).fill('priya');
    await form.getByLabel('Name', { exact: true }).fill('Priya Shah');
    await form.getByLabel('Signs in to the desk as').selectOption({ label: 'priya (agent)' });
    const first = form.getByRole('group', { name: 'Endpoint 1' });
    await first.getByLabel('Address').fill('priya');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const second = form.getByRole('group', { name: 'Endpoint 2' });
    await second.getByLabel('Kind').selectOption({ label: 'Phone number' });
    await second.getByLabel('Address').fill('07700 900123');
    await second.getByLabel('Label').fill('Mobile');
    await form.getByRole('button', { name: 'Add skill' }).click();
    await form.getByRole('group', { name: 'Skill 1' }).getByLabel('Skill', { exact: true }).fill('highways');
    await form.getByRole('group', { name: 'Skill 1' }).getByLabel('Level').selectOption('8');
    await form.getByRole('button', { name: 'Add skill' }).click();
    await form.getByRole('group', { name: 'Skill 2' }).getByLabel('Skill', { exact: true }).fill('welsh');
    await form.getByRole('group', { name: 'Skill 2' }).getByLabel('Level').selectOption('3');
    await form.getByLabel('Potholes', { exact: true }).check();
    await form.getByLabel('Housing repairs').check();
    await form.getByRole('button', { name: 'Save agent' }).click();
    // A phone number must be E.164: said beside the field.
    await expect.poll(() => second.locator('.field-error').textContent()).toContain('E.164');
    expect(await axeViolations(page)).toEqual([]);
    await shot('agent-form-error', 1300);
    await second.getByLabel('Address').fill('+447700900123');
    await form.getByRole('button', { name: 'Save agent' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved the agent Priya Shah');

    const saved = await get('/api/agents/priya');
    expect(saved).toMatchObject({
      endpoints: [{ kind: 'webrtc', value: 'priya', label: 'Browser' }, { kind: 'pstn', value: '+447700900123', label: 'Mobile' }],
      activeEndpoint: 0,
      skills: { highways: 8, welsh: 3 },
      queueIds: ['housing', 'potholes'],
      state: { state: 'offline' },
    });
    // A supervisor (here the admin) puts Priya on a break: the list shows the state and its time.
    await page.evaluate(() => fetch('/api/agents/priya/state', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state: 'break', reasonId: 'training' }) }));
    const row = page.getByRole('row', { name: /Priya Shah/ });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('On a break');
    await expect.poll(() => row.textContent()).toContain('Training');
    expect(await axeViolations(page)).toEqual([]);
    await shot('agent-list');
    expect(browserProblems).toEqual([]);
  });
});
