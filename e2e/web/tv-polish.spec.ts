/**
 * The 10-foot interface as people found it (issue: TV polish), by remote only:
 * 1. OK on a tile then a second quick OK — also one landing exactly while playback is starting
 *    (the player is ready, the video's 'play' has not fired yet) — plays, and says "Playing".
 * 2. Cards sized to the screen at 720p, 1080p and 4K: the same share of the row at each; no text
 *    is clipped without an ellipsis (a long terminal name), titles get two lines.
 * 3. Settings is taller than 1080p: moving down to its last button keeps both the button and the
 *    key hint on screen.
 */
import type { Page } from '@playwright/test';
import { card, createAccount, expect, keepScreenshot, linkTv, openTerminal, playFromCatalogue, press, test, tvFocus, videoTime, waitPlaying } from '../fixtures.ts';

const LONG_NAME = 'Grandma’s iPhone 15 Pro Max in the kitchen';

/** Press `key` until `focusKey` has focus. */
async function moveTo(tv: Page, key: string, focusKey: string, max = 12): Promise<void> {
  for (let i = 0; i < max && (await tvFocus(tv)) !== focusKey; i++) {
    await tv.keyboard.press(key);
    await tv.waitForTimeout(200);
  }
  await expect.poll(() => tvFocus(tv)).toBe(focusKey);
}

/** Text clipped without an ellipsis inside the cards: each offender as "card › text". */
function clippedText(tv: Page): Promise<string[]> {
  return tv.evaluate(() => {
    const bad: string[] = [];
    for (const cardEl of document.querySelectorAll<HTMLElement>('.tv-card')) {
      const box = cardEl.getBoundingClientRect();
      for (const el of cardEl.querySelectorAll<HTMLElement>('*')) {
        const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
        if (!hasText || el.closest('.sr-only')) continue;
        const style = getComputedStyle(el);
        const overflowsX = el.scrollWidth > el.clientWidth + 1;
        const overflowsY = el.scrollHeight > el.clientHeight + 1;
        const ellipsisX = style.textOverflow === 'ellipsis' && style.overflowX === 'hidden';
        const clampY = style.webkitLineClamp !== 'none' && style.webkitLineClamp !== '' && style.overflowY === 'hidden';
        const r = el.getBoundingClientRect();
        const outside = r.right > box.right + 1 || r.left < box.left - 1;
        if ((overflowsX && !ellipsisX) || (overflowsY && !clampY && style.overflowY === 'hidden') || outside) bad.push(`${cardEl.textContent?.slice(0, 30)} › ${el.textContent}`);
      }
    }
    return bad;
  });
}

