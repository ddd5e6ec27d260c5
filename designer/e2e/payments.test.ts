/**
 * Card payments in the browser: a designer's test call through the example payment line keys a test
 * card into the (fake) Pay360 payment line — no key on the payment line is ever shown — and the
 * payment team sees the payment, and only its last four digits, on the Payments screen; designers do
 * not see that screen at all. Screenshots under test-results/e2e/payments-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCardNumbers } from '../../engine/src/core/redaction.js';
import { launchChromium } from './chromium.js';
import { ensureDesignerBuilt, startProduct, type RunningProduct } from './product.js';

const repo = resolve(import.meta.dirname, '../..');
const shots = join(repo, 'test-results', 'e2e');
const lookup = {
  http: {
    'https://payments-api.westshire.example/v1/references/12345678': {
      status: 200,
      body: { reference: '12345678', description: 'parking fine', balance: { pence: 7000, spoken: '£70.00' } },
    },
  },
};

let product: RunningProduct;
let browser: Browser;
let page: Page;
let dataDir: string;
const browserProblems: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(shots, `payments-${name}.png`), fullPage: true });

/** Signs in and waits for the screen the user lands on (the payment team on Payments, others on the flows). */
async function signIn(username: string, password: string, landing = 'Call flows') {
  await page.goto(product.url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('heading', { name: landing }).isVisible()).toBe(true);
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect.poll(() => page.getByLabel('Username').isVisible()).toBe(true);
}

/** Press keys on the test call's keypad, one button at a time, as a person would. */
async function key(digits: string) {
  for (const digit of digits) await page.getByRole('button', { name: `Press ${digit}`, exact: true }).click();
}

describe.skipIf(process.env.FRONTDOOR_E2E_URL)('card payments in the browser', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureDesignerBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-payments-'));
    product = await startProduct(dataDir);
    await product.createUser!('pay-admin', 'a long e2e password', 'admin');
    await product.createUser!('pay-team', 'a payments team password', 'payments');
    await product.createUser!('pay-designer', 'a designer password', 'designer');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => browserProblems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (['error', 'warning'].includes(message.type()) && !message.text().startsWith('Failed to load resource')) browserProblems.push(`${message.type()}: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await product?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('pays a parking fine in a test call, keying a card that is never shown', async () => {
    await signIn('pay-admin', 'a long e2e password');
    await page.getByRole('link', { name: 'Payment line' }).click();
    await page.getByRole('tab', { name: 'Test call' }).click();
    await page.getByText('How the outside world answers').click();
    await page.getByLabel('World (JSON)').fill(JSON.stringify(lookup));
    await page.getByRole('button', { name: 'Call the draft' }).click();
    const transcript = page.getByRole('list', { name: 'Transcript' });
    const heard = (text: string) => expect.poll(() => transcript.textContent(), { timeout: 60_000 }).toContain(text);
    await heard('Please enter the 8-digit reference');
    await key('12345678#');
    await heard('Press 1 if correct');
    await key('1');
    await heard('To pay this now by debit or credit card, press 1');
    await key('1');
    await heard('Please enter your card number');
    await key('4444333322221111#');
    await heard("Please enter your card's expiry date");
    await key('1230#');
    await heard('Please enter the security code');
    await key('737#');
    await heard('Your payment of £70.00 was successful');
    await heard('Call ended');
    const lines = await transcript.locator('li').allTextContents();
    const text = lines.join('\n');
    expect(text).toContain('payment paid (card **** 1111, transaction FAKE');
    // The reference was keyed before the payment line and is shown; nothing keyed on the line is.
    const handedOver = lines.findIndex((line) => line.includes('handed to the payment line'));
    const backAt = lines.findIndex((line) => line.includes('payment paid'));
    expect(lines.slice(0, handedOver).join(' ')).toContain('pressed 8');
    const onTheLine = lines.slice(handedOver, backAt).filter((line) => line.includes('pressed'));
    expect(onTheLine).toHaveLength('4444333322221111#1230#737#'.length);
    expect(onTheLine.every((line) => line.endsWith('pressed • (to the payment line)'))).toBe(true);
    expect(findCardNumbers(text.replace(/\s+/g, ''))).toEqual([]);
    expect(lines.slice(handedOver).join(' ')).not.toContain('737');
    await shot('test-call');
    expect(browserProblems).toEqual([]);
  });

  it('shows the payment team the payment with its last four digits, and exports it', async () => {
    await page.getByRole('link', { name: 'Payments' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Card payments' }).isVisible()).toBe(true);
    await page.getByLabel('Calls').selectOption('test');
    await page.getByRole('button', { name: 'Show payments' }).click();
    const table = page.getByRole('table');
    await expect.poll(() => table.textContent()).toContain('**** 1111');
    const row = await table.locator('tbody tr').first().textContent();
    expect(row).toMatch(/Paid.*£70\.00.*12345678.*\*\*\*\* 1111.*FAKE\d{8}.*payments/);
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'))!);
    expect(csv).toContain('"paid","70.00","GBP","12345678","**** 1111"');
    expect(findCardNumbers(csv)).toEqual([]);
    await shot('admin-list');
    await signOut();

    await signIn('pay-team', 'a payments team password', 'Card payments');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Payments' }).click();
    await page.getByLabel('Calls').selectOption('');
    await page.getByLabel('Status').selectOption('paid');
    await page.getByRole('button', { name: 'Show payments' }).click();
    await expect.poll(() => page.getByRole('table').textContent()).toContain('**** 1111');
    expect(await page.getByText('1 payment', { exact: true }).isVisible()).toBe(true);
    await shot('payments-team');
    await page.getByLabel('Status').selectOption('declined');
    await page.getByRole('button', { name: 'Show payments' }).click();
    await expect.poll(() => page.getByRole('table').textContent()).toContain('No payments match.');
    await signOut();
    expect(browserProblems).toEqual([]);
  });

  it('keeps the Payments screen from designers', async () => {
    await signIn('pay-designer', 'a designer password');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments' }).count()).toBe(0);
    await page.goto(`${product.url}#/payments`);
    await expect.poll(() => page.getByRole('heading', { name: 'Call flows' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Card payments' }).count()).toBe(0);
    await shot('designer-no-payments');
    expect(browserProblems).toEqual([]);
  });
});
