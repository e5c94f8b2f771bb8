/**
 * "Play on ▸" from a card (issue 15): nothing plays the programme anywhere; a PC and a TV of
 * one household, the TV driven by keys only.
 * - The PC watched Harbour Lights for a while and left it: its Continue-watching card holds the
 *   point. With nothing playing, the card's Play on ▸ Living-room TV: the TV — nobody touching
 *   it — opens the programme at that point (global's pick from the profile's history); first-frame
 *   latency after the click and the position error are measured and printed. The PC says
 *   "Playing on Living-room TV" and, from the TV's now-playing card, pauses it remotely.
 * - The reverse, by keys: the TV leaves (Back), holds OK on the card → Play on Study PC: the PC
 *   starts at the TV's point, and the TV becomes its remote (OK pauses the PC).
 */
import type { Page } from '@playwright/test';
import { card, createAccount, expect, expectAccessible, firstPlaying, HEARTBEAT_SEC, keepScreenshot, linkTv, openTerminal, playFromCatalogue, press, resetPlayingProbe, test, tvFocus, waitPlaying } from '../fixtures.ts';

const PROGRAM = 'harbour-lights';
const video = (page: Page) => page.locator('video').evaluate((v: HTMLVideoElement) => ({ t: v.currentTime, paused: v.paused, at: Date.now() }));
const terminalIdOf = (page: Page) => page.evaluate(() => (JSON.parse(localStorage.getItem('ra.identity') ?? '{}') as { terminalId?: string }).terminalId ?? '');

/** Move the TV's focus with `key` until `focusKey` has it. */
async function moveTo(tv: Page, key: string, focusKey: string, max = 10): Promise<void> {
  for (let i = 0; i < max && (await tvFocus(tv)) !== focusKey; i++) {
    await tv.keyboard.press(key);
    await tv.waitForTimeout(200);
  }
  await expect.poll(() => tvFocus(tv)).toBe(focusKey);
}

/** Hold OK (the OS repeats the key) until the card's options open. */
async function holdOk(tv: Page): Promise<void> {
  await tv.keyboard.down('Enter');
  for (let r = 0; r < 9; r++) {
    await tv.waitForTimeout(100);
    await tv.keyboard.down('Enter');
  }
  await tv.keyboard.up('Enter');
}

