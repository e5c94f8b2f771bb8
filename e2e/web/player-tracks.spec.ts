/**
 * Audio, subtitles and speed follow the viewer from terminal to terminal, in Chromium with
 * Shaka playing a programme the media library packaged from an ffmpeg-generated file (English
 * and French audio, English embedded subtitles, a sidecar Chinese `.zh.srt`, two chapters):
 * PC A picks French audio, Chinese subtitles and 1.5× from its menu, and stops; phone B resumes
 * from Continue watching with French, Chinese and 1.5× — read from Shaka's own track state in
 * B's page —; a TV linked by code resumes the same way and, by remote keys only, opens the
 * menu and switches back to English. Axe finds nothing serious with the menus open.
 */
import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { h264TwoLanguages } from '../../server-mock/library/test-media.ts';
import { card, createAccount, expect, expectAccessible, linkTv, openTerminal, playFromCatalogue, test, tvFocus, videoTime, waitPlaying } from '../fixtures.ts';
import { packaged, shakaState } from '../library-fixtures.ts';

const LIBRARY = mkdtempSync(join(tmpdir(), 'ra-e2e-tracks-'));
// One long cue, so it is on screen whenever the test looks.
const ZH_SRT = '1\n00:00:00,200 --> 00:01:59,000\n晚上好，港口。\n';

// A 2-minute programme (long enough at 1.5× for the whole test): resumable with a 10 s minimum.
test.use({ serverArgs: ['--library', LIBRARY, '--resume-min-duration-sec', '10'] });
test.beforeAll(async () => {
  await h264TwoLanguages(join(LIBRARY, 'Two Voices.mp4'), 120);
  await writeFile(join(LIBRARY, 'Two Voices.zh.srt'), ZH_SRT);
});
test.afterAll(async () => {
  await rm(LIBRARY, { recursive: true, force: true });
});

