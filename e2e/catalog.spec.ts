import { expect, test } from '@playwright/test';
import { screenshot, signInAsGuest } from './helpers';

test('a guest signs in and sees the example entities in the catalog', async ({
  page,
}) => {
  await signInAsGuest(page);
  // The catalog is the home page of this portal.
  await page
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'Catalog', exact: true })
    .click();
  await expect(
    page.getByRole('columnheader', { name: 'Owner' }).first(),
  ).toBeVisible();

  // The catalog ingests examples/entities.yaml shortly after the backend
  // starts; reload until it has.
  let attempt = 0;
  await expect(async () => {
    if (attempt++ > 0) await page.reload();
    await expect(
      page.getByRole('link', { name: 'example-website' }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await screenshot(page, 'catalog');
});
