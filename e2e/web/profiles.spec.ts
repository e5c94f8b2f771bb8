/**
 * Household profiles against a real server: a second profile (PIN, maturity limit) made in
 * Settings → Profiles; "Who's watching?" then shows on the next start; a wrong PIN is explained
 * and lets nobody in, the right one does; the restricted profile does not list programmes above
 * its limit (live-news, rated 12, under a limit of 6; unrated ones neither); the choice is
 * remembered per terminal; switching back from the header reloads home. Axe scans; Chinese.
 */
import { createAccount, englishLeft, expect, expectAccessible, openTerminal, test } from '../fixtures.ts';

test('profiles: create in settings, pick with a PIN, a restricted profile does not see a rated programme', async ({ browser, server }) => {
  test.setTimeout(120_000);
  const login = 'fam@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: 'Family PC' });
  const page = pc.page;
  await expect(page.locator('[data-testid=tile][data-program-id=live-news]')).toHaveCount(1);

  await page.goto(`${server.url}/#/settings`);
  const section = page.getByTestId('profiles');
  await expect(section.getByTestId('profile-row')).toHaveCount(1);
  await section.getByRole('button', { name: 'Add a profile' }).click();
  const form = section.getByTestId('profile-form');
  await form.getByLabel('Name').fill('Mia');
  await form.getByLabel('Maturity limit').selectOption('6');
  await form.getByLabel('PIN (4 digits, optional)').fill('4321');
  await expectAccessible(page);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByTestId('profile-row')).toHaveCount(2);
  await expect(section.getByTestId('profile-row').filter({ hasText: 'Mia' })).toContainText('Up to age 6');

  // Next start (on home): two profiles → "Who's watching?".
  await page.goto(`${server.url}/#/`);
  await page.reload();
  const who = page.getByTestId('who-is-watching');
  await expect(who).toBeVisible();
  await expectAccessible(page);
  await who.getByTestId('profile').filter({ hasText: 'Mia' }).click();
  await who.getByLabel('PIN').fill('1111');
  await who.getByRole('button', { name: 'Continue' }).click();
  await expect(who.getByRole('alert')).toContainText('PIN is not right');
  await expectAccessible(page);
  await who.getByLabel('PIN').fill('4321');
  await who.getByRole('button', { name: 'Continue' }).click();
  await expect(who).toHaveCount(0);
  await expect(page.getByTestId('profile-button')).toContainText('Mia');
  // The restricted profile's catalogue: no programme above 6, nor any unrated one.
  await expect(page.locator('[data-testid=tile][data-program-id=live-news]')).toHaveCount(0);
  await expect(page.locator('[data-testid=tile][data-program-id=tea-break]')).toHaveCount(1);
  // A restricted profile cannot manage profiles: the server says so.
  const res = await page.evaluate(async () => {
    const raw = JSON.stringify(Object.entries(localStorage));
    const cred = /rat_[A-Za-z0-9_-]+/.exec(raw)?.[0] ?? '';
    const r = await fetch('/api/v1/profiles', { method: 'POST', headers: { authorization: `Bearer ${cred}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Sneaky' }) });
    return r.status;
  });
  expect(res).toBe(403);

  // Remembered per terminal: the picker shows again on start, with Mia current; switch back.
  await page.reload();
  await expect(who).toBeVisible();
  await expect(who.locator('[aria-current=true]')).toContainText('Mia');
  await who.getByTestId('profile').first().click();
  await expect(who).toHaveCount(0);
  await expect(page.locator('[data-testid=tile][data-program-id=live-news]')).toHaveCount(1);
  await page.getByTestId('profile-button').click();
  await expect(who).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(who).toHaveCount(0);
});

test('profiles in Chinese: picker and settings, no English left', async ({ browser, server }) => {
  const login = 'zhfam@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: '客厅电脑', context: { locale: 'zh-CN' } });
  await pc.page.goto(`${server.url}/#/settings`);
  const section = pc.page.getByTestId('profiles');
  await section.getByRole('button', { name: '添加个人资料' }).click();
  await section.getByTestId('profile-form').getByLabel('名称').fill('小明');
  await section.getByTestId('profile-form').getByLabel('PIN 码（4 位数字，可选）').fill('1234');
  expect(await englishLeft(pc.page, [login, 'zhfam', server.url, 'English', 'PIN'])).toEqual([]);
  await section.getByTestId('profile-form').getByRole('button', { name: '保存' }).click();
  await expect(section.getByTestId('profile-row')).toHaveCount(2);
  await pc.page.reload();
  await expect(pc.page.getByTestId('who-is-watching')).toBeVisible();
  await pc.page.getByTestId('profile').filter({ hasText: '小明' }).click();
  expect(await englishLeft(pc.page, [login, 'zhfam', server.url, 'PIN'])).toEqual([]);
  await expectAccessible(pc.page);
});
