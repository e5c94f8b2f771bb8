/**
 * A language switch at run time (issue 17 part 4): catalogues load one language at a time
 * (common/i18n loadLanguage, a chunk per language), so switching must fetch the other one and
 * re-render every visible string in it — without a reload — and back again.
 * en → zh-CN: no English left on the page (settings dialog over home) but user data; the zh-CN
 * chunk fetched once, only then. zh-CN → en: every visible string is the English one it was
 * before, with nothing fetched again, and the page was never reloaded (a marker on `window`).
 */
import { createAccount, englishLeft, expect, openTerminal, test } from '../fixtures.ts';

test.setTimeout(120_000);

test('settings: en → zh-CN → en, every visible string changes, no reload', async ({ browser, server }) => {
  const login = 'lang-switch@example.com';
  await createAccount(server, login);
  const t = await openTerminal(browser, server, { login, name: 'Den PC' });
  const { page } = t;
  const catalogueRequests: string[] = [];
  page.on('request', (r) => {
    const m = /\/assets\/(en|zh-CN)-[^/]+\.js$/.exec(new URL(r.url()).pathname);
    if (m) catalogueRequests.push(m[1] ?? '');
  });
  await page.goto(`${server.url}/#/settings`);
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible({ timeout: 20_000 });
  await page.waitForTimeout(400); // the dialog's entrance animation
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  /** Every visible text of the page, in document order. */
  const texts = () =>
    page.evaluate(() => {
      const out: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        const s = (n.textContent ?? '').trim();
        if (!s || !el || el.closest('script, style, [hidden]')) continue;
        if (!(el instanceof HTMLOptionElement) && el.checkVisibility?.({ checkOpacity: true, checkVisibilityCSS: true }) === false) continue;
        out.push(s);
      }
      return out;
    });
  const english = await texts();
  expect(english.length).toBeGreaterThan(10);
  const before = catalogueRequests.length;

  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '设置' })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  // Everything in Chinese, not only the heading: no English word but user data and the name of English.
  await expect.poll(() => englishLeft(page, [login, login.split('@')[0] ?? login, server.url, 'English', 'Den PC']), { timeout: 10_000 }).toEqual([]);
  expect(catalogueRequests.slice(before)).toEqual(['zh-CN']);
  const chinese = await texts();
  // User data: the terminal's name, the login, the profile named after it and its avatar's initial.
  const userData = new Set(['Den PC', login, login.split('@')[0] ?? login, login.slice(0, 1).toUpperCase(), 'English', '简体中文', server.url]);
  const unchanged = english.filter((s) => chinese.includes(s) && !userData.has(s) && /[A-Za-z]/.test(s));
  expect(unchanged, 'English strings still on screen after the switch').toEqual([]);

  await page.getByLabel('语言').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect.poll(texts, { timeout: 10_000 }).toEqual(english);
  // English was loaded already: nothing fetched again; and the page is the same page.
  expect(catalogueRequests.slice(before)).toEqual(['zh-CN']);
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  await t.context.close();
});
