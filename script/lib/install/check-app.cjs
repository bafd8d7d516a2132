// Opens the installed app in Chromium (playwright-core, Debian's chromium)
// and checks what a user of the README would: the Service Mesh tab shows a
// live chain, the overview card sums it up, the template is listed and the
// mesh actions are installed. Usage: node check-app.cjs APP_URL SCREENSHOT_DIR
const { chromium } = require('playwright-core');
const path = require('path');

const [baseUrl, shots] = process.argv.slice(2);

/** Retries `check` (which loads a page) until it passes or `ms` elapse. */
async function eventually(what, ms, check) {
  const deadline = Date.now() + ms;
  let lastError;
  while (Date.now() < deadline) {
    try {
      await check();
      console.log(`ok: ${what}`);
      return;
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`${what}: ${lastError && lastError.message.split('\n')[0]}`);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({
    baseURL: baseUrl,
    viewport: { width: 1400, height: 1000 },
  });
  try {
    await eventually(
      'the app loads and the guest signs in',
      300_000,
      async () => {
        await page.goto('/', { timeout: 60_000 });
        const enter = page.getByRole('button', { name: 'Enter' });
        const catalog = page
          .getByRole('link', { name: 'Catalog', exact: true })
          .first();
        await enter.or(catalog).first().waitFor({ timeout: 60_000 });
        if (await enter.isVisible()) await enter.click();
        await catalog.waitFor({ timeout: 30_000 });
      },
    );

    await eventually(
      'the Service Mesh tab shows the live chain',
      180_000,
      async () => {
        await page.goto('/catalog/default/component/checkout/mesh?cluster=dev');
        const chain = page.getByRole('group', {
          name: /^Chain in cluster Demo cluster \(dev\)/,
        });
        await chain.waitFor({ timeout: 20_000 });
        await chain
          .getByRole('button', {
            name: /^Deployment checkout-v1 in shop: 3\/3 ready/,
          })
          .waitFor({ timeout: 20_000 });
        // The Routes section, beside the picture, links the external URL.
        await page
          .getByRole('link', {
            name: /^http:\/\/checkout\.demo\.example\.com\//,
          })
          .first()
          .waitFor({ timeout: 5_000 });
      },
    );
    await page.screenshot({
      path: path.join(shots, 'mesh-tab.png'),
      fullPage: true,
    });

    await eventually(
      'the overview card sums up the chain',
      60_000,
      async () => {
        await page.goto('/catalog/default/component/checkout');
        const card = page
          .locator('.MuiCard-root', {
            has: page.getByText('Service Mesh', { exact: true }),
          })
          .first();
        await card.waitFor({ timeout: 30_000 });
        await card
          .getByText('http://checkout.demo.example.com/')
          .first()
          .waitFor({ timeout: 30_000 });
        await card.getByText('View service mesh').waitFor({ timeout: 5_000 });
      },
    );
    await page.screenshot({
      path: path.join(shots, 'mesh-card.png'),
      fullPage: true,
    });

    await eventually(
      'the template is listed and its form opens',
      120_000,
      async () => {
        await page.goto('/create');
        await page
          .getByText('Service behind Istio')
          .first()
          .waitFor({ timeout: 20_000 });
        await page.goto('/create/templates/default/mesh-service');
        await page
          .getByText('Service behind Istio')
          .first()
          .waitFor({ timeout: 20_000 });
        await page
          .getByRole('textbox', { name: /Name/ })
          .first()
          .waitFor({ timeout: 20_000 });
      },
    );
    await eventually(
      'the mesh template actions are installed',
      60_000,
      async () => {
        await page.goto('/create/actions');
        for (const action of [
          'mesh:chain:render',
          'mesh:catalog:register-local',
          'mesh:chain:apply',
        ]) {
          await page
            .getByText(action, { exact: true })
            .first()
            .waitFor({ timeout: 20_000 });
        }
      },
    );
  } catch (e) {
    await page
      .screenshot({ path: path.join(shots, 'failure.png'), fullPage: true })
      .catch(() => {});
    throw e;
  } finally {
    await browser.close();
  }
}

main().catch(e => {
  console.error(`Install check failed: ${e.message}`);
  process.exit(1);
});
