/**
 * Issue 9 in the browser: an admin keeps a key on the Secrets screen, a flow's data dip uses it by name
 * (the inspector offers it and warns about a key typed in), a weak password is refused beside its field,
 * and a password change can revoke the user's API tokens. Real engine (main.ts start(), with its
 * security headers and CSP), real database, Debian's Chromium; screenshots under test-results/e2e/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.js';
import { createAdmin, ensureDesignerBuilt, startProduct, type RunningProduct } from './product.js';

const shots = join(resolve(import.meta.dirname, '../..'), 'test-results', 'e2e');

let product: RunningProduct;
let browser: Browser;
let page: Page;
let dataDir: string;
const browserProblems: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(shots, `secrets-${name}.png`) });

describe('secrets, passwords and tokens in the designer', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureDesignerBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-secrets-'));
    product = await startProduct(dataDir);
    await createAdmin(product, 'secrets-admin', 'kettle violin marsh lantern');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => browserProblems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      // The first /api/auth/me answers 401 before signing in, and a refused save answers 4xx: the browser logs those fetches.
      if (['error', 'warning'].includes(message.type()) && !message.text().startsWith('Failed to load resource')) browserProblems.push(`${message.type()}: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await product?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a key as a secret, uses it in a data dip by name, refuses a weak password and revokes tokens with a new one', async () => {
    await page.goto(product.url);
    await page.getByLabel('Username').fill('secrets-admin');
    await page.getByLabel('Password').fill('kettle violin marsh lantern');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Call flows' }).isVisible()).toBe(true);

    // The Secrets screen: add one; its value is never shown again.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Secrets' }).click();
    const secrets = page.getByRole('region', { name: 'Secrets' });
    await secrets.getByRole('button', { name: 'Add secret' }).click();
    await secrets.getByLabel('Name').fill('COUNCIL_KEY');
    await secrets.getByLabel('Description').fill('Back-office fines API key');
    await secrets.getByLabel('Value').fill('sk_live_Westshire_9f8e7d6c5b4a');
    await shot('1-new-secret');
    await secrets.getByRole('button', { name: 'Save secret' }).click();
    await expect.poll(() => secrets.getByRole('table').textContent()).toContain('COUNCIL_KEY');
    expect(await page.content()).not.toContain('sk_live_Westshire');
    await shot('2-secrets-list');

    // A data dip in a new flow: a key typed into a header is flagged; the secret is picked by name instead.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).click();
    await page.getByLabel('New flow name').fill('Fines lookup');
    await page.getByRole('button', { name: 'Create flow' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Fines lookup' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add Data dip (HTTP)' }).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x: 380, y: 80 } });
    await page.locator('[data-testid="node-http-1"] .flow-node-name').click();
    await page.getByRole('tab', { name: 'Settings' }).click();
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByLabel(/^url$/i).fill('https://fines.westshire.gov.uk/api/fines/{{reference}}');
    await inspector.getByRole('group', { name: 'Headers' }).getByRole('button', { name: 'Add entry' }).click();
    await inspector.getByLabel('Headers name 1').fill('Authorization');
    await inspector.getByLabel('Authorization', { exact: true }).fill('Bearer sk_live_typed_in_here');
    await expect.poll(() => inspector.textContent()).toContain('looks like a password or key typed into the flow');
    await inspector.getByRole('group', { name: 'Headers' }).scrollIntoViewIfNeeded();
    await shot('3-key-typed-into-header');
    await inspector.getByLabel('Authorization', { exact: true }).fill('Bearer ');
    await inspector.getByLabel('Insert a secret into Authorization').selectOption('COUNCIL_KEY');
    await expect.poll(() => inspector.getByLabel('Authorization', { exact: true }).inputValue()).toBe('Bearer {{secret:COUNCIL_KEY}}');
    await expect.poll(() => inspector.textContent()).not.toContain('looks like a password or key typed into the flow');
    await inspector.getByRole('group', { name: 'Headers' }).scrollIntoViewIfNeeded();
    await shot('4-secret-picked');

    // Users: a weak password is refused beside its field; a new one can revoke the user's API tokens.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const users = page.getByRole('region', { name: 'Users' });
    await users.getByRole('button', { name: 'Add user' }).click();
    await users.getByLabel('Username').fill('clerk');
    await users.getByLabel('Role').selectOption('viewer');
    await users.getByLabel('Password').fill('aaaaaaaaaa');
    await users.getByRole('button', { name: 'Save user' }).click();
    await expect.poll(() => users.textContent()).toContain('too easy to guess');
    await shot('5-weak-password-refused');
    await users.getByLabel('Password').fill('harbour lantern copper violet');
    await users.getByRole('button', { name: 'Save user' }).click();
    await expect.poll(() => users.getByRole('table').textContent()).toContain('clerk');
    await users.getByRole('button', { name: 'Edit user clerk' }).click();
    await users.getByLabel('Password').fill('another harbour lantern copper');
    await users.getByLabel('Also revoke their API tokens').check();
    await shot('6-password-change-revokes-tokens');
    await users.getByRole('button', { name: 'Save user' }).click();
    await expect.poll(() => users.getByRole('button', { name: 'Save user' }).count()).toBe(0);
    expect(browserProblems).toEqual([]);
  });
});
