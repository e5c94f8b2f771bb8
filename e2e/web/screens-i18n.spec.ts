/**
 * Every screen in both languages, at a phone, a 1080p TV and a 4K TV (plus the desktop interface
 * at 1080p and, home and player, at 4K), kept as attached screenshots — and in Chinese, no English word left
 * on the home, settings and player pages of the PC/phone interface and of the TV interface.
 * Screens: sign-in, naming, home, settings, player, end of programme and link page (phone and
 * desktop); link screen, home, card options, player, end of programme and settings (TV, at 1080p
 * and at 4K). The offline TV screens are kept by tv-offline.spec.ts, the profile screens by
 * tv-profiles.spec.ts.
 * The phone (iPhone viewport, touch, iPhone user agent, no `?type=`) proposes "Phone".
 */
import type { Browser, BrowserContextOptions, Page, TestInfo } from '@playwright/test';
import {
  card,
  createAccount,
  englishLeft,
  expect,
  keepScreenshot,
  linkTv,
  nameTerminal,
  openTerminal,
  PLAYING_PROBE,
  playFromCatalogue,
  press,
  settled,
  signIn,
  test,
  tvFocus,
  waitPlaying,
  type Server,
  type Terminal,
} from '../fixtures.ts';

const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: IPHONE_UA };

const LANGS = [
  { id: 'en', locale: 'en-GB', pc: 'Study PC', phone: 'My phone', tv: 'Living-room TV' },
  { id: 'zh', locale: 'zh-CN', pc: '书房电脑', phone: '我的手机', tv: '客厅电视' },
] as const;
type Lang = (typeof LANGS)[number];

/**
 * In Chinese, nothing English on this page but user data (the login, the server's URL), the
 * name "English" in the language picker, and key caps, which keyboards print in Latin letters.
 */
async function expectNoEnglish(page: Page, lang: Lang, what: string, server: Server, login: string, extra: string[] = []): Promise<void> {
  if (lang.id !== 'zh') return;
  // The household's first profile is named after the login (user data, like the login).
  const allowed = [login, login.split('@')[0] ?? login, server.url, 'English', 'Esc：', ...extra];
  expect(await englishLeft(page, allowed), `${what}: English left`).toEqual([]);
}

/** A moment for the screen to start what it animates, then until it finished (a fade at 4K takes longer). */
async function still(page: Page): Promise<void> {
  await page.waitForTimeout(200);
  await settled(page);
}

/** A phone-class browser with no `?type=`: it must propose "Phone"; then named. */
async function openPhone(browser: Browser, server: Server, login: string, lang: Lang, testInfo: TestInfo): Promise<Terminal> {
  const context = await browser.newContext({ ...PHONE, locale: lang.locale });
  const page = await context.newPage();
  await page.addInitScript(PLAYING_PROBE);
  await page.goto(server.url);
  await expect(page.locator('input[name=username]')).toBeVisible();
  await keepScreenshot(testInfo, `phone-${lang.id}-sign-in.png`, await page.screenshot());
  await signIn(page, { login });
  await expect(page.locator('input[name=terminal-type][value=mobile]')).toBeChecked();
  await expect(page.getByTestId('type-detected')).toBeVisible();
  await keepScreenshot(testInfo, `phone-${lang.id}-name.png`, await page.screenshot());
  await nameTerminal(page, lang.phone, 'mobile');
  return { context, page };
}

