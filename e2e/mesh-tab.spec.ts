import { execFileSync } from 'child_process';
import path from 'path';
import { test as base, expect, Locator, Page } from '@playwright/test';
import { E2E_DEMO_DIR } from './demoDir';
import { navigate, screenshot, signInAsGuest } from './helpers';

/*
 * The Service Mesh tab and card against script/server and the demo clusters
 * (packages/demo-cluster): every seeded scenario shows its routes, Service
 * type, replicas, autoscaler and diagnostics, and changes made with kubectl
 * reach the open page by themselves.
 *
 * The tests share one signed-in page and move between entities the way the
 * app does (client-side navigation): a full load of the development bundle
 * costs about 12 s, a navigation a fraction of a second.
 */

const test = base.extend<{}, { appPage: Page }>({
  appPage: [
    async ({ browser }, use, workerInfo) => {
      const { baseURL, viewport } = workerInfo.project.use;
      const context = await browser.newContext({ baseURL, viewport });
      const page = await context.newPage();
      // The first page load after script/server starts waits for the bundle.
      await expect(() => signInAsGuest(page)).toPass({ timeout: 270_000 });
      await use(page);
      await context.close();
    },
    { scope: 'worker', timeout: 300_000 },
  ],
  page: async ({ appPage }, use) => use(appPage),
});

/** kubectl against a demo cluster, with the kubeconfig script/server wrote. */
function kubectl(cluster: 'dev' | 'prod', ...args: string[]): string {
  return execFileSync(
    'kubectl',
    ['--kubeconfig', path.join(E2E_DEMO_DIR, `${cluster}.kubeconfig`), ...args],
    { encoding: 'utf8', timeout: 30_000 },
  );
}

/** Scales the canary's v1 Deployment in the dev cluster. */
function scaleCheckoutV1(replicas: number) {
  kubectl(
    'dev',
    '-n',
    'shop',
    'scale',
    'deployment/checkout-v1',
    `--replicas=${replicas}`,
  );
}

/** Sets the canary's route weights (v1, v2) in the dev cluster. */
function setCheckoutWeights(v1: number, v2: number) {
  kubectl(
    'dev',
    '-n',
    'shop',
    'patch',
    'virtualservice/checkout',
    '--type=json',
    '-p',
    JSON.stringify([
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: v1 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: v2 },
    ]),
  );
}

/** Opens a component's Service Mesh tab on one cluster, waiting out catalog ingestion. */
async function openTab(page: Page, component: string, cluster = 'dev') {
  const chain = page.getByRole('group', {
    name: new RegExp(`^Chain in cluster Demo cluster \\(${cluster}\\)`),
  });
  let attempt = 0;
  await expect(async () => {
    const url = `/catalog/default/component/${component}/mesh?cluster=${cluster}`;
    // Again after a miss (the catalog still ingesting): a full load.
    await (attempt === 0 ? navigate(page, url) : page.goto(url));
    attempt++;
    await expect(chain).toBeVisible({ timeout: attempt < 3 ? 15_000 : 30_000 });
  }).toPass({ timeout: 120_000 });
  return chain;
}

function section(page: Page, title: string): Locator {
  return page.getByRole('region', { name: title, exact: true }).first();
}

/** A node of the chain picture, by the start of its accessible name. */
function node(chain: Locator, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return chain.getByRole('button', { name: new RegExp(`^${escaped}`) });
}

interface Scenario {
  component: string;
  namespace: string;
  /** External URL of the first route, or the text shown instead. */
  route: string | RegExp;
  serviceType: string;
  reachability: string;
  /** `<Deployment>: <ready>/<desired> ready`. */
  replicas: string[];
  /** Text in the Autoscaling section. */
  autoscaling: RegExp;
  /** Diagnostic titles the scenario is about (none for a healthy one). */
  diagnostics: string[];
  /** More text the scenario is about. */
  notice?: Array<string | RegExp>;
}

