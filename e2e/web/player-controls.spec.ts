/**
 * The player's keyboard and mouse controls (space, arrows, f, m, Esc) and its states: a media
 * request refused for its token is renewed and playback goes on unnoticed; a programme removed
 * from the catalogue says so; a terminal that cannot reach the server says so and recovers.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAccount, expect, openTerminal, playFromCatalogue, test, videoTime } from '../fixtures.ts';

test('keyboard and mouse control the player', async ({ browser, server }) => {
  await createAccount(server, 'kai@example.com');
  const { page } = await openTerminal(browser, server, { login: 'kai@example.com', name: 'Keys PC' });
  await playFromCatalogue(page, 'harbour-lights');
  const player = page.getByTestId('player');
  const video = page.locator('video');

  await page.keyboard.press('Space');
  await expect(player).toHaveAttribute('data-paused', 'true');
  const t0 = await videoTime(page);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => videoTime(page)).toBeGreaterThan(t0 + 9);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => videoTime(page)).toBeLessThan(t0 + 1);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.volume)).toBeCloseTo(0.9, 5);
  await page.keyboard.press('m');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
  await expect(page.getByRole('button', { name: 'Unmute' })).toBeVisible();
  await page.keyboard.press('m');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.muted)).toBe(false);

  // Mouse: the play button and a click on the picture.
  await page.getByRole('button', { name: 'Play', exact: true }).first().click();
  await expect(player).toHaveAttribute('data-paused', 'false');
  await video.click({ position: { x: 200, y: 200 } });
  await expect(player).toHaveAttribute('data-paused', 'true');
  await page.getByRole('button', { name: 'Forward 10 seconds' }).click();
  await expect.poll(() => videoTime(page)).toBeGreaterThan(t0 + 9);

  await page.keyboard.press('f');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
  await page.keyboard.press('Escape');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(false);
  await expect(player).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('continue-row')).toBeVisible();
});

test('a refused play token is renewed without the user noticing', async ({ browser, server }) => {
  await createAccount(server, 'lin@example.com');
  const { page } = await openTerminal(browser, server, { login: 'lin@example.com', name: 'Token PC' });
  await playFromCatalogue(page, 'harbour-lights');
  // From now on the media server "expires" the token once: the next segment is refused.
  let refused = 0;
  await page.route('**/media/harbour-lights/chunk-*', async (route) => {
    if (refused === 0) {
      refused++;
      await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ code: 'TOKEN_INVALID', message: 'expired' }) });
      return;
    }
    await route.continue();
  });
  // Jump where nothing is buffered, so a segment must be fetched.
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => refused).toBe(1);
  const t = await videoTime(page);
  await expect.poll(() => videoTime(page), { timeout: 15_000 }).toBeGreaterThan(t + 2);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('player')).toHaveAttribute('data-status', 'ready');
});

test('a programme removed from the catalogue says so and leaves the home page', async ({ browser, server }) => {
  await createAccount(server, 'mia@example.com');
  const { page } = await openTerminal(browser, server, { login: 'mia@example.com', name: 'Removal PC' });
  const tile = page.locator('[data-testid=tile][data-program-id="dumpling-workshop"]');
  await expect(tile).toBeVisible();
  // Hold this page's home refetches, so it still offers the programme after the removal.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/portal/v2/home', async (route) => {
    await held;
    await route.continue();
  });
  const admin = (await readFile(join(server.dataDir, 'admin-token'), 'utf8')).trim();
  const res = await fetch(`${server.url}/admin/v1/programs/dumpling-workshop`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
  expect(res.ok).toBe(true);
  await tile.locator('button').click();
  await expect(page.getByRole('alert')).toContainText('no longer available');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  release();
  await page.getByRole('button', { name: 'Back to home' }).click();
  await expect(page.getByTestId('continue-row')).toBeVisible();
  await expect(tile).toHaveCount(0);
});

test('offline at the start of playback: says so, and plays once the network is back', async ({ browser, server }) => {
  await createAccount(server, 'noa@example.com');
  const { page, context } = await openTerminal(browser, server, { login: 'noa@example.com', name: 'Flaky PC' });
  await context.setOffline(true);
  await page.locator('[data-testid=tile][data-program-id="harbour-lights"] button').click();
  await expect(page.getByRole('alert')).toContainText('offline');
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await context.setOffline(false);
  await expect(page.getByTestId('player')).toHaveAttribute('data-status', 'ready', { timeout: 15_000 });
  await expect(page.getByTestId('player')).toHaveAttribute('data-paused', 'false');
});