/** Home, settings, player (paused) and the end of a programme of a desktop-interface terminal. */
async function desktopScreens(t: Terminal, prefix: string, lang: Lang, server: Server, login: string, testInfo: TestInfo): Promise<void> {
  const { page } = t;
  await expect(card(page, 'harbour-lights')).toBeVisible();
  await still(page);
  await keepScreenshot(testInfo, `${prefix}-home.png`, await page.screenshot({ fullPage: true }));
  await expectNoEnglish(page, lang, `${prefix} home`, server, login);

  await page.goto(`${server.url}/#/settings`);
  await expect(page.getByRole('dialog')).toBeVisible();
  await still(page);
  await keepScreenshot(testInfo, `${prefix}-settings.png`, await page.screenshot());
  await expectNoEnglish(page, lang, `${prefix} settings`, server, login);
  // The interface choice is whole on screen (it was cut off on the phone).
  const select = page.locator('select').nth(1);
  expect(await select.evaluate((el) => el.getBoundingClientRect().right <= window.innerWidth)).toBe(true);
  await page.goto(`${server.url}/#/`);

  await card(page, 'harbour-lights').locator('.btn-primary').click();
  await waitPlaying(page);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('player')).toHaveAttribute('data-paused', 'true');
  await page.mouse.move(100, 100);
  await still(page);
  await keepScreenshot(testInfo, `${prefix}-player.png`, await page.screenshot());
  await expectNoEnglish(page, lang, `${prefix} player`, server, login);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('continue-row')).toBeVisible();

  // The end of a programme: Tea Break (2 min), 12 × 10 s forward.
  await playFromCatalogue(page, 'tea-break');
  await press(page, 'ArrowRight', 12);
  await expect(page.getByTestId('player-end')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('[data-choice=replay]')).toBeVisible();
  await still(page);
  await keepScreenshot(testInfo, `${prefix}-player-end.png`, await page.screenshot());
  await expectNoEnglish(page, lang, `${prefix} end of programme`, server, login);
  await page.locator('[data-choice=back]').click();
  await expect(page.getByTestId('continue-row')).toBeVisible();
}

/** The TV's home, card options, player, end of programme and settings at the current size. */
async function tvScreens(tv: Page, prefix: string, lang: Lang, server: Server, login: string, testInfo: TestInfo): Promise<void> {
  await expect(tv.getByTestId('tv-home')).toBeVisible();
  await still(tv);
  await keepScreenshot(testInfo, `${prefix}-home.png`, await tv.screenshot());
  await expectNoEnglish(tv, lang, `${prefix} home`, server, login);

  await expect.poll(() => tvFocus(tv)).toMatch(/^cw:/);
  await tv.keyboard.press('ContextMenu');
  await expect(tv.getByTestId('tv-options')).toBeVisible();
  await still(tv);
  await keepScreenshot(testInfo, `${prefix}-card-options.png`, await tv.screenshot());
  await expectNoEnglish(tv, lang, `${prefix} card options`, server, login);
  await tv.keyboard.press('Escape');
  await expect(tv.getByTestId('tv-options')).toHaveCount(0);

  await tv.keyboard.press('Enter');
  await waitPlaying(tv);
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('player')).toHaveAttribute('data-paused', 'true');
  await still(tv);
  await keepScreenshot(testInfo, `${prefix}-player.png`, await tv.screenshot());
  await expectNoEnglish(tv, lang, `${prefix} player`, server, login);
  await tv.keyboard.press('Escape');
  await expect(tv.getByTestId('tv-home')).toBeVisible();

  // The end of a programme by remote: Tea Break, right × 12 (one scrub), then its choices.
  await tv.keyboard.press('ArrowDown');
  await expect.poll(() => tvFocus(tv)).toMatch(/^cat:/);
  for (let i = 0; i < 6 && (await tvFocus(tv)) !== 'cat:tea-break'; i++) {
    await tv.keyboard.press('ArrowRight');
    await tv.waitForTimeout(200);
  }
  await expect.poll(() => tvFocus(tv)).toBe('cat:tea-break');
  await tv.keyboard.press('Enter');
  await waitPlaying(tv);
  for (let i = 0; i < 12; i++) await tv.keyboard.press('ArrowRight');
  await expect(tv.getByTestId('player-end')).toBeVisible({ timeout: 20_000 });
  await expect(tv.locator('[data-choice=replay]')).toHaveClass(/is-focused/);
  await tv.keyboard.press('ArrowRight');
  await expect(tv.locator('[data-choice=back]')).toHaveClass(/is-focused/);
  await still(tv);
  await keepScreenshot(testInfo, `${prefix}-player-end.png`, await tv.screenshot());
  await expectNoEnglish(tv, lang, `${prefix} end of programme`, server, login);
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('tv-home')).toBeVisible();

  for (let i = 0; i < 4 && (await tvFocus(tv)) !== 'tv-settings'; i++) await tv.keyboard.press('ArrowUp');
  await expect.poll(() => tvFocus(tv)).toBe('tv-settings');
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('tv-settings')).toBeVisible();
  await still(tv);
  await keepScreenshot(testInfo, `${prefix}-settings.png`, await tv.screenshot());
  await expectNoEnglish(tv, lang, `${prefix} settings`, server, login);
  await tv.keyboard.press('Escape');
  await expect(tv.getByTestId('tv-home')).toBeVisible();
}

