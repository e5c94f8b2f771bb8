/**
 * The look of the web terminal, kept as artifacts: home and player on a desktop, a 4K screen and a phone,
 * in English and Simplified Chinese (chosen from the browser language), plus an axe check of
 * the first-run and home screens. A PC terminal first leaves two programmes in progress.
 */
import { card, createAccount, expect, expectAccessible, keepScreenshot, openTerminal, playFromCatalogue, press, test, waitPlaying } from '../fixtures.ts';

const SCREENS = [
  { id: 'desktop-en', locale: 'en-GB', name: 'Desktop', type: 'pc', context: { viewport: { width: 1440, height: 900 } } },
  { id: 'desktop-zh', locale: 'zh-CN', name: '书房电脑', type: 'pc', context: { viewport: { width: 1440, height: 900 } } },
  { id: 'tv-4k-en', locale: 'en-GB', name: 'Big screen', type: 'pc', context: { viewport: { width: 3840, height: 2160 } } },
  { id: 'phone-en', locale: 'en-GB', name: 'Phone', type: 'mobile', context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
  { id: 'phone-zh', locale: 'zh-CN', name: '我的手机', type: 'mobile', context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
] as const;

test('home and player: desktop, 4K and phone; English and Chinese', async ({ browser, server }, testInfo) => {
  test.setTimeout(150_000);
  const login = 'hana@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: 'Living-room PC' });
  for (const [program, seeks] of [['dumpling-workshop', 6], ['harbour-lights', 13]] as const) {
    await playFromCatalogue(pc.page, program);
    await press(pc.page, 'ArrowRight', seeks);
    await pc.page.waitForTimeout(1_500);
    await pc.page.keyboard.press('Escape');
    await expect(card(pc.page, program)).toBeVisible();
  }

  const terminals = [];
  for (const s of SCREENS) {
    const t = await openTerminal(browser, server, { login, name: s.name, type: s.type, context: { ...s.context, locale: s.locale } });
    await expect(card(t.page, 'harbour-lights')).toBeVisible();
    await expect(t.page.locator('html')).toHaveAttribute('lang', s.locale === 'zh-CN' ? 'zh-CN' : 'en');
    await t.page.waitForTimeout(400); // artwork decoded
    await keepScreenshot(testInfo, `home-${s.id}.png`, await t.page.screenshot({ fullPage: true }));
    terminals.push({ s, t });
  }

  for (const { s, t } of terminals) {
    await card(t.page, 'harbour-lights').locator('.btn-primary').click();
    await waitPlaying(t.page);
    await t.page.keyboard.press('Space');
    await expect(t.page.getByTestId('player')).toHaveAttribute('data-paused', 'true');
    await t.page.mouse.move(200, 200);
    await t.page.waitForTimeout(500);
    await keepScreenshot(testInfo, `player-${s.id}.png`, await t.page.screenshot());
    await t.page.keyboard.press('Escape');
    await expect(t.page.getByTestId('continue-row')).toBeVisible();
  }
});

test('first-run, home and settings: no serious accessibility violations; the language switches', async ({ browser, server }, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await expect(page.locator('input[name=username]')).toBeVisible();
  await expectAccessible(page);
  await keepScreenshot(testInfo, 'sign-in-desktop-en.png', await page.screenshot());

  const login = 'ivo@example.com';
  await createAccount(server, login);
  const t = await openTerminal(browser, server, { login, name: 'Den PC' });
  await expectAccessible(t.page);
  await t.page.goto(`${server.url}/#/settings`);
  await expect(t.page.getByRole('dialog')).toBeVisible();
  await t.page.waitForTimeout(400); // the dialog's entrance animation
  await expectAccessible(t.page);
  await keepScreenshot(testInfo, 'settings-desktop-en.png', await t.page.screenshot());

  // The language is switchable, at once and for good.
  await t.page.getByLabel('Language').selectOption('zh-CN');
  await expect(t.page.getByRole('heading', { name: '设置' })).toBeVisible();
  await expect(t.page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await t.page.reload();
  await expect(t.page.getByRole('heading', { name: '继续观看' })).toBeVisible();
});
