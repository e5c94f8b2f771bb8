/**
 * Settings → Devices and Account against a real server: every terminal listed with "this
 * device" and what it plays now; rename; change of type (a phone registered as a Computer by
 * mistake becomes a Phone, stored here and at the server); removing another device signs that page out at once;
 * removing this device returns to sign-in. Account: change the password (the other terminal is
 * signed out, this one stays), export (the JSON holds the history), sign out everywhere, delete
 * the account (then signing in fails). Sign out tells the server (the credential dies there).
 * Axe scans of each screen state; English and Chinese; desktop and phone viewport.
 */
import { readFile } from 'node:fs/promises';
import { createAccount, englishLeft, expect, expectAccessible, openTerminal, playFromCatalogue, test, waitPlaying, type Terminal } from '../fixtures.ts';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;

async function openSettings(t: Terminal): Promise<void> {
  await t.page.goto(`${new URL(t.page.url()).origin}/#/settings`);
  await expect(t.page.getByTestId('devices').getByTestId('device').first()).toBeVisible();
}

/** The terminal credential a page stored (the web bridge keeps it in localStorage). */
async function credentialOf(t: Terminal): Promise<string> {
  const raw = await t.page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  const m = /rat_[A-Za-z0-9_-]+/.exec(raw);
  if (!m) throw new Error('no terminal credential stored');
  return m[0];
}

test('devices: listed with what they play; rename; remove another (signed out there); remove this one', async ({ browser, server }) => {
  test.setTimeout(120_000);
  const login = 'devi@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: 'Study PC' });
  const phone = await openTerminal(browser, server, { login, name: 'Pocket', type: 'mobile', context: PHONE });
  const third = await openTerminal(browser, server, { login, name: 'Spare laptop' });

  await playFromCatalogue(third.page, 'harbour-lights');
  await waitPlaying(third.page);

  await openSettings(pc);
  const rows = pc.page.getByTestId('device');
  await expect(rows).toHaveCount(3);
  await expect(pc.page.locator('[data-testid=device][data-this=true]')).toContainText('Study PC');
  const spare = rows.filter({ hasText: 'Spare laptop' });
  // What it plays shows once its heartbeat reached global (2 s heartbeats; the list refreshes every 10 s).
  await expect(spare.getByTestId('device-playing')).toContainText(/Harbour/i, { timeout: 20_000 });
  await expectAccessible(pc.page);

  // Rename from the phone, at the phone viewport.
  await openSettings(phone);
  const phoneRows = phone.page.getByTestId('device');
  await phoneRows.filter({ hasText: 'Study PC' }).getByRole('button', { name: 'Rename Study PC' }).click();
  await phone.page.getByLabel('New name').fill('Office PC');
  await expectAccessible(phone.page);
  await phone.page.getByRole('button', { name: 'Save' }).click();
  await expect(phoneRows.filter({ hasText: 'Office PC' })).toHaveCount(1);
  const scroll = await phone.page.locator('.dialog').evaluate((d) => d.scrollWidth - d.clientWidth);
  expect(scroll).toBeLessThanOrEqual(0);

  // Remove the playing laptop from the PC: that page is signed out at once.
  await pc.page.reload();
  await expect(rows.filter({ hasText: 'Spare laptop' })).toHaveCount(1);
  await rows.filter({ hasText: 'Spare laptop' }).getByRole('button', { name: 'Remove Spare laptop' }).click();
  await expect(pc.page.getByRole('alert')).toContainText('Remove “Spare laptop”?');
  await expectAccessible(pc.page);
  await rows.filter({ hasText: 'Spare laptop' }).getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(rows).toHaveCount(2);
  await expect(third.page.locator('input[name=username]')).toBeVisible({ timeout: 5_000 });
  await expect(third.page.getByTestId('signed-out-notice')).toBeVisible();

  // Remove this device (the phone): back to sign-in, and its credential is dead at the server.
  const phoneCredential = await credentialOf(phone);
  const mine = phone.page.locator('[data-testid=device][data-this=true]');
  await mine.getByRole('button', { name: /^Remove / }).click();
  await expect(mine.getByRole('alert')).toContainText('this device');
  await mine.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(phone.page.locator('input[name=username]')).toBeVisible();
  const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${phoneCredential}` } });
  expect(me.status).toBe(401);
  await expect(pc.page.getByTestId('device')).toHaveCount(1, { timeout: 15_000 });
});

test('sign out ends the credential at the server, not only here', async ({ browser, server }) => {
  const login = 'sol@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: 'PC' });
  const credential = await credentialOf(pc);
  await pc.page.goto(`${server.url}/#/settings`);
  await pc.page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(pc.page.locator('input[name=username]')).toBeVisible();
  const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${credential}` } });
  expect(me.status).toBe(401);
});

test('account: change password, export, sign out everywhere, delete', async ({ browser, server }) => {
  test.setTimeout(120_000);
  const login = 'acct@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: 'Desk' });
  const other = await openTerminal(browser, server, { login, name: 'Kitchen', type: 'mobile', context: PHONE });
  await playFromCatalogue(pc.page, 'harbour-lights');
  await waitPlaying(pc.page);
  await pc.page.waitForTimeout(2_500);
  await pc.page.keyboard.press('Escape');
  await openSettings(pc);
  const account = pc.page.getByTestId('account');

  // A wrong old password is refused and changes nothing.
  await account.getByRole('button', { name: 'Change password' }).click();
  await account.getByLabel('Current password').fill('not-the-password');
  await account.getByLabel('New password').fill('new-horse-battery-2');
  await account.getByTestId('password-form').getByRole('button', { name: 'Change password' }).click();
  await expect(account.getByRole('alert')).toContainText('password is not right');
  await expectAccessible(pc.page);
  await account.getByLabel('Current password').fill('correct-horse-1');
  await account.getByTestId('password-form').getByRole('button', { name: 'Change password' }).click();
  await expect(account.getByTestId('password-changed')).toContainText('1 other device was signed out');
  await expect(other.page.locator('input[name=username]')).toBeVisible({ timeout: 5_000 });
  // This one stays signed in.
  await pc.page.reload();
  await expect(pc.page.getByTestId('device')).toHaveCount(1);

  // Export: a JSON download holding the history.
  const download = pc.page.waitForEvent('download');
  await account.getByRole('button', { name: 'Export my data' }).click();
  const file = await (await download).path();
  const data = JSON.parse(await readFile(file, 'utf8')) as { format: string; history: { programId: string }[]; terminals: { name: string }[] };
  expect(data.format).toBe('resume-anywhere-export/1');
  expect(data.history.map((h) => h.programId)).toContain('harbour-lights');
  expect(data.terminals.map((x) => x.name)).toEqual(expect.arrayContaining(['Desk', 'Kitchen']));
  await expect(account.getByTestId('exported')).toBeVisible();

  // Sign out everywhere: this one too; then back in with the new password.
  await account.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expectAccessible(pc.page);
  await account.getByRole('alert').getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(pc.page.getByTestId('signed-out-notice')).toContainText('signed out everywhere');
  await pc.context.close();

  const again = await openTerminal(browser, server, { login, password: 'new-horse-battery-2', name: 'Desk again' });
  await openSettings(again);
  const acc = again.page.getByTestId('account');
  await acc.getByRole('button', { name: 'Delete account' }).click();
  await acc.getByLabel('Password').fill('new-horse-battery-2');
  await acc.getByTestId('delete-form').getByRole('button', { name: 'Delete account…' }).click();
  await expect(acc.getByRole('alert')).toContainText('Really delete');
  await expectAccessible(again.page);
  await acc.getByRole('button', { name: 'Delete for good' }).click();
  await expect(again.page.getByTestId('signed-out-notice')).toContainText(/deleted.*1 viewing record/);
  await expect(again.page.locator('input[name=username]')).toBeVisible();
  const res = await fetch(`${server.url}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: 'new-horse-battery-2' }),
  });
  expect(res.status).toBe(401);
});