for (const lang of LANGS) {
  test(`every screen in ${lang.id}: phone, desktop (1080p, 4K), 1080p TV and 4K TV${lang.id === 'zh' ? ' — no English left' : ''}`, async ({ browser, server }, testInfo) => {
    test.setTimeout(480_000);
    const login = `screens-${lang.id}@example.com`;
    await createAccount(server, login);

    // The PC leaves Harbour Lights in progress and watches the live channel a moment.
    const pc = await openTerminal(browser, server, { login, name: lang.pc, context: { viewport: { width: 1920, height: 1080 }, locale: lang.locale } });
    await playFromCatalogue(pc.page, 'live-news');
    await pc.page.waitForTimeout(2_000);
    await pc.page.keyboard.press('Escape');
    await playFromCatalogue(pc.page, 'harbour-lights');
    await press(pc.page, 'ArrowRight', 8);
    await pc.page.waitForTimeout(1_500);
    await pc.page.keyboard.press('Escape');
    await expect(card(pc.page, 'harbour-lights')).toBeVisible();
    await desktopScreens(pc, `desktop-1080p-${lang.id}`, lang, server, login, testInfo);
    // The desktop interface on a 4K screen (a PC on a big monitor): home and the paused player.
    await pc.page.setViewportSize({ width: 3840, height: 2160 });
    await still(pc.page);
    await keepScreenshot(testInfo, `desktop-4k-${lang.id}-home.png`, await pc.page.screenshot());
    await card(pc.page, 'harbour-lights').locator('.btn-primary').click();
    await waitPlaying(pc.page);
    await pc.page.keyboard.press('Space');
    await expect(pc.page.getByTestId('player')).toHaveAttribute('data-paused', 'true');
    await pc.page.mouse.move(200, 200);
    await still(pc.page);
    await keepScreenshot(testInfo, `desktop-4k-${lang.id}-player.png`, await pc.page.screenshot());
    await pc.page.keyboard.press('Escape');
    await expect(pc.page.getByTestId('continue-row')).toBeVisible();
    await pc.page.setViewportSize({ width: 1920, height: 1080 });

    const phone = await openPhone(browser, server, login, lang, testInfo);
    await desktopScreens(phone, `phone-${lang.id}`, lang, server, login, testInfo);
    await phone.page.goto(`${server.url}/#/link`);
    await expect(phone.page.getByTestId('link-code')).toBeVisible();
    await keepScreenshot(testInfo, `phone-${lang.id}-link.png`, await phone.page.screenshot());
    await expectNoEnglish(phone.page, lang, 'phone link page', server, login, ['BCDF-GHJK', 'XXXX-XXXX']);
    await phone.context.close();

    await pc.page.goto(`${server.url}/#/link`);
    await keepScreenshot(testInfo, `desktop-1080p-${lang.id}-link.png`, await pc.page.screenshot());
    // Link codes are Latin letters by design (BCDF-GHJK is the format's example).
    await expectNoEnglish(pc.page, lang, 'desktop link page', server, login, ['BCDF-GHJK', 'XXXX-XXXX']);
    // The TV's link screen at 1080p and 4K; its code is Latin letters by design, the address to open a URL.
    const tv = await linkTv(browser, server, pc, lang.tv, testInfo, lang.locale, async (linking) => {
      const code = (await linking.getByTestId('tv-user-code').textContent()) ?? '';
      for (const [size, viewport] of [['1080p', { width: 1920, height: 1080 }], ['4k', { width: 3840, height: 2160 }]] as const) {
        await linking.setViewportSize(viewport);
        await still(linking);
        await keepScreenshot(testInfo, `tv-${size}-${lang.id}-link.png`, await linking.screenshot());
        await expectNoEnglish(linking, lang, `TV link screen ${size}`, server, login, [code, '/#/link', 'http://']);
      }
      await linking.setViewportSize({ width: 1920, height: 1080 });
    });
    await tvScreens(tv, `tv-1080p-${lang.id}`, lang, server, login, testInfo);
    await tv.setViewportSize({ width: 3840, height: 2160 });
    await tvScreens(tv, `tv-4k-${lang.id}`, lang, server, login, testInfo);
  });
}
