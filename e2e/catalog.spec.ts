import { expect, test } from '@playwright/test';
import { screenshot, signInAsGuest } from './helpers';

// One Component per demo-cluster scenario (examples/entities.yaml).
const SCENARIO_COMPONENTS = [
  'storefront',
  'checkout',
  'inventory',
  'legacy-reports',
  'status-page',
  'search',
  'recommendations',
  'reviews',
  'payments',
  'notifications',
  'ratings',
  'docs',
];

test('a guest signs in and sees the demo scenario components in the catalog', async ({
  page,
}) => {
  test.setTimeout(240_000);
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
  // starts; reload until it has (slowly: a loaded machine needs a while to
  // render the page at all).
  let attempt = 0;
  await expect(async () => {
    if (attempt++ > 0) await page.reload();
    await expect(
      page.getByRole('link', { name: 'storefront', exact: true }),
    ).toBeVisible({ timeout: 20_000 });
  }).toPass({ timeout: 150_000 });

  for (const name of SCENARIO_COMPONENTS) {
    await expect(
      page.getByRole('link', { name, exact: true }).first(),
    ).toBeVisible();
  }
  await screenshot(page, 'catalog');
});