test('devices and account in Chinese: no English left', async ({ browser, server }) => {
  const login = 'zh@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: '书房电脑', context: { locale: 'zh-CN' } });
  await openSettings(pc);
  await pc.page.getByTestId('device').first().getByRole('button', { name: /^重命名/ }).click();
  await pc.page.getByTestId('account').getByRole('button', { name: '修改密码' }).click();
  expect(await englishLeft(pc.page, [login, login.split('@')[0] ?? login, server.url, 'English', 'PIN', 'API'])).toEqual([]);
  await expectAccessible(pc.page);
});

test('a phone registered as a Computer by mistake becomes a Phone in Settings → Devices, here and at the server', async ({ browser, server }) => {
  test.setTimeout(90_000);
  const login = 'mistake@example.com';
  await createAccount(server, login);
  // An iPhone-class browser; the naming screen proposes Phone, the person picks Computer anyway.
  const context = await browser.newContext({ ...PHONE, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('input[name=username]').fill(login);
  await page.locator('input[name=password]').fill('correct-horse-1');
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('input[name=terminal-type][value=mobile]')).toBeChecked();
  await page.locator('input[name=terminal-type][value=pc]').check();
  await page.locator('form input:not([type=radio])').fill('Mei’s phone');
  await page.locator('form button[type=submit]').click();
  await expect(page.getByTestId('device-chip')).toHaveText('Mei’s phone');
  const t: Terminal = { context, page };
  const credential = await credentialOf(t);
  const typeAtServer = async () => {
    const res = await fetch(`${server.url}/api/v1/terminals`, { headers: { authorization: `Bearer ${credential}` } });
    return ((await res.json()) as { terminals: { name: string; type: string }[] }).terminals.find((d) => d.name === 'Mei’s phone')?.type;
  };
  expect(await typeAtServer()).toBe('pc');

  await openSettings(t);
  const me = page.locator('[data-testid=device][data-this=true]');
  await expect(me).toContainText('Computer');
  await me.getByRole('button', { name: 'Rename Mei’s phone' }).click();
  await expect(me.getByTestId('device-type')).toHaveValue('pc');
  await me.getByTestId('device-type').selectOption('mobile');
  await me.getByRole('button', { name: 'Save' }).click();
  // Listed as a phone, this device's own facts say Phone, and the server stored it.
  await expect(me).toContainText('Phone');
  await expect(me).not.toContainText('Computer');
  await expect(page.getByRole('dialog')).toContainText(/Type\s*Phone/);
  await expect.poll(typeAtServer).toBe('mobile');
  // The stored identity followed: a reload still says Phone (no naming screen again).
  await page.reload();
  await openSettings(t);
  await expect(page.locator('[data-testid=device][data-this=true]')).toContainText('Phone');
  await expect(page.getByRole('dialog')).toContainText(/Type\s*Phone/);
  await context.close();
});
