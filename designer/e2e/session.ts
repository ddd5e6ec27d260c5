/** Signing in through the designer's own form, as a person would. */
import type { Page } from 'playwright-core';

export async function signIn(page: Page, url: string, username: string, password: string, landing: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The landing screen's own heading (level 1): a screen may also hold smaller headings with the same words.
  await page.getByRole('heading', { name: landing, level: 1 }).waitFor({ state: 'visible', timeout: 15_000 });
}
