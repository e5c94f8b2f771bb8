/**
 * Playwright: two projects.
 * - `web`: the web terminal in Chromium — Playwright's own browser where installed, else
 *   Debian's /usr/bin/chromium (this machine cannot download browsers).
 * - `electron`: the PC app through `_electron.launch`; its specs skip themselves, saying why,
 *   where no Electron binary exists.
 * Each spec starts its own server-mock (e2e/fixtures.ts) on a free port with a fresh data dir.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const debianChromium = '/usr/bin/chromium';
const executablePath = process.env.RA_CHROMIUM ?? (existsSync(debianChromium) ? debianChromium : undefined);

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
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--autoplay-policy=no-user-gesture-required',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'web', testDir: 'e2e/web' },
    { name: 'electron', testDir: 'e2e/electron' },
  ],
});
