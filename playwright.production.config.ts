/*
 * The production test (script/test production): two replicas of the
 * compiled backend on one PostgreSQL, which script/lib/test-production.sh
 * starts before it runs these tests (e2e/production).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e/production',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: 'e2e-test-results/production',
});