test('a Continue-watching card nothing plays: Play on ▸ the TV starts it at the point and the PC pauses it; the TV, by keys, plays its card on the PC and becomes its remote', async ({ browser, server }, testInfo) => {
  test.setTimeout(240_000);
  const login = 'card-play-on@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: 'Study PC' });
  const tv = await linkTv(browser, server, pc, 'Living-room TV');
  const pcId = await terminalIdOf(pc.page);
  const tvId = await terminalIdOf(tv);

  // 1. The PC watches a while (+60 s by keys), and leaves: its card holds the point.
  await playFromCatalogue(pc.page, PROGRAM);
  await press(pc.page, 'ArrowRight', 6);
  await pc.page.waitForTimeout(1_000);
  await pc.page.keyboard.press('Escape');
  await expect(pc.page.getByTestId('player')).toHaveCount(0);
  const pcCard = card(pc.page, PROGRAM);
  await expect(pcCard).toHaveAttribute('data-terminal-id', pcId, { timeout: 10_000 });
  await expect.poll(async () => Number(await pcCard.getAttribute('data-offset-ms')), { timeout: 10_000 }).toBeGreaterThan(55_000);
  // Nothing plays anywhere.
  await expect(pc.page.getByTestId('now-playing-card')).toHaveCount(0);
  await expect(tv.getByTestId('player')).toHaveCount(0);
  const point = Number(await pcCard.getAttribute('data-offset-ms')) / 1000;

  // 2. The card's Play on ▸ Living-room TV.
  await pcCard.getByTestId('card-play-on').click();
  const toTv = pcCard.locator('[data-testid=card-play-on-target]', { hasText: 'Living-room TV' });
  await expect(toTv).toBeVisible({ timeout: 5_000 });
  await expectAccessible(pc.page);
  await keepScreenshot(testInfo, 'card-play-on-menu.png', await pc.page.screenshot());
  const pressedAt = Date.now();
  await toTv.click();
  const first = await firstPlaying(tv);
  // The TV says where it resumed from (a notice of a few seconds).
  await expect(tv.getByTestId('player')).toContainText('Study PC');
  await waitPlaying(tv);
  const tvLatencyMs = first.at - pressedAt;
  const tvErrorS = first.t - point;
  await expect(pc.page.locator('.toast', { hasText: 'Playing on Living-room TV' })).toBeVisible({ timeout: 5_000 });
  await keepScreenshot(testInfo, 'card-play-on-tv.png', await tv.screenshot());

  // 3. The PC becomes its remote: the TV's now-playing card appears with a remote; pause.
  const tvCard = pc.page.locator(`[data-testid=now-playing-card][data-terminal-id="${tvId}"]`);
  await expect(tvCard).toBeVisible({ timeout: 5_000 });
  await expect(tvCard).toHaveAttribute('data-starting', 'false', { timeout: 2 * HEARTBEAT_SEC * 1000 + 11_000 });
  await tvCard.getByTestId('remote-pause').click();
  await expect.poll(async () => (await video(tv)).paused, { timeout: 3_000 }).toBe(true);
  await expect(tvCard).toHaveAttribute('data-paused', 'true', { timeout: 5_000 });

  // 4. The reverse, by keys: Back on the TV (its stop is the new point), hold OK on the card.
  await tv.keyboard.press('Escape');
  await expect(tv.getByTestId('tv-home')).toBeVisible();
  const tvRowCard = card(tv, PROGRAM);
  await expect(tvRowCard).toHaveAttribute('data-terminal-id', tvId, { timeout: 10_000 });
  const tvPoint = Number(await tvRowCard.getAttribute('data-offset-ms')) / 1000;
  await moveTo(tv, 'ArrowUp', `cw:${PROGRAM}`);
  await holdOk(tv);
  const options = tv.getByTestId('tv-options');
  await expect(options).toBeVisible();
  await expect(tv.getByTestId('player')).toHaveCount(0);
  await expect(options.getByTestId('tv-card-play-on')).toHaveCount(1, { timeout: 5_000 });
  await moveTo(tv, 'ArrowDown', `opt:on:${pcId}`);
  await expect(tv.locator(':focus')).toHaveAccessibleName('Play on Study PC');
  await expectAccessible(tv);
  await keepScreenshot(testInfo, 'card-play-on-tv-options.png', await tv.screenshot());
  await resetPlayingProbe(pc.page);
  const tvPressedAt = Date.now();
  await tv.keyboard.press('Enter');
  const pcFirst = await firstPlaying(pc.page);
  await waitPlaying(pc.page);
  const pcLatencyMs = pcFirst.at - tvPressedAt;
  const pcErrorS = pcFirst.t - tvPoint;
  await expect(tv.locator('.toast', { hasText: 'Playing on Study PC' })).toBeVisible({ timeout: 5_000 });

  // 5. The TV is the PC's remote now: its panel finds the PC's session; OK pauses the PC.
  const panel = tv.getByTestId('tv-remote');
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('data-session-id', /.+/, { timeout: 2 * HEARTBEAT_SEC * 1000 + 5_000 });
  await expect.poll(() => tvFocus(tv)).toBe('rc:toggle');
  await expect(panel.getByTestId('tv-remote-state')).not.toContainText('Starting', { timeout: 2 * HEARTBEAT_SEC * 1000 + 11_000 });
  await tv.keyboard.press('Enter');
  await expect.poll(async () => (await video(pc.page)).paused, { timeout: 3_000 }).toBe(true);
  await keepScreenshot(testInfo, 'card-play-on-tv-remote.png', await tv.screenshot());

  const measured = { pcToTvFirstFrameMs: tvLatencyMs, pcToTvPositionErrorS: tvErrorS, tvToPcFirstFrameMs: pcLatencyMs, tvToPcPositionErrorS: pcErrorS };
  testInfo.annotations.push({ type: 'measured', description: JSON.stringify(measured) });
  console.log('remote-card-play-on measured', measured);
  // Measured 1102 ms PC → TV (the TV's first viewing: Shaka's chunk and the manifest) and 377 ms
  // TV → PC at load 2.6 on 2 cores; 3 s is the sender's answer wait, past which it is broken.
  expect(tvLatencyMs).toBeLessThan(3_000);
  expect(pcLatencyMs).toBeLessThan(3_000);
  // The start is the card's point exactly (global's pick, not a moving session).
  expect(Math.abs(tvErrorS)).toBeLessThanOrEqual(0.5);
  expect(Math.abs(pcErrorS)).toBeLessThanOrEqual(0.5);
});
