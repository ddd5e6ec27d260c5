/**
 * Issue 14 in the browser: the live wallboard (and its TV layout), the history chart with its table,
 * staffing beside a day's half-hours, CSV export, and flow analytics drawn over the canvas — with a
 * fortnight of seeded calls (engine/src/testing/report-demo.ts). Real engine, real database, Debian's
 * Chromium; screenshots under test-results/e2e/reports-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../engine/src/testing/report-demo.js';
import { seedCalls, seedVisits } from '../../engine/src/testing/report-seed.js';
import { launchChromium } from './chromium.js';
import { createAdmin, ensureDesignerBuilt, startProduct, type RunningProduct } from './product.js';

const shots = join(resolve(import.meta.dirname, '../..'), 'test-results', 'e2e');

let product: RunningProduct;
let browser: Browser;
let page: Page;
let dataDir: string;
const browserProblems: string[] = [];
const shot = (name: string, p: Page = page) => p.screenshot({ path: join(shots, `reports-${name}.png`) });

describe('reports in the designer', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureDesignerBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-reports-'));
    product = await startProduct(dataDir);
    if (!product.engine) throw new Error('the reports browser test seeds its figures through the engine it starts (FRONTDOOR_E2E_URL is not supported here)');
    await createAdmin(product, 'reports-admin', 'kettle violin marsh lantern');
    const flow = await product.engine.store.flows.published('main-line');
    if (!flow) throw new Error('the example main line is not published');
    await seedDemo(product.engine.store.reportSql, { now: new Date(), flow: { id: 'main-line', version: flow.version, graph: flow.graph }, engineInstanceId: product.engine.engineInstanceId });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => browserProblems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (['error', 'warning'].includes(message.type()) && !message.text().startsWith('Failed to load resource')) browserProblems.push(`${message.type()}: ${message.text()}`);
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await product?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('the wallboard shows every queue live and follows a caller joining', async () => {
    await page.goto(product.url);
    await page.getByLabel('Username').fill('reports-admin');
    await page.getByLabel('Password').fill('kettle violin marsh lantern');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Call flows' }).isVisible()).toBe(true);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wallboard' }).click();
    const board = page.getByRole('region', { name: 'Wallboard' });
    await expect.poll(() => board.getByRole('status').textContent()).toBe('Live');
    const highways = board.getByRole('article', { name: 'Highways team' });
    await expect.poll(() => highways.isVisible()).toBe(true);
    expect(await highways.locator('.wb-now .wb-value').first().textContent()).toBe('3');
    await shot('wallboard');
    // A caller joins: the board changes without a reload.
    await seedCalls(product.engine!.store.reportSql, [{ id: 'e2e-new-caller', from: '+447700900888', startedAt: new Date(Date.now() - 20_000).toISOString(), queueId: 'blue-badge' }]);
    await seedVisits(product.engine!.store.reportSql, [
      { id: 'e2e-new-caller', callId: 'e2e-new-caller', queueId: 'blue-badge', enteredAt: new Date().toISOString(), engineInstanceId: product.engine!.engineInstanceId },
    ]);
    const badges = board.getByRole('article', { name: 'Blue badge team' });
    await expect.poll(() => badges.locator('.wb-now .wb-value').first().textContent(), { timeout: 5_000 }).toBe('1');
    // The TV layout: nothing but the board, at 1080p.
    const tv = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await tv.context().addCookies(await page.context().cookies());
    await tv.goto(`${product.url}/#/wallboard/tv`, { waitUntil: 'commit' });
    await expect.poll(() => tv.getByRole('status').textContent()).toBe('Live');
    expect(await tv.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await shot('wallboard-tv', tv);
    await tv.close();
  });

  it('a council sets a queue’s targets on the Queues screen, and the wallboard judges by them', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('button', { name: 'Edit queue Highways team' }).click();
    const form = page.getByRole('form', { name: /Highways team/ });
    const level = form.getByRole('group', { name: 'Service level' });
    // The targets the demo set, one per threshold, and the abandoned target.
    expect(await level.getByLabel('Target 1', { exact: true }).inputValue()).toBe('80');
    expect(await level.getByLabel('Target 2', { exact: true }).inputValue()).toBe('95');
    await level.getByLabel('Target 1', { exact: true }).fill('85');
    await level.getByLabel('Abandoned at most (%)').fill('100');
    await level.scrollIntoViewIfNeeded();
    await shot('queue-targets');
    await form.getByRole('button', { name: 'Save queue' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Saved the queue Highways team');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wallboard' }).click();
    const highways = page.getByRole('region', { name: 'Wallboard' }).getByRole('article', { name: 'Highways team' });
    await expect.poll(() => highways.getByLabel(/^Abandoned: /).getAttribute('aria-label'), { timeout: 5_000 }).toMatch(/target at most 100 %, (on target|no calls yet)$/);
    expect(await highways.getByLabel(/^Answered within 20 seconds/).getAttribute('aria-label')).toMatch(/target 85 %/);
  });

  it('history: a chart with the table under it, CSV, and staffing beside a day', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    const reports = page.getByRole('region', { name: 'Reports' });
    await expect.poll(() => reports.getByRole('option', { name: 'Highways team', exact: true }).count()).toBe(1);
    await reports.getByLabel('Show').selectOption({ label: 'Highways team' });
    await expect.poll(() => reports.getByRole('table', { name: 'Figures per period' }).locator('tbody tr').count()).toBe(14);
    await expect.poll(() => reports.locator('.history-chart canvas').count()).toBeGreaterThan(0);
    await shot('history-days');
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), (await reports.getByRole('link', { name: 'Download CSV' }).getAttribute('href'))!);
    expect(csv.split('\r\n')[0]).toMatch(/^period_start,period_start_utc,offered,answered,answered_within_20s/);
    expect(csv.trim().split('\r\n')).toHaveLength(15);
    await reports.getByLabel('By').selectOption('halfHour');
    await expect.poll(() => reports.getByRole('heading', { name: 'Staffing needed' }).isVisible()).toBe(true);
    await shot('history-half-hours-staffing');
  });

  it('flow analytics over the canvas: edge widths, labels and node badges', async () => {
    await page.goto(`${product.url}/#/flows/main-line`);
    await page.getByRole('tab', { name: 'Analytics' }).click();
    await page.getByRole('button', { name: 'Show on the canvas' }).click();
    await expect.poll(() => page.locator('.analytics-badge').count()).toBeGreaterThan(3);
    expect(await page.getByRole('status').filter({ hasText: 'calls on version' }).textContent()).toMatch(/^\d+ calls on version \d+\.$/);
    await shot('analytics-overlay');
    // Closer: the menus' exits, with their labels readable.
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom In' }).click();
    // Zoomed out the canvas draws its overview (no per-edge widths); closer, the edges carry the traffic.
    await expect.poll(() => page.locator('.react-flow__edge.edge-traffic').count()).toBeGreaterThan(3);
    await shot('analytics-overlay-zoomed');
    expect(browserProblems).toEqual([]);
  });
});