test('TV: a double OK plays; cards fit the screen at 720p, 1080p and 4K; settings scrolls with its hint on screen', async ({ browser, server }, testInfo) => {
  test.setTimeout(180_000);
  const login = 'mei@example.com';
  await createAccount(server, login);
  const phone = await openTerminal(browser, server, { login, name: LONG_NAME, type: 'mobile', context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } });
  await playFromCatalogue(phone.page, 'harbour-lights');
  await press(phone.page, 'ArrowRight', 6);
  await phone.page.waitForTimeout(1_500);
  await phone.page.keyboard.press('Escape');
  await expect(card(phone.page, 'harbour-lights')).toBeVisible();
  await phone.context.close();

  const pc = await openTerminal(browser, server, { login, name: 'Study PC' });
  const tv = await linkTv(browser, server, pc, 'Living-room TV');
  await expect(card(tv, 'harbour-lights')).toHaveAttribute('data-terminal-name', LONG_NAME);

  // 2. Cards sized to the screen, every text ending in an ellipsis when it must.
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
    [3840, 2160],
  ] as const) {
    await tv.setViewportSize({ width: w, height: h });
    await tv.waitForTimeout(400);
    const widths = await tv.evaluate(() => ({
      card: document.querySelector('[data-testid=cw-card] .tv-card')?.getBoundingClientRect().width ?? 0,
      tile: document.querySelector('[data-testid=tile] .tv-card')?.getBoundingClientRect().width ?? 0,
    }));
    // About 3.6 cards and 5.3 tiles across the safe area (90 % of the width), at every size.
    expect(widths.card / w).toBeGreaterThan(0.21);
    expect(widths.card / w).toBeLessThan(0.26);
    expect(widths.tile / w).toBeGreaterThan(0.14);
    expect(widths.tile / w).toBeLessThan(0.18);
    expect(await clippedText(tv), `${w}×${h}`).toEqual([]);
    // The long terminal name is cut with an ellipsis, the title is whole (two lines at most).
    const from = card(tv, 'harbour-lights').getByTestId('cw-from');
    expect(await from.evaluate((el) => el.scrollWidth > el.clientWidth && getComputedStyle(el).textOverflow === 'ellipsis')).toBe(true);
    for (const title of await tv.locator('.tv-card-title').all()) {
      expect(await title.evaluate((el) => el.scrollHeight <= el.clientHeight + 1), await title.textContent() ?? '').toBe(true);
    }
    await keepScreenshot(testInfo, `tv-${h}p-home-cards.png`, await tv.screenshot());
  }
  await tv.setViewportSize({ width: 1920, height: 1080 });

  // 1a. OK, then a second OK 120 ms later: it plays.
  await tv.keyboard.press('ArrowDown');
  await expect.poll(() => tvFocus(tv)).toMatch(/^cat:/);
  await moveTo(tv, 'ArrowRight', 'cat:fireside-concert');
  await tv.keyboard.press('Enter');
  await tv.waitForTimeout(120);
  await tv.keyboard.press('Enter');
  await waitPlaying(tv);
  await tv.waitForTimeout(1_500);
  await expect(tv.getByTestId('player')).toHaveAttribute('data-paused', 'false');
  await tv.keyboard.press('Escape');
  await expect(tv.getByTestId('tv-home')).toBeVisible();
  await expect.poll(() => tvFocus(tv)).toMatch(/fireside-concert$/);

  // 1b. The second OK lands the moment the player turns ready, before the video's 'play' event
  // (the window where it used to pause at 0:00 and announce "Playing").
  await tv.evaluate(() => {
    const fire = () => {
      for (const type of ['keydown', 'keyup']) document.activeElement?.dispatchEvent(new KeyboardEvent(type, { key: 'Enter', bubbles: true, cancelable: true }));
    };
    const watch = new MutationObserver(() => {
      const player = document.querySelector('[data-testid=player]');
      if (player?.getAttribute('data-status') !== 'ready') return;
      watch.disconnect();
      (window as unknown as { __secondOkPaused: string | null }).__secondOkPaused = player.getAttribute('data-paused');
      fire();
    });
    watch.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
  await tv.keyboard.press('Enter');
  await waitPlaying(tv);
  // The second OK did arrive while the store still said paused (the race this case is about).
  expect(await tv.evaluate(() => (window as unknown as { __secondOkPaused: string | null }).__secondOkPaused)).toBe('true');
  const t0 = await videoTime(tv);
  await tv.waitForTimeout(1_500);
  await expect(tv.getByTestId('player')).toHaveAttribute('data-paused', 'false');
  expect(await videoTime(tv)).toBeGreaterThan(t0 + 0.5);
  await expect(tv.getByTestId('tv-said')).not.toHaveText('Paused');
  // A later OK is a real pause, and says so.
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('player')).toHaveAttribute('data-paused', 'true');
  await expect(tv.getByTestId('tv-said')).toHaveText('Paused');
  await tv.keyboard.press('Escape');
  await expect(tv.getByTestId('tv-home')).toBeVisible();

  // 3. Settings at 1080p: down to the last button; it and the key hint are on screen.
  await moveTo(tv, 'ArrowUp', 'tv-settings');
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('tv-settings')).toBeVisible();
  expect(await tv.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(1080);
  await moveTo(tv, 'ArrowDown', 'tv-unlink');
  await tv.waitForTimeout(600); // smooth scroll
  const geometry = await tv.evaluate(() => {
    const hint = document.querySelector('.tv-settings > .tv-hints')?.getBoundingClientRect();
    const focused = document.activeElement?.getBoundingClientRect();
    return { hintTop: hint?.top ?? 0, hintBottom: hint?.bottom ?? 0, focusedTop: focused?.top ?? 0, focusedBottom: focused?.bottom ?? 0, scrollY: window.scrollY };
  });
  expect(geometry.scrollY).toBeGreaterThan(0);
  expect(geometry.hintBottom).toBeLessThanOrEqual(1080);
  expect(geometry.focusedTop).toBeGreaterThanOrEqual(0);
  expect(geometry.focusedBottom).toBeLessThanOrEqual(geometry.hintTop + 8);
  await keepScreenshot(testInfo, 'tv-1080p-settings-scrolled.png', await tv.screenshot());
});
