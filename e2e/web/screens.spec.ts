/**
 * Accessibility of the first screens: an axe check of sign-in, home and settings, and the
 * language switch. (The look of every screen, in both languages, at phone, desktop, 4K and TV
 * sizes, is kept by screens-i18n.spec.ts.)
 */
import { createAccount, expect, expectAccessible, keepScreenshot, openTerminal, test } from '../fixtures.ts';

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