const SCENARIOS: Scenario[] = [
  {
    component: 'storefront',
    namespace: 'shop',
    route: 'http://storefront.demo.example.com/',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['storefront: 2/2 ready'],
    autoscaling: /replicas now.*min 2 · max 6/,
    diagnostics: [],
  },
  {
    component: 'checkout',
    namespace: 'shop',
    route: 'http://checkout.demo.example.com/',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['checkout-v1: 3/3 ready', 'checkout-v2: 1/1 ready'],
    autoscaling: /No HorizontalPodAutoscaler scales these Deployments/,
    diagnostics: [],
    notice: ['90%', '10%'],
  },
  {
    component: 'inventory',
    namespace: 'shop',
    route: 'inside the mesh only',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['inventory: 2/2 ready'],
    autoscaling: /No HorizontalPodAutoscaler/,
    diagnostics: [],
    notice: ['mesh (sidecars)'],
  },
  {
    component: 'legacy-reports',
    namespace: 'ops',
    route: 'http://reports.demo.example.com/',
    serviceType: 'NodePort',
    reachability: 'Node ports',
    replicas: ['legacy-reports: 1/1 ready'],
    autoscaling: /No HorizontalPodAutoscaler/,
    diagnostics: [],
    notice: [/every node’s address at port 30080/],
  },
  {
    component: 'status-page',
    namespace: 'ops',
    route: /No VirtualService or HTTPRoute sends traffic/,
    serviceType: 'LoadBalancer',
    reachability: 'Load balancer',
    replicas: ['status-page: 2/2 ready'],
    autoscaling: /No HorizontalPodAutoscaler/,
    diagnostics: [],
    notice: [/by a load balancer at 203\.0\.113\.\d+/],
  },
  {
    component: 'search',
    namespace: 'shop',
    route: 'http://search.demo.example.com/',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['search: 4/4 ready'],
    autoscaling: /4 replicas now.*max 4.*at maximum/,
    diagnostics: ['HPA at its maximum'],
    notice: [
      'At its maximum: it would run more replicas if maxReplicas allowed.',
    ],
  },
  {
    component: 'recommendations',
    namespace: 'shop',
    route: 'none (gateway not found)',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['recommendations: 2/2 ready'],
    autoscaling: /No HorizontalPodAutoscaler/,
    diagnostics: ['VirtualService gateway not found'],
    notice: ['istio-system/promo-gateway'],
  },
  {
    component: 'reviews',
    namespace: 'shop',
    route: 'http://reviews.demo.example.com/',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['reviews: 2/2 ready'],
    autoscaling: /No HorizontalPodAutoscaler/,
    diagnostics: ['Route destination host not found'],
    notice: [/reviews-api/],
  },
  {
    component: 'payments',
    namespace: 'finance',
    route: 'http://payments.demo.example.com/',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['payments: 2/2 ready'],
    autoscaling: /No HorizontalPodAutoscaler/,
    diagnostics: ['DestinationRule subset selects no pods'],
    notice: ['80%', '20%'],
  },
  {
    component: 'notifications',
    namespace: 'messaging',
    route: 'http://notifications.demo.example.com/',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['notifications: 2/2 ready'],
    autoscaling: /No HorizontalPodAutoscaler/,
    diagnostics: ['Service selector selects no pods'],
    notice: ['0 of 0 ready'],
  },
  {
    component: 'ratings',
    namespace: 'shop',
    route: 'http://ratings.demo.example.com/',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['ratings: 2/2 ready'],
    autoscaling: /No HorizontalPodAutoscaler/,
    diagnostics: ['targetPort not exposed by any container'],
  },
  {
    component: 'docs',
    namespace: 'docs',
    route: 'http://docs.demo.example.com/',
    serviceType: 'ClusterIP',
    reachability: 'In-cluster only',
    replicas: ['docs: 1/1 ready'],
    autoscaling: /No HorizontalPodAutoscaler/,
    diagnostics: [],
    notice: ['docs/docs-gateway'],
  },
];

