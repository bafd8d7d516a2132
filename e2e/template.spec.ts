import { expect, test } from '@playwright/test';
import { screenshot, signInAsGuest } from './helpers';

/*
 * The "Service behind Istio" template, end to end with no accounts: fill the
 * form in the browser with its defaults, create, and find the new component
 * in the catalog with its chain live in the demo cluster `dev`.
 */

test('a service owner creates a service behind Istio and opens its Service Mesh tab', async ({
  page,
}) => {
  test.setTimeout(480_000);
  // A new name each run (the tests' demo state, .demo-e2e/, is wiped when
  // they start, but a server reused with E2E_REUSE_SERVER keeps it).
  const name = `e2e-${Date.now().toString(36)}`;

  await signInAsGuest(page);
  // The template, as the Create page links to it. The catalog ingests it
  // seconds after the backend starts; a reload only helps if the page says
  // it is not there yet (reloading a page that is still loading does not).
  await page.goto('/create/templates/default/mesh-service');
  const nameField = page.getByRole('textbox', { name: 'Name' });
  await expect(async () => {
    if (
      await page
        .getByText(/not found/i)
        .first()
        .isVisible()
    ) {
      await page.reload();
    }
    await expect(nameField).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 240_000 });
  await expect(page.getByText('Service behind Istio').first()).toBeVisible();

  // Page 1: the service. Everything else keeps the defaults that make a
  // working service in one click.
  await nameField.fill(name);
  await screenshot(page, 'template-service');
  for (const title of [
    'Runtime',
    'Exposure',
    'Traffic policy',
    'Autoscaling',
    'Where it goes',
  ]) {
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByText(title).first()).toBeVisible();
  }
  // The exposure page explains the Service types; the last page says where it
  // goes, and shows what the Service Mesh tab will report about the service
  // (the MeshChainCheck field): with the defaults, nothing.
  await expect(page.getByRole('button', { name: 'Review' })).toBeVisible();
  const meshCheck = page.getByRole('region', { name: 'Service Mesh check' });
  await expect(meshCheck).toContainText(
    "No problems found: the Service Mesh tab will report none (against what cluster 'dev' holds)",
    { timeout: 60_000 },
  );
  await screenshot(page, 'template-where');
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText(name).first()).toBeVisible();
  // The review page lists the check's findings.
  await expect(
    page.getByRole('row', { name: /Service Mesh check.*No problems found/ }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task renders, validates, applies to the demo cluster, waits for the
  // pods and registers the component.
  await expect(page.getByRole('link', { name: 'Open in catalog' })).toBeVisible(
    { timeout: 150_000 },
  );
  await expect(
    page.getByRole('link', { name: 'External URL' }),
  ).toHaveAttribute('href', `http://${name}.example.com/`);
  await expect(
    page
      .getByText('| Deployment |')
      .or(page.getByRole('cell', { name: 'Deployment' }))
      .first(),
  ).toBeVisible();
  await screenshot(page, 'template-done');

  // The new component, with its chain live.
  await page.getByRole('link', { name: 'Service Mesh tab' }).click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${name}/mesh$`),
  );
  // The tab resolves the chain live from the cluster: the selector from the
  // entity's annotations, and every link of the chain healthy, down to the
  // pods the rollout made ready.
  await expect(
    page.getByText(`backstage.io/kubernetes-id=${name}`),
  ).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('Chain', { exact: true })).toBeVisible();
  for (const column of [
    'Gateway',
    'Routes',
    'DestinationRule',
    'Service',
    'Deployment',
    'Pods',
  ]) {
    await expect(page.getByText(column, { exact: true }).first()).toBeVisible();
  }
  await expect(page.getByText('2/2 ready').first()).toBeVisible();
  // The mesh plugin's own diagnostics (Kiali/istioctl-style checks) agree
  // that every reference the template rendered holds. Right after creation
  // the autoscaler may not have read its first metrics yet; the tab updates
  // live, so give it time to settle.
  await expect(page.getByRole('region', { name: 'Diagnostics' })).toContainText(
    'No problems found',
    { timeout: 90_000 },
  );
  await expect(
    page.getByText(`http://${name}.example.com/`).first(),
  ).toBeVisible();
  await screenshot(page, 'template-mesh-tab');
});
