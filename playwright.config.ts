/*
 * Browser tests: real Chromium (Debian's /usr/bin/chromium) driven by
 * Playwright, against the app that `script/server` starts (frontend, backend
 * and the demo clusters), with a demo state of their own (.demo-e2e/, wiped
 * at start), never the user's .demo/. Screenshots land in screenshots/
 * (git-ignored).
 */
import { defineConfig } from '@playwright/test';
import { E2E_DEMO_DIR } from './e2e/demoDir';

const chromiumPath =
  process.env.CHROMIUM_PATH ??
  process.env.PLAYWRIGHT_CHROMIUM_PATH ??
  '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  // e2e/production runs against the production build (script/test production).
  testIgnore: 'production/**',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: 'e2e-test-results',
  webServer: {
    command: `rm -rf '${E2E_DEMO_DIR}' && script/server`,
    env: { MESH_DEMO_DIR: E2E_DEMO_DIR },
    url: 'http://localhost:3000',
    // A server already running on :3000 is the user's, on .demo/: the tests
    // only use one they were told is theirs (started with
    // MESH_DEMO_DIR=.demo-e2e script/server).
    reuseExistingServer: !process.env.CI && !!process.env.E2E_REUSE_SERVER,
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