test.describe('Service Mesh tab', () => {
  for (const s of SCENARIOS) {
    test(`${s.component}: routes, Service, replicas, autoscaling and diagnostics`, async ({
      page,
    }) => {
      test.setTimeout(180_000);
      const chain = await openTab(page, s.component);

      for (const replicas of s.replicas) {
        const [name, state] = replicas.split(': ');
        await expect(
          node(chain, `Deployment ${name} in ${s.namespace}: ${state}`),
        ).toBeVisible();
      }

      const routes = section(page, 'Routes');
      if (typeof s.route === 'string' && s.route.startsWith('http')) {
        await expect(
          routes.getByRole('link', { name: new RegExp(`^${s.route}`) }),
        ).toHaveAttribute('href', s.route);
      } else {
        await expect(routes.getByText(s.route).first()).toBeVisible();
      }

      const service = section(page, 'Service');
      await expect(
        service.getByText(s.serviceType, { exact: true }),
      ).toBeVisible();
      await expect(
        service.getByText(s.reachability, { exact: true }),
      ).toBeVisible();

      await expect(section(page, 'Autoscaling')).toContainText(s.autoscaling);

      const diagnostics = section(page, 'Diagnostics');
      if (s.diagnostics.length === 0) {
        await expect(
          diagnostics
            .getByText(/No problems found/)
            .or(diagnostics.getByText(/^(warning|info)$/).first()),
        ).toBeVisible();
        await expect(
          diagnostics.getByText('error', { exact: true }),
        ).toHaveCount(0);
      }
      for (const title of s.diagnostics) {
        await expect(diagnostics.getByText(title).first()).toBeVisible();
      }
      for (const text of s.notice ?? []) {
        await expect(
          page.getByText(text).filter({ visible: true }).first(),
        ).toBeVisible();
      }
      await screenshot(page, `mesh-tab-${s.component}`);
    });
  }

  test('changes made with kubectl appear on the open page within seconds, without closing the drawer', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const chain = await openTab(page, 'checkout');
    await expect(page.getByTestId('live-status')).toContainText('Live');
    // A marker that a reload would wipe.
    await page.evaluate(() => {
      (window as any).meshE2eMarker = 'still here';
    });

    try {
      // Scale a Deployment while its drawer is open.
      await node(chain, 'Deployment checkout-v1 in shop: 3/3 ready').click();
      const drawer = page.getByTestId('resource-drawer');
      const replicas = drawer.getByRole('group', { name: 'Replicas' });
      const count = (name: string) =>
        replicas
          .locator('div', { has: page.getByText(name, { exact: true }) })
          .locator('dd');
      await expect(count('Desired')).toHaveText('3');

      scaleCheckoutV1(5);
      await expect(count('Desired')).toHaveText('5', { timeout: 15_000 });
      await expect(count('Ready')).toHaveText('5', { timeout: 30_000 });
      await expect(drawer).toBeVisible();
      await expect(page.getByTestId('live-status')).toContainText(
        /updated (just now|\d+ s ago)/,
      );
      await screenshot(page, 'mesh-live-drawer');
      await page.getByRole('button', { name: 'Close details' }).click();
      await expect(
        node(chain, 'Deployment checkout-v1 in shop: 5/5 ready'),
      ).toBeVisible();

      // Shift the canary's weights.
      setCheckoutWeights(70, 30);
      const row = section(page, 'Routes').getByTestId('route-row').first();
      await expect(row.getByText('70%')).toBeVisible({ timeout: 15_000 });
      await expect(row.getByText('30%')).toBeVisible();
      expect(await page.evaluate(() => (window as any).meshE2eMarker)).toBe(
        'still here',
      );
      await screenshot(page, 'mesh-live-weights');
    } finally {
      // Put the demo back as the scenario seeded it.
      scaleCheckoutV1(3);
      setCheckoutWeights(90, 10);
    }
  });

  test('traces a request through the chain and opens details from the picture', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const chain = await openTab(page, 'checkout');
    const tracer = section(page, 'Where does this request go?');
    await tracer
      .getByLabel('URL')
      .fill('http://checkout.demo.example.com/cart');
    await tracer.getByRole('button', { name: 'Trace' }).click();
    const result = tracer.getByRole('region', {
      name: /Result in Demo cluster \(dev\)/,
    });
    await expect(result).toContainText('Reaches pods');
    await expect(result).toContainText('90%');
    await expect(
      chain.locator('[data-highlighted="true"][data-kind="service"]'),
    ).toBeVisible();
    await expect(
      section(page, 'Routes').getByText('your request'),
    ).toBeVisible();
    await screenshot(page, 'mesh-trace');

    // Keyboard: the picture's nodes are buttons that open a drawer.
    await node(chain, 'Service checkout in shop').focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByTestId('resource-drawer');
    await expect(
      drawer.getByRole('heading', { name: 'checkout' }),
    ).toBeVisible();
    await expect(drawer).toContainText(
      'Reachable only from inside the cluster',
    );
    await drawer.getByRole('button', { name: 'Show YAML' }).click();
    await expect(drawer.getByLabel('YAML of Service checkout')).toContainText(
      'kind: Service',
    );
    await screenshot(page, 'mesh-drawer');
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
  });

  test('shows several clusters side by side and one at a time', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await navigate(page, '/catalog/default/component/storefront/mesh');
    const clusters = page.getByRole('list', { name: 'Clusters' });
    await expect(clusters).toBeVisible({ timeout: 60_000 });
    await expect(
      clusters.getByRole('button', {
        name: /^Demo cluster \(dev\): 2\/2 ready/,
      }),
    ).toBeVisible();
    await expect(
      clusters.getByRole('button', {
        name: /^Demo cluster \(prod\): 3\/3 ready/,
      }),
    ).toBeVisible();
    await expect(
      page.getByRole('group', { name: /^Chain in cluster/ }),
    ).toHaveCount(2);
    await clusters
      .getByRole('button', { name: /^Demo cluster \(prod\)/ })
      .click();
    await expect(
      page.getByRole('group', { name: /^Chain in cluster/ }),
    ).toHaveCount(1);
    await expect(page).toHaveURL(/cluster=prod/);
    await screenshot(page, 'mesh-clusters');
  });

  test('reads well in the dark theme', async ({ page }) => {
    test.setTimeout(180_000);
    const pickTheme = async (theme: 'Light' | 'Dark') => {
      await navigate(page, '/settings');
      await page.getByRole('button', { name: theme, exact: true }).click();
    };
    // As a user picks it, in Settings.
    await pickTheme('Dark');
    try {
      await openTab(page, 'payments');
      await expect(page.locator('body')).toHaveAttribute(
        'data-theme-mode',
        'dark',
      );
      await screenshot(page, 'mesh-tab-payments-dark');
    } finally {
      await pickTheme('Light');
    }
  });
});

test('the overview card sums up the mesh and links to the tab', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await navigate(page, '/catalog/default/component/search');
  const card = page
    .locator('.MuiCard-root', {
      has: page.getByText('Service Mesh', { exact: true }),
    })
    .first();
  await expect(card).toBeVisible({ timeout: 60_000 });
  await expect(card).toContainText('http://search.demo.example.com/');
  await expect(card).toContainText('ClusterIP');
  await expect(card).toContainText(/4\/4\s*ready/);
  await expect(card).toContainText(/4\/4\s*current\/max/);
  await expect(card).toContainText('HPA at its maximum');
  await screenshot(page, 'mesh-card');
  await card.getByText('View service mesh').click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/search\/mesh$/);
  await expect(
    page.getByRole('group', { name: /^Chain in cluster/ }).first(),
  ).toBeVisible({ timeout: 60_000 });
});
