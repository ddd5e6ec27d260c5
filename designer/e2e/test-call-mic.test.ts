/**
 * The test call's Record button, end to end: Chromium's fake microphone plays a WAV of a resident
 * (flite) into the designer, the designer records it and sends it over the test-call socket, and the
 * engine recognises it with the recogniser phone calls use (the on-machine one here), as phone audio.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumArgs } from './chromium.js';
import { createAdmin, ensureDesignerBuilt, startProduct, type RunningProduct } from './product.js';

const repo = resolve(import.meta.dirname, '../..');
const shots = join(repo, 'test-results', 'e2e');
const haveTools = ['/usr/bin/flite', '/usr/bin/sox', '/usr/bin/pocketsphinx_continuous', CHROMIUM_PATH].every(existsSync);

describe.skipIf(!haveTools)('test call: speaking into the microphone', () => {
  let product: RunningProduct;
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureDesignerBuilt();
    dir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-mic-'));
    const wav = join(dir, 'resident.wav');
    // What the resident says, then a second of silence (Chromium loops the file as the microphone).
    execFileSync('sh', ['-c', `flite -voice slt -t "I want to pay my council tax" -o /dev/stdout | sox -t wav - -r 48000 -c 1 -b 16 "$1" pad 0.5 1`, 'render', wav]);
    product = await startProduct(join(dir, 'data'));
    await createAdmin(product, 'e2e-mic', 'a long e2e password');
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...chromiumArgs, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records the designer, and the engine hears it as a phone caller would be heard', async () => {
    await page.goto(product.url);
    await page.getByLabel('Username').fill('e2e-mic');
    await page.getByLabel('Password').fill('a long e2e password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Main council line' }).click();
    await page.getByRole('tab', { name: 'Test call' }).click();

    // Before any call, the panel says which recogniser phone calls use.
    const note = page.getByRole('note');
    await expect.poll(() => note.textContent(), { timeout: 15_000 }).toContain('the on-machine recogniser (PocketSphinx)');

    await page.getByLabel('Call at').fill('2026-01-07T10:00'); // a Wednesday morning: the lines are open
    await page.getByRole('button', { name: 'Call the draft' }).click();
    const transcript = page.getByRole('list', { name: 'Transcript' });
    await expect.poll(() => transcript.textContent(), { timeout: 30_000 }).toContain('tell us in a few words');

    await page.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Stop and send' }).isVisible(), { timeout: 15_000 }).toBe(true);
    await page.screenshot({ path: join(shots, 'mic-recording.png') });
    await page.waitForTimeout(4500); // the resident's sentence and its silence, once round
    await page.getByRole('button', { name: 'Stop and send' }).click();

    await expect.poll(() => transcript.textContent(), { timeout: 60_000 }).toMatch(/said “[^”]+” \(\d+% sure\)/);
    const text = (await transcript.textContent()) ?? '';
    expect(text).toMatch(/spoke for \d+\.\d s into the microphone/);
    await page.screenshot({ path: join(shots, 'mic-heard.png') });
    await page.getByRole('button', { name: 'Hang up' }).click();

    // The speech node's settings: synonyms, the safeguarding confirmation and the keypad fallback are forms too.
    await page.locator('[data-testid="node-ask-reason"] .flow-node-name').click();
    await page.getByRole('tab', { name: 'Settings' }).click();
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await expect.poll(() => inspector.textContent()).toContain('Safeguarding confirmation');
    expect(await inspector.textContent()).toMatch(/synonyms/i);
    await page.screenshot({ path: join(shots, 'speech-node-settings.png'), fullPage: true });
    await inspector.getByText('Safeguarding confirmation').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'speech-node-confirmation.png') });
  });
});
