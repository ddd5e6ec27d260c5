/** Signing in through the designer's own form, as a person would. */
import type { Page } from 'playwright-core';

export async function signIn(page: Page, url: string, username: string, password: string, landing: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: landing }).waitFor({ state: 'visible', timeout: 15_000 });
}
