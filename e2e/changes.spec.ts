import { execFileSync } from 'child_process';
import path from 'path';
import { test, expect, Page } from '@playwright/test';
import { E2E_DEMO_DIR } from './demoDir';
import { navigate, screenshot, signInAsGuest } from './helpers';

/*
 * Changing traffic from the Service Mesh tab, as the guest, who owns the
 * demo components (group guests) except status-page (platform-admins).
 * The tests run in order on one page. What they apply to checkout in the
 * dev cluster is set back to the seeded 90/10 with kubectl afterwards, so
 * mesh-tab.spec.ts reads checkout as seeded.
 */
test.describe.configure({ mode: 'serial' });

const CHECKOUT_HOST = 'checkout.shop.svc.cluster.local';

function kubectl(cluster: 'dev' | 'prod', ...args: string[]): string {
  return execFileSync(
    'kubectl',
    ['--kubeconfig', path.join(E2E_DEMO_DIR, `${cluster}.kubeconfig`), ...args],
    { encoding: 'utf8', timeout: 30_000 },
  );
}

function checkoutWeights(): number[] {
  const vs = JSON.parse(
    kubectl(
      'dev',
      '-n',
      'shop',
      'get',
      'virtualservice/checkout',
      '-o',
      'json',
    ),
  );
  return vs.spec.http[0].route.map((r: { weight: number }) => r.weight);
}

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await expect(() => signInAsGuest(page)).toPass({ timeout: 270_000 });
});

test.afterAll(async () => {
  kubectl(
    'dev',
    '-n',
    'shop',
    'patch',
    'virtualservice/checkout',
    '--type=json',
    '-p',
    JSON.stringify([
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 90 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 10 },
    ]),
  );
  await page?.close();
});

/** The tab of a component on one cluster, once the catalog has it. */
async function openTab(component: string, cluster = 'dev') {
  const chain = page.getByRole('group', {
    name: new RegExp(`^Chain in cluster Demo cluster \\(${cluster}\\)`),
  });
  let attempt = 0;
  await expect(async () => {
    const url = `/catalog/default/component/${component}/mesh?cluster=${cluster}`;
    await (attempt === 0 ? navigate(page, url) : page.goto(url));
    attempt++;
    await expect(chain).toBeVisible({ timeout: 15_000 });
  }).toPass({ timeout: 120_000 });
  return page.getByRole('region', { name: 'Change traffic', exact: true });
}

async function openWeights(component: string, route: string) {
  const card = await openTab(component);
  await card
    .getByRole('button', { name: `Weights: Route ${component} ${route}` })
    .click();
  return page.getByRole('dialog');
}

test('the owner of checkout shifts the canary to 50/50 after seeing the diff', async () => {
  const dialog = await openWeights('checkout', 'http[0] "default"');
  await dialog.getByLabel(`Weight of ${CHECKOUT_HOST} (v1) (%)`).fill('50');
  await dialog.getByLabel(`Weight of ${CHECKOUT_HOST} (v2) (%)`).fill('50');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(dialog.getByLabel('YAML diff')).toContainText('weight: 50');
  await expect(
    dialog.getByText('The change introduces no new problems.'),
  ).toBeVisible();
  await expect(dialog.getByText('Where traced requests go')).toBeVisible();
  await screenshot(page, 'change-preview');
  // Nothing is written before the owner confirms.
  expect(checkoutWeights()).toEqual([90, 10]);

  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog.getByRole('status')).toContainText('Applied');
  expect(checkoutWeights()).toEqual([50, 50]);
  await dialog.getByRole('button', { name: 'Close' }).click();
  // The open tab shows it live (signals), without a reload.
  const routes = page.getByRole('region', { name: 'Routes', exact: true });
  await expect(routes.getByText('50%')).toHaveCount(2, { timeout: 15_000 });
});

test('a split sending traffic to a subset without pods shows the diagnostic before apply', async () => {
  const dialog = await openWeights('payments', 'http[0] "default"');
  await dialog
    .getByRole('button', { name: /^Promote: all to payments.*\(v2\)$/ })
    .click();
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(
    dialog.getByText(/selects no pods|no ready pods|0 ready pods/i).first(),
  ).toBeVisible();
  await screenshot(page, 'change-diagnostic');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test('a weight another field manager owns is reported with its owner', async () => {
  const card = await openTab('checkout', 'prod');
  await card
    .getByRole('button', { name: 'Weights: Route checkout http[0] "default"' })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /^Promote:/ }).click();
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(dialog.getByText('Other owners of these fields')).toBeVisible();
  await expect(dialog.getByText('flagger', { exact: true })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Apply' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test('someone who does not own the component gets no control, and the API answers 403', async () => {
  // The guest's Backstage token, as the app sends it to the mesh backend.
  const meshRequest = page.waitForRequest(
    r => r.url().includes('/api/mesh/') && !!r.headers().authorization,
  );
  const card = await openTab('status-page');
  const authorization = (await meshRequest).headers().authorization;
  await expect(
    card.getByText(/You may not change this component’s traffic/),
  ).toBeVisible();
  await expect(card.getByRole('button')).toHaveCount(0);
  await screenshot(page, 'change-denied');
  const res = await page.request.post(
    'http://localhost:7007/api/mesh/entities/component/default/status-page/changes/preview',
    {
      headers: { authorization },
      data: {
        cluster: 'dev',
        change: {
          type: 'restart',
          target: { namespace: 'ops', name: 'status-page' },
        },
      },
    },
  );
  expect(res.status()).toBe(403);
  expect((await res.json()).error.name).toBe('NotAllowedError');
});
