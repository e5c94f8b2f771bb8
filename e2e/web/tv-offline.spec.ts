/**
 * The offline state on the TV, by remote, in Chinese (issue 18: "show the local newest point, and
 * the offline state, everywhere"): a TV loses the network mid-programme, pauses and plays on from
 * its buffer, then stops. Its player, home and settings say offline (banner with the waiting
 * reports, kept on screen while the page scrolls with focus; the header's indicator says offline,
 * not live updates; artwork that cannot load is left out, not shown broken); its own card shows where it
 * stopped (the outbox's point, not the server's older one) in words with no English; back
 * online, the reports go out and the PC's card shows that point.
 */
import type { Page } from '@playwright/test';
import { card, createAccount, englishLeft, expect, keepScreenshot, linkTv, openTerminal, outboxItems, test, tvFocus, waitPlaying, type Server } from '../fixtures.ts';

/** Press `key` until `focusKey` has focus. */
async function moveTo(tv: Page, key: string, focusKey: string, max = 12): Promise<void> {
  for (let i = 0; i < max && (await tvFocus(tv)) !== focusKey; i++) {
    await tv.keyboard.press(key);
    await tv.waitForTimeout(200);
  }
  await expect.poll(() => tvFocus(tv)).toBe(focusKey);
}

/** No English on the page but user data (the login and its local part, the server's URL) and the language picker's "English". */
async function expectNoEnglish(tv: Page, what: string, server: Server, login: string): Promise<void> {
  expect(await englishLeft(tv, [login, login.split('@')[0] ?? login, server.url, 'English']), `${what}: English left`).toEqual([]);
}

/** m:ss as the card writes an offset (common/i18n formatClock, under an hour). */
const clock = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;

test('TV offline: player, home and settings say so; its own card shows the local stop; back online it reaches the PC', async ({ browser, server }, testInfo) => {
  test.setTimeout(240_000);
  const login = 'lan@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: '书房电脑', context: { locale: 'zh-CN' } });
  const tv = await linkTv(browser, server, pc, '客厅电视', undefined, 'zh-CN');
  // The app shell is cached before the network goes.
  await tv.evaluate(() => navigator.serviceWorker.ready.then(() => true));

  await expect.poll(() => tvFocus(tv)).toMatch(/^(cat|cw):/);
  await moveTo(tv, 'ArrowRight', 'cat:harbour-lights');
  await tv.keyboard.press('Enter');
  await waitPlaying(tv);
  // A minute in (one scrub), so the viewing is in progress: a card on the PC's row.
  for (let i = 0; i < 6; i++) {
    await tv.keyboard.press('ArrowRight');
    await tv.waitForTimeout(120);
  }
  await expect(tv.getByTestId('player')).toHaveAttribute('data-scrubbing', 'false');
  await expect.poll(() => tv.locator('video').evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(50);
  await waitPlaying(tv);
  await expect
    .poll(() => tv.locator('video').evaluate((v: HTMLVideoElement) => (v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : 0)), { timeout: 15_000 })
    .toBeGreaterThan(15);
  await tv.waitForTimeout(2_500);
  const pcCard = card(pc.page, 'harbour-lights');
  await expect(pcCard).toHaveAttribute('data-terminal-name', '客厅电视', { timeout: 10_000 });

  // The network goes (API and streaming requests aborted as a real cut would, and navigator offline).
  const cut = /\/(api|stream)\//;
  await tv.context().route(cut, (route) => route.abort('internetdisconnected'));
  await tv.context().setOffline(true);
  await expect(tv.getByTestId('offline-banner')).toBeVisible();
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('player')).toHaveAttribute('data-paused', 'true');
  await expect(tv.getByTestId('pending-count')).toBeVisible();
  await tv.waitForTimeout(400);
  await keepScreenshot(testInfo, 'tv-1080p-zh-offline-player.png', await tv.screenshot());
  await expectNoEnglish(tv, 'offline player', server, login);
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('player')).toHaveAttribute('data-paused', 'false');
  await tv.waitForTimeout(2_000);
  await tv.keyboard.press('Escape');
  await expect(tv.getByTestId('tv-home')).toBeVisible();

  // The stop joins the outbox once its send has failed (a moment after Back).
  await expect.poll(async () => (await outboxItems(tv)).map((r) => r.event)).toEqual(['pause', 'stop']);
  const queued = await outboxItems(tv);
  const stopMs = queued[1]?.breakpoint.offsetMs ?? 0;
  expect(stopMs).toBeGreaterThan(queued[0]?.breakpoint.offsetMs ?? 0);
  // Home: its own card at the local stop, in words too; banner with the waiting reports; the
  // header's indicator says offline.
  const own = card(tv, 'harbour-lights');
  await expect(own).toHaveAttribute('data-offset-ms', String(stopMs));
  await expect(own).toContainText(clock(stopMs));
  await expect(tv.getByTestId('offline-banner')).toBeVisible();
  await expect(tv.getByTestId('pending-count')).toContainText('2');
  await expect(tv.getByTestId('live-indicator')).toHaveAttribute('data-state', 'offline');
  // The banner stays on screen while home scrolls to the focused tile, and no focused item hides under it.
  await tv.waitForTimeout(600);
  const onScreen = await tv.evaluate(() => {
    const banner = document.querySelector('[data-testid=offline-banner]')?.getBoundingClientRect();
    const focused = document.activeElement?.getBoundingClientRect();
    return { top: banner?.top ?? -1, bottom: banner?.bottom ?? 9e9, focusedTop: focused?.top ?? -1, height: window.innerHeight };
  });
  expect(onScreen.top).toBeGreaterThanOrEqual(0);
  expect(onScreen.bottom).toBeLessThanOrEqual(onScreen.height);
  expect(onScreen.focusedTop).toBeGreaterThanOrEqual(onScreen.bottom);
  // Artwork that cannot load offline is left out, not shown as a broken image.
  await expect.poll(() => tv.evaluate(() => [...document.querySelectorAll('img')].filter((i) => i.complete && i.naturalWidth === 0).length)).toBe(0);
  await keepScreenshot(testInfo, 'tv-1080p-zh-offline-home.png', await tv.screenshot());
  await expectNoEnglish(tv, 'offline home', server, login);
  // Nothing reached the PC meanwhile.
  expect(Number(await pcCard.getAttribute('data-offset-ms'))).toBeLessThan(queued[0]?.breakpoint.offsetMs ?? 0);

  // Settings says offline too.
  await moveTo(tv, 'ArrowUp', 'tv-settings');
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('tv-settings')).toBeVisible();
  await expect(tv.getByTestId('offline-banner')).toBeVisible();
  await tv.waitForTimeout(300);
  await keepScreenshot(testInfo, 'tv-1080p-zh-offline-settings.png', await tv.screenshot());
  await expectNoEnglish(tv, 'offline settings', server, login);
  await tv.keyboard.press('Escape');
  await expect(tv.getByTestId('tv-home')).toBeVisible();

  // Back online: the reports go out; the PC's card shows the TV's offline stop; the TV is live again.
  await tv.context().unroute(cut);
  await tv.context().setOffline(false);
  await expect(pcCard).toHaveAttribute('data-offset-ms', String(stopMs), { timeout: 15_000 });
  await expect(tv.getByTestId('offline-banner')).toBeHidden();
  await expect(tv.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  expect(await outboxItems(tv)).toEqual([]);
  // The artwork is back.
  await expect.poll(() => tv.evaluate(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid=artwork]')].filter((i) => i.naturalWidth > 0).length), { timeout: 10_000 }).toBeGreaterThan(0);
});