test('audio, subtitles and speed chosen on one terminal are resumed on the others; the TV opens its menu by remote', async ({ browser, server }, testInfo) => {
  test.setTimeout(240_000);
  const id = await packaged(server);
  await createAccount(server, 'tracks@example.com');

  // PC A: plays, picks French / Chinese / 1.5× from the menu.
  const a = await openTerminal(browser, server, { login: 'tracks@example.com', name: 'Study PC' });
  await playFromCatalogue(a.page, id);
  expect(await shakaState(a.page)).toEqual({ audio: 'en', text: null, rate: 1 });
  await a.page.getByTestId('tracks-button').click();
  const menu = a.page.getByTestId('track-menu');
  await expect(menu.locator('[data-section=audio] [role=radio]')).toHaveCount(2);
  await expect(menu.locator('[data-section=subtitles] [role=radio]')).toHaveCount(3); // off, en, zh
  await menu.locator('[data-section=audio] [data-key=fr]').click();
  await menu.locator('[data-section=subtitles] [data-key=zh]').click();
  await menu.locator('[data-section=speed] [data-key="1.5"]').click();
  await expect.poll(() => shakaState(a.page)).toEqual({ audio: 'fr', text: 'zh', rate: 1.5 });
  await expect(menu.locator('[data-section=audio] [data-key=fr]')).toHaveAttribute('aria-checked', 'true');
  // The Chinese cue is drawn in the player's subtitle layer (Shaka's UITextDisplayer).
  await expect(a.page.getByTestId('subtitles')).toContainText('晚上好', { timeout: 15_000 });
  await expectAccessible(a.page);
  await testInfo.attach('pc-track-menu.png', { body: await a.page.screenshot(), contentType: 'image/png' });
  // Seek preview: hovering the bar (menu closed) shows the thumbnail there and its chapter.
  await a.page.getByTestId('tracks-button').click();
  await expect(menu).toBeHidden();
  const bar = a.page.locator('.seekbar');
  const box = await bar.boundingBox();
  if (!box) throw new Error('no seek bar');
  await a.page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
  await expect(a.page.getByTestId('seek-preview-img')).toBeVisible();
  await expect(a.page.getByTestId('seek-preview')).toContainText('Departure');
  await expect(a.page.getByTestId('chapter-marks').locator('span')).toHaveCount(1);

  await expect.poll(() => videoTime(a.page), { timeout: 20_000 }).toBeGreaterThan(9);
  const stoppedAt = await videoTime(a.page);
  // The controls hide after idle, as for a viewer: a mouse move brings them back first.
  await a.page.mouse.move(40, 40);
  await a.page.mouse.move(60, 50);
  await a.page.locator('.player-top .icon-btn').click();
  await expect(card(a.page, id)).toBeVisible();
  // The card says how it was watched (and will be resumed).
  await expect(card(a.page, id).getByTestId('cw-tracks')).toHaveText('French audio · Chinese subtitles · 1.5×');

  // Phone B: resumes from Continue watching with the same tracks and speed.
  const b = await openTerminal(browser, server, { login: 'tracks@example.com', name: 'Phone', type: 'mobile', context: { viewport: { width: 390, height: 844 }, hasTouch: true } });
  await expect(card(b.page, id)).toBeVisible();
  // The card shows the frame at the breakpoint (from the thumbnails), over the poster.
  await expect(card(b.page, id).getByTestId('cw-frame')).toBeVisible();
  await card(b.page, id).locator('.cw-actions .btn-primary').click();
  await waitPlaying(b.page);
  await expect.poll(() => shakaState(b.page)).toEqual({ audio: 'fr', text: 'zh', rate: 1.5 });
  expect(await videoTime(b.page)).toBeGreaterThan(stoppedAt - 3);
  await b.page.getByTestId('tracks-button').click();
  await expect(b.page.getByTestId('track-menu').locator('[data-section=speed] [data-key="1.5"]')).toHaveAttribute('aria-checked', 'true');
  await expectAccessible(b.page);
  await testInfo.attach('phone-track-menu.png', { body: await b.page.screenshot(), contentType: 'image/png' });
  // The controls hide after idle, as for a viewer: a mouse move brings them back first.
  await b.page.mouse.move(40, 40);
  await b.page.mouse.move(60, 50);
  await b.page.locator('.player-top .icon-btn').click();
  await expect(card(b.page, id)).toBeVisible();

  // A TV, linked by code, resumes with them too; by keys only it opens the menu and goes back to English.
  const tv = await linkTv(browser, server, a, 'Living-room TV');
  await expect.poll(() => tvFocus(tv)).toBe(`cw:${id}`);
  await expect(tv.getByTestId('cw-frame')).toBeVisible();
  await tv.keyboard.press('Enter');
  await waitPlaying(tv);
  await expect.poll(() => shakaState(tv)).toEqual({ audio: 'fr', text: 'zh', rate: 1.5 });
  await tv.keyboard.press('ArrowDown');
  const tvMenu = tv.getByTestId('track-menu');
  await expect(tvMenu).toBeVisible();
  await expect(tvMenu.locator('.is-focused')).toHaveAttribute('data-key', 'fr');
  await tv.keyboard.press('ArrowUp');
  await expect(tvMenu.locator('.is-focused')).toHaveAttribute('data-key', 'en');
  await tv.keyboard.press('Enter');
  await expect.poll(() => shakaState(tv)).toMatchObject({ audio: 'en', text: 'zh' });
  // ▶ to subtitles, ▲ to Off.
  await tv.keyboard.press('ArrowRight');
  await expect(tvMenu.locator('.is-focused')).toHaveAttribute('data-key', 'zh');
  await tv.keyboard.press('ArrowUp');
  await tv.keyboard.press('ArrowUp');
  await tv.keyboard.press('Enter');
  await expect.poll(() => shakaState(tv)).toEqual({ audio: 'en', text: null, rate: 1.5 });
  await expectAccessible(tv);
  await testInfo.attach('tv-track-menu.png', { body: await tv.screenshot(), contentType: 'image/png' });
  await tv.keyboard.press('Escape');
  await expect(tvMenu).toBeHidden();
  await expect(tv.getByTestId('player')).toHaveAttribute('data-status', 'ready');
});
