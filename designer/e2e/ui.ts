/**
 * Driving the designer as a person does, for the browser tests: every click, drag, key press and field
 * typed into is one UI action and is counted, so a test can say how much work a job took. Waiting and
 * looking are not actions. Screenshots are numbered in the order they are taken.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export class Ui {
  /** UI actions so far. */
  actions = 0;
  private shots = 0;

  constructor(
    readonly page: Page,
    private readonly shotsDir: string,
    private readonly prefix: string,
  ) {
    mkdirSync(shotsDir, { recursive: true });
  }

  async shot(name: string): Promise<void> {
    this.shots++;
    await this.page.screenshot({ path: join(this.shotsDir, `${this.prefix}-${String(this.shots).padStart(2, '0')}-${name}.png`) });
  }

  async click(target: Locator): Promise<void> {
    this.actions++;
    await target.click();
  }

  async fill(target: Locator, text: string): Promise<void> {
    this.actions++;
    await target.fill(text);
  }

  async select(target: Locator, value: string | { label: string }): Promise<void> {
    this.actions++;
    await target.selectOption(value);
  }

  async check(target: Locator, checked = true): Promise<void> {
    this.actions++;
    await target.setChecked(checked);
  }

  async press(key: string): Promise<void> {
    this.actions++;
    await this.page.keyboard.press(key);
  }

  /** Typing on the keyboard: one action, however long the text; `delay` (ms between keys) types at a person's pace. */
  async type(text: string, options: { delay?: number } = {}): Promise<void> {
    this.actions++;
    await this.page.keyboard.type(text, options);
  }

  /** Drag a kind from the palette onto the canvas at (x, y) within the canvas. */
  async drop(label: string, x: number, y: number): Promise<void> {
    this.actions++;
    await this.page.getByRole('button', { name: `Add ${label}` }).dragTo(this.page.locator('.react-flow__pane'), { targetPosition: { x, y } });
  }

  /** The node drawn for a step, found by the name shown on it. */
  node(name: string): Locator {
    return this.page.locator('.react-flow__node').filter({ has: this.page.locator('.flow-node-name', { hasText: new RegExp(`^${escape(name)}$`) }) });
  }

  /** Drag from a step's exit to another step's entry, as a person would (press, move, release): one action. */
  async connect(from: string, outcome: string, to: string): Promise<void> {
    const edges = await this.page.locator('.react-flow__edge').count();
    const source = await this.node(from).locator(`[data-outcome="${outcome}"]`).boundingBox();
    const target = await this.node(to).locator('.handle-in').boundingBox();
    if (!source || !target) throw new Error(`Cannot see the handles to connect ${from}:${outcome} → ${to}`);
    this.actions++;
    const { mouse } = this.page;
    await mouse.move(source.x + source.width / 2, source.y + source.height / 2);
    await mouse.down();
    await mouse.move(target.x + target.width / 2, target.y + target.height / 2 - 10, { steps: 8 });
    await mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 2 });
    await mouse.up();
    await expect.poll(() => this.page.locator('.react-flow__edge').count()).toBeGreaterThan(edges);
  }

  /** Click a step on the canvas to open its settings (one action); zoomed far out, its box is still there to click. */
  async open(name: string): Promise<void> {
    await this.click(this.node(name));
    await expect.poll(() => this.page.locator('#node-name').inputValue()).toBe(name);
  }

  /** The settings panel of the selected step. */
  inspector(): Locator {
    return this.page.getByRole('complementary', { name: 'Inspector' });
  }

  /** Connect an exit from the settings panel's list of exits (the keyboard's way: one action). */
  async connectFromList(exitLabel: string, to: string): Promise<void> {
    await this.select(this.inspector().getByLabel(exitLabel, { exact: true }), { label: to });
  }

  async tab(name: RegExp | string): Promise<void> {
    await this.click(this.page.getByRole('tab', { name }));
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Sign in on the login screen (three actions). */
export async function signIn(ui: Ui, url: string, username: string, password: string): Promise<void> {
  await ui.page.goto(url);
  await ui.fill(ui.page.getByLabel('Username'), username);
  await ui.fill(ui.page.getByLabel('Password'), password);
  await ui.click(ui.page.getByRole('button', { name: 'Sign in' }));
  await expect.poll(() => ui.page.getByRole('heading', { name: 'Call flows' }).isVisible()).toBe(true);
}

/** Browser errors and React / React Flow complaints, collected for a test to assert there were none. */
export function watchBrowser(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    // The first /api/auth/me answers 401 before signing in: the browser logs that fetch; it is expected.
    if (['error', 'warning'].includes(message.type()) && !message.text().startsWith('Failed to load resource')) problems.push(`${message.type()}: ${message.text()}`);
  });
  return problems;
}
