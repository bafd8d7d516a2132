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

/**
 * Goes to a path of the app the way its links do (client-side, through the
 * router), or loads it when the page has no app yet.
 */
export async function navigate(page: Page, path: string) {
  if (!page.url().startsWith('http')) {
    await page.goto(path);
    return;
  }
  await page.evaluate(to => {
    window.history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate', { state: null }));
  }, path);
}
