import { expect, Page } from '@playwright/test';
import path from 'path';

/** Signs in with the guest provider if the sign-in page is shown. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  // The sidebar's Catalog link only renders once signed in.
  const nav = page
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'Catalog', exact: true });
  await expect(enter.or(nav).first()).toBeVisible();
  if (await enter.isVisible()) {
    await enter.click();
  }
  await expect(nav).toBeVisible();
}

/** Saves a full-page screenshot under screenshots/ (git-ignored). */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({
    path: path.join(__dirname, '..', 'screenshots', `${name}.png`),
    fullPage: true,
  });
}
