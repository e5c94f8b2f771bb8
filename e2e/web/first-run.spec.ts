/**
 * First run on a household server with closed registration and no demo account: the sign-in
 * screen offers only "Create the owner account"; the owner adds a household member in Settings
 * → People (their own password confirms it); afterwards the sign-in screen offers no
 * registration and says who creates accounts. Someone else becoming the owner first is
 * explained (REGISTRATION_CLOSED) and the screen turns into sign-in. Axe scans; Chinese too.
 */
import { createAccount, englishLeft, expect, expectAccessible, nameTerminal, test } from '../fixtures.ts';

test.use({ serverArgs: ['--demo-account', 'never', '--open-registration', 'false'] });

test('the first account is the owner; then the owner creates accounts and sign-in offers no registration', async ({ browser, server }) => {
  test.setTimeout(90_000);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Create the owner account' })).toBeVisible();
  await expect(page.getByRole('tab')).toHaveCount(0);
  await expectAccessible(page);
  await page.locator('input[name=username]').fill('owner@example.com');
  await page.locator('input[name=name]').fill('Olga');
  await page.locator('input[name=password]').fill('correct-horse-1');
  await page.getByRole('button', { name: 'Create the owner account' }).click();
  await nameTerminal(page, 'Home PC', 'pc');
  expect(await (await fetch(`${server.url}/api/v1/registration`)).json()).toEqual({ open: false, needsOwner: false });

  await page.goto(`${server.url}/#/settings`);
  const people = page.getByTestId('people');
  await people.getByRole('button', { name: 'Add a person' }).click();
  await people.getByLabel('Email or username').fill('kid@example.com');
  await people.getByLabel('Their password').fill('kid-password-1');
  await people.getByLabel('Your password').fill('not-my-password');
  await people.getByRole('button', { name: 'Create account' }).click();
  await expect(people.getByRole('alert')).toContainText('password is not right');
  await expectAccessible(page);
  await people.getByLabel('Your password').fill('correct-horse-1');
  await people.getByRole('button', { name: 'Create account' }).click();
  await expect(people.getByTestId('person-created')).toContainText('kid@example.com');

  // Another browser: sign-in only, with who creates accounts; the new member signs in.
  const other = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  await other.goto(`${server.url}/?type=mobile`);
  await expect(other.getByTestId('registration-closed')).toBeVisible();
  await expect(other.getByRole('tab')).toHaveCount(0);
  await expectAccessible(other);
  await other.locator('input[name=username]').fill('kid@example.com');
  await other.locator('input[name=password]').fill('kid-password-1');
  await other.locator('form button[type=submit]').click();
  await nameTerminal(other, 'Kid phone', 'mobile');
  // A member is no owner: no People section.
  await other.goto(`${server.url}/#/settings`);
  await expect(other.getByTestId('account')).toBeVisible();
  await expect(other.getByTestId('people')).toHaveCount(0);
});

test('someone else became the owner first: explained, and the screen turns into sign-in (Chinese)', async ({ browser, server }) => {
  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: '创建所有者账号' })).toBeVisible();
  expect(await englishLeft(page)).toEqual([]);
  await createAccount(server, 'first@example.com');
  await page.locator('input[name=username]').fill('late@example.com');
  await page.locator('input[name=password]').fill('correct-horse-1');
  await page.locator('form button[type=submit]').click();
  await expect(page.getByRole('alert')).toContainText('所有者');
  await expect(page.getByTestId('registration-closed')).toBeVisible();
  await expect(page.getByRole('heading', { name: '创建所有者账号' })).toHaveCount(0);
  expect(await englishLeft(page)).toEqual([]);
  await expectAccessible(page);
});
