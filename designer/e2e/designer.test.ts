/**
 * The designer, end to end, through the real UI against the real engine and database:
 * `start()` from engine/src/main.ts (embedded PostgreSQL in a temp data dir, a free port, serving
 * designer/dist), driven by Debian's Chromium through playwright-core. Screenshots of each step are
 * saved under test-results/e2e/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, ensureDesignerBuilt, startProduct, type RunningProduct } from './product.js';
import { launchChromium } from './chromium.js';

const repo = resolve(import.meta.dirname, '../..');
const shots = join(repo, 'test-results', 'e2e');


let product: RunningProduct;
let browser: Browser;
let page: Page;
let dataDir: string;
let step = 0;
/** Uncaught errors and React / React Flow complaints in the browser console. */
const browserProblems: string[] = [];

async function shot(name: string) {
  step++;
  await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`) });
}

const node = (id: string) => page.locator(`[data-testid="node-${id}"]`);

/** Drag a kind from the palette onto the canvas at (x, y) within the canvas. */
async function dropFromPalette(label: string, x: number, y: number) {
  await page.getByRole('button', { name: `Add ${label}` }).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
}

/** Drag from a node's outcome handle to another node's input handle, as a person would (hover, press, move, release). */
async function connect(from: string, outcome: string, to: string) {
  const edges = await page.locator('.react-flow__edge').count();
  const source = await node(from).locator(`[data-outcome="${outcome}"]`).boundingBox();
  const target = await node(to).locator('.handle-in').boundingBox();
  if (!source || !target) throw new Error(`Cannot see the handles to connect ${from}:${outcome} → ${to}`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2 - 10, { steps: 10 });
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 2 });
  await page.mouse.up();
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edges + 1);
}

async function selectNode(id: string) {
  await node(id).click();
  await page.getByRole('tab', { name: 'Settings' }).click();
  const name = await node(id).locator('.flow-node-name').textContent();
  await expect.poll(() => page.locator('#node-name').inputValue()).toBe(name);
}

const inspector = () => page.getByRole('complementary', { name: 'Inspector' });

async function openTab(name: RegExp | string) {
  await page.getByRole('tab', { name }).click();
}

describe('designer in the browser', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureDesignerBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-'));
    product = await startProduct(dataDir);
    await createAdmin(product, 'e2e-admin', 'a long e2e password');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => browserProblems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      // The first /api/auth/me answers 401 before signing in: the browser logs that fetch; it is expected.
      if (['error', 'warning'].includes(message.type()) && !message.text().startsWith('Failed to load resource')) {
        browserProblems.push(`${message.type()}: ${message.text()}`);
      }
    });
  });

  afterAll(async () => {
    await browser?.close();
    await product?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in, builds a flow from an empty canvas, fixes a diagnostic, publishes, test-calls it, compares versions and rolls back', async () => {
    // Sign in.
    await page.goto(product.url);
    await page.getByLabel('Username').fill('e2e-admin');
    await page.getByLabel('Password').fill('a long e2e password');
    await shot('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Call flows' }).isVisible()).toBe(true);

    // A new, empty flow.
    await page.getByLabel('New flow name').fill('E2E bins line');
    await page.getByRole('button', { name: 'Create flow' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'E2E bins line' }).isVisible()).toBe(true);
    await shot('empty-canvas');

    // Play → menu → two transfers, plus a polite ending for the menu's and transfers' other exits.
    await dropFromPalette('Play prompt', 380, 50);
    await expect.poll(() => node('play-1').isVisible()).toBe(true);
    // A new play prompt has no words yet: the engine's diagnostic appears on the node and in the list.
    await openTab(/^Problems/);
    await expect.poll(() => page.getByRole('region', { name: 'Problems' }).textContent()).toContain('"Play prompt" › Prompt has no English text');
    await expect.poll(() => node('play-1').locator('.badge-error').isVisible()).toBe(true);
    await shot('diagnostic-appears');
    await page.getByRole('button', { name: /Prompt has no English text/ }).click();
    // Clicking the problem opened the node's settings with the field focused: type the prompt there.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-field'))).toBe('prompt.text.en-GB');
    await page.keyboard.type('Welcome to the council bins line.');
    await openTab(/^Problems/);
    await expect.poll(() => page.getByRole('region', { name: 'Problems' }).textContent()).not.toContain('Prompt has no English text');
    await shot('diagnostic-cleared');

    await dropFromPalette('Menu', 380, 210);
    await dropFromPalette('Transfer', 200, 420);
    await dropFromPalette('Transfer', 640, 420);
    await dropFromPalette('End call', 420, 620);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);

    await selectNode('menu-1');
    await inspector().getByLabel('Prompt (English)').first().fill('For bin collections press 1. For missed bins press 2.');
    const options = inspector().getByRole('group', { name: 'Options' });
    // A new menu starts with option 1; the next option takes key 2 by itself.
    await options.getByRole('group', { name: 'Option 1' }).getByLabel('Label').fill('Collections');
    await options.getByRole('button', { name: 'Add option' }).click();
    expect(await options.getByRole('group', { name: 'Option 2' }).getByLabel('Key').inputValue()).toBe('2');
    await options.getByRole('group', { name: 'Option 2' }).getByLabel('Label').fill('Missed bins');
    for (const [id, destination] of [['transfer-1', 'sip:collections@pbx.example.gov.uk'], ['transfer-2', 'sip:missed@pbx.example.gov.uk']]) {
      await selectNode(id!);
      await inspector().getByLabel('Destination').fill(destination!);
    }
    await selectNode('hangup-1');
    await inspector().getByLabel('Prompt (English)').fill('Sorry, nobody can take your call. Goodbye.');
    await shot('nodes-configured');

    await connect('play-1', 'done', 'menu-1');
    await connect('menu-1', '1', 'transfer-1');
    await connect('menu-1', '2', 'transfer-2');
    for (const outcome of ['noInput', 'noMatch']) await connect('menu-1', outcome, 'hangup-1');
    for (const transfer of ['transfer-1', 'transfer-2']) {
      for (const outcome of ['busy', 'noAnswer', 'failed']) await connect(transfer, outcome, 'hangup-1');
    }
    await shot('connected');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(11);
    await openTab(/^Problems/);
    await expect.poll(() => page.getByRole('region', { name: 'Problems' }).textContent()).toContain('No problems');
    await shot('flow-built');

    // Keyboard: copy and paste a node, undo the paste; Delete says what it would break, and Keep keeps it.
    await selectNode('transfer-1');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(6);
    await expect.poll(() => node('transfer-3').isVisible()).toBe(true);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    await selectNode('transfer-1');
    await page.keyboard.press('Delete');
    const confirm = page.getByRole('dialog', { name: 'Delete 1 step?' });
    await expect.poll(() => confirm.textContent()).toContain('Menu → 1: Collections');
    await shot('delete-summary');
    await confirm.getByRole('button', { name: 'Keep' }).click();
    expect(await page.locator('.react-flow__edge').count()).toBe(11);

    // Publish (the draft autosaves; publishing saves first anyway).
    await page.getByRole('button', { name: 'Publish…' }).click();
    await page.getByLabel('What changed').fill('First version of the bins line');
    await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Published version 1');
    await shot('published');

    // A test call: press 2 and follow the caller to the missed-bins transfer.
    await openTab('Test call');
    await page.getByRole('button', { name: 'Call the draft' }).click();
    const transcript = page.getByRole('list', { name: 'Transcript' });
    await expect.poll(() => transcript.textContent(), { timeout: 20_000 }).toContain('For bin collections press 1');
    await expect.poll(() => node('menu-1').getAttribute('class')).toContain('is-active');
    await shot('test-call-at-menu');
    // Looking at a step from the transcript mid-call (or at its settings) leaves the call going.
    await transcript.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('#node-name').inputValue()).toBe('Menu');
    await page.getByRole('tab', { name: 'Test call' }).click();
    expect(await page.locator('.call-state').textContent()).toBe('In call');
    await shot('test-call-survives-settings');
    await page.getByRole('button', { name: 'Press 2' }).click();
    await expect.poll(() => transcript.textContent(), { timeout: 20_000 }).toContain('Call ended');
    expect(await transcript.textContent()).toContain('Caller pressed 2');
    expect(await transcript.textContent()).toContain('Call ended: transferred');
    await expect.poll(() => node('transfer-2').getAttribute('class')).toMatch(/is-active|is-visited/);
    expect(await node('transfer-1').getAttribute('class')).not.toMatch(/is-visited/);
    await shot('test-call-ended');
    // Again, with the missed-bins team busy: the caller hears the apology instead.
    await page.getByText('How the outside world answers').click();
    await page.getByLabel('World (JSON)').fill('{ "destinations": { "sip:missed@pbx.example.gov.uk": "busy" } }');
    await page.getByRole('button', { name: 'Call the draft again' }).click();
    await expect.poll(() => transcript.textContent(), { timeout: 20_000 }).toContain('For bin collections press 1');
    await page.getByRole('button', { name: 'Press 2' }).click();
    await expect.poll(() => transcript.textContent(), { timeout: 20_000 }).toContain('Call ended');
    expect(await transcript.textContent()).toContain('Transfer 2 → Busy');
    expect(await transcript.textContent()).toContain('Sorry, nobody can take your call. Goodbye.');
    await expect.poll(() => node('hangup-1').getAttribute('class')).toMatch(/is-active/);
    await shot('test-call-busy');

    // A second version, then roll back to the first in one click (plus a confirmation).
    await selectNode('menu-1');
    await inspector().getByLabel('Prompt (English)').first().fill('For bin collections press 1. For a missed bin press 2.');
    await page.getByRole('button', { name: 'Publish…' }).click();
    await page.getByLabel('What changed').fill('Clearer wording');
    await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Published version 2');
    await openTab('Versions');
    // What changed since version 1, on the canvas.
    await page.getByLabel('Compare from version').selectOption('1');
    await page.getByRole('button', { name: 'Show differences' }).click();
    await expect.poll(() => node('menu-1').getAttribute('class')).toContain('diff-changed');
    expect(await node('play-1').getAttribute('class')).not.toContain('diff-');
    await shot('diff-v1-to-draft');
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    await shot('rollback-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('version 3 is now live');
    await expect.poll(() => page.locator('[data-version="3"]').textContent()).toContain('live');
    await shot('rolled-back');
    expect(browserProblems).toEqual([]);
  });

  it("runs an example flow's scripted test calls and shows edge coverage on the canvas", async () => {
    await page.goto(`${product.url}#/flows`);
    await page.getByRole('link', { name: 'Out-of-hours emergency line' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(11);
    await openTab('Tests');
    await page.getByRole('button', { name: 'Run test calls' }).click();
    const panel = page.getByRole('region', { name: 'Flow tests' });
    await expect.poll(() => panel.textContent(), { timeout: 30_000 }).toMatch(/(\d+) of \1 calls passed/);
    const edges = await page.locator('.react-flow__edge').count();
    const tested = await page.locator('.react-flow__edge.edge-tested').count();
    expect(tested).toBeGreaterThan(0);
    expect(tested + (await page.locator('.react-flow__edge.edge-untested').count())).toBe(edges);
    expect(await panel.textContent()).toContain(`edge coverage ${tested}/`);
    await shot('flow-tests-coverage');
    expect(browserProblems).toEqual([]);
  });

  it('reads a large flow zoomed out, finds a step by name, groups and collapses steps, lands drops somewhere free, and folds the panels away', async () => {
    await page.goto(`${product.url}#/flows`);
    await page.getByRole('link', { name: 'Main council line' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBeGreaterThan(20);
    // At fit-to-view the steps are small, but their names are drawn at a readable size, as on a map.
    const labels = page.locator('.name-label');
    await expect.poll(() => labels.count()).toBeGreaterThan(15);
    expect(await labels.first().evaluate((l) => getComputedStyle(l).fontSize)).toBe('12px');
    expect(await labels.allTextContents()).toContain('Opening hours');
    await shot('large-flow-names-at-fit');

    // Find a step by (part of) its name: it is selected and brought into view, zoomed in to read.
    await page.getByLabel('Find a step').fill('keypad');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#node-name').inputValue()).toBe('Keypad menu');
    await expect.poll(() => node('main-menu').getAttribute('class')).toContain('is-selected');
    await shot('find-a-step');

    // Group two steps, collapse them into one box, open them again.
    await node('main-menu').click();
    await node('blue-badge-queue').click({ modifiers: ['Control'] });
    await page.getByRole('toolbar', { name: 'Selected steps' }).getByRole('button', { name: 'Group' }).click();
    await expect.poll(() => page.getByLabel(/^Group Group, 2 steps$/).count()).toBe(1);
    await page.getByRole('button', { name: 'Collapse group Group' }).click();
    await expect.poll(() => page.getByLabel('Collapsed group Group, 2 steps').isVisible()).toBe(true);
    expect(await node('main-menu').isVisible()).toBe(false);
    await shot('group-collapsed');
    await page.getByRole('button', { name: 'Open group Group' }).click();
    await expect.poll(() => node('main-menu').isVisible()).toBe(true);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');

    // A step dropped on the minimap lands in view, on no other step.
    // Counted by name: the canvas draws only the steps in view, and the view may move to show the new one.
    const voicemails = page.locator('.react-flow__node .flow-node-name', { hasText: /^Voicemail$/ });
    expect(await voicemails.count()).toBe(0);
    await page.getByRole('button', { name: 'Add Voicemail' }).dragTo(page.locator('.overview-map'));
    await expect.poll(() => voicemails.count()).toBe(1);
    const dropped = page.locator('.react-flow__node').filter({ has: page.locator('.flow-node-name', { hasText: /^Voicemail$/ }) });
    const box = (await dropped.boundingBox())!;
    const canvas = (await page.locator('.canvas').boundingBox())!;
    expect(box.x >= canvas.x && box.y >= canvas.y && box.x + box.width <= canvas.x + canvas.width && box.y + box.height <= canvas.y + canvas.height).toBe(true);
    const others = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom]));
    const overlaps = others.filter((o) => !(o[2]! <= box.x || box.x + box.width <= o[0]! || o[3]! <= box.y || box.y + box.height <= o[1]!));
    expect(overlaps).toHaveLength(1); // itself
    await page.keyboard.press('Control+z');

    // The side panels fold away: the canvas gets the room.
    const wide = (await page.locator('.canvas').boundingBox())!.width;
    await page.getByRole('button', { name: 'Hide the side panel' }).click();
    await page.getByRole('button', { name: 'Hide the steps palette' }).click();
    await expect.poll(async () => (await page.locator('.canvas').boundingBox())!.width).toBeGreaterThan(wide + 400);
    await shot('panels-folded');
    await page.getByRole('button', { name: 'Open Settings' }).click();
    await page.getByRole('button', { name: 'Show the steps palette' }).click();
    expect(browserProblems).toEqual([]);
  });

  it('keeps a prompt in the library and routes a phone number to a flow', async () => {
    await page.getByRole('link', { name: 'Prompts' }).click();
    await page.getByRole('button', { name: 'Add prompt' }).click();
    await page.getByLabel('Id').fill('bins-closed');
    await page.getByLabel('Name').fill('Bins line closed');
    await page.getByLabel('Text (en-GB)').fill('The bins line is closed. Please call back tomorrow.');
    await page.getByRole('button', { name: 'Save prompt' }).click();
    await expect.poll(() => page.getByRole('table').textContent()).toContain('Bins line closed');
    expect(await page.getByRole('button', { name: 'Listen to Bins line closed in en-GB (text-to-speech)' }).isVisible()).toBe(true);
    await shot('prompt-library');

    await page.getByRole('link', { name: 'Numbers' }).click();
    await page.getByRole('button', { name: 'Add number' }).click();
    await page.getByLabel('Number', { exact: true }).fill('+441632960777');
    await page.getByLabel('Label').fill('Bins line');
    await page.getByLabel('Flow', { exact: true }).selectOption('e2e-bins-line');
    await page.getByRole('button', { name: 'Save number' }).click();
    await expect.poll(() => page.getByRole('table').textContent()).toContain('+441632960777');
    expect(await page.getByRole('table').textContent()).toContain('E2E bins line');
    await shot('numbers');
    expect(browserProblems).toEqual([]);
  });

  it('lets the admin add a designer on the Users screen, who then sees neither Users nor Publish', async () => {
    const designer = `e2e-designer-${Date.now().toString(36)}`;
    await page.getByRole('link', { name: 'Users' }).click();
    const users = page.getByRole('region', { name: 'Users' });
    // The API's rule against demoting yourself comes back beside the Role field.
    await users.getByRole('button', { name: 'Edit user e2e-admin' }).click();
    await users.getByLabel('Role').selectOption('viewer');
    await users.getByRole('button', { name: 'Save user' }).click();
    await expect.poll(() => users.getByRole('form').textContent()).toContain('not for your own account');
    await shot('users-own-role-refused');
    await users.getByRole('button', { name: 'Cancel' }).click();

    await users.getByRole('button', { name: 'Add user' }).click();
    await users.getByLabel('Username').fill(designer);
    await users.getByLabel('Role').selectOption('designer');
    await users.getByLabel('Password').fill('a designer password');
    await users.getByRole('button', { name: 'Save user' }).click();
    await expect.poll(() => users.getByRole('table').textContent()).toContain(designer);

    const tokens = page.getByRole('region', { name: 'API tokens' });
    await tokens.getByRole('button', { name: 'Add token' }).click();
    await tokens.getByLabel('Token name').fill('CI deploy');
    await tokens.getByRole('button', { name: 'Save token' }).click();
    await expect.poll(() => page.getByLabel('Token secret').inputValue()).toMatch(/^fd_/);
    await shot('users-and-tokens');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').fill(designer);
    await page.getByLabel('Password').fill('a designer password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Call flows' }).isVisible()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).toBe(0);
    await page.getByRole('link', { name: 'E2E bins line' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'E2E bins line' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: /Publish/ }).count()).toBe(0);
    await shot('designer-without-publish');
    expect(browserProblems).toEqual([]);
  });
});
