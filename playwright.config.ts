/**
 * Playwright: two projects.
 * - `web`: the web terminal in Chromium — Playwright's own browser where installed, else
 *   Debian's /usr/bin/chromium (this machine cannot download browsers).
 * - `electron`: the PC app through `_electron.launch`; its specs skip themselves, saying why,
 *   where no Electron binary exists.
 * Each spec starts its own server-mock (e2e/fixtures.ts) on a free port with a fresh data dir.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './e2e/browser.ts';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two cores: one worker keeps playback timing honest.
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json']] : 'list',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(CHROMIUM_EXECUTABLE ? { executablePath: CHROMIUM_EXECUTABLE } : {}),
      args: [...CHROMIUM_ARGS],
    },
  },
  projects: [
    { name: 'web', testDir: 'e2e/web' },
    { name: 'electron', testDir: 'e2e/electron' },
  ],
});
