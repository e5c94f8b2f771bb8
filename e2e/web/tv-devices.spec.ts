/**
 * Settings → Devices on the TV, by remote keys only: the household's devices are listed with
 * "this device"; OK on another device asks, Cancel has focus, Left + OK removes it (that PC page
 * is signed out at once); removing the TV itself unlinks it (back to the link screen). Axe scan
 * of the confirmation.
 */
import type { Page } from '@playwright/test';
import { createAccount, expect, expectAccessible, settled, linkTv, openTerminal, test, tvFocus } from '../fixtures.ts';

/** Press `key` until `focusKey` has focus. */
async function moveTo(tv: Page, key: string, focusKey: string, max = 14): Promise<void> {
  for (let i = 0; i < max && (await tvFocus(tv)) !== focusKey; i++) {
    await tv.keyboard.press(key);
    await tv.waitForTimeout(200);
  }
  await expect.poll(() => tvFocus(tv)).toBe(focusKey);
}

test('TV devices by remote: remove another device, then this TV', async ({ browser, server }) => {
  test.setTimeout(120_000);
  const login = 'tvdev@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: 'Study PC' });
  const laptop = await openTerminal(browser, server, { login, name: 'Laptop' });
  const tv = await linkTv(browser, server, pc, 'Bedroom TV');

  await moveTo(tv, 'ArrowUp', 'tv-settings');
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('tv-settings')).toBeVisible();
  const rows = tv.getByTestId('tv-devices').getByTestId('device');
  await expect(rows).toHaveCount(3);
  await expect(tv.locator('[data-testid=device][data-this=true]')).toContainText('Bedroom TV');
  const laptopId = await rows.filter({ hasText: 'Laptop' }).getAttribute('data-terminal-id');

  await moveTo(tv, 'ArrowDown', `device:${laptopId}`);
  await tv.keyboard.press('Enter');
  await expect.poll(() => tvFocus(tv)).toBe(`device-cancel:${laptopId}`);
  await expect(tv.getByRole('alert')).toContainText('Remove “Laptop”?');
  await expectAccessible(tv);
  await tv.keyboard.press('ArrowLeft');
  await expect.poll(() => tvFocus(tv)).toBe(`device-remove:${laptopId}`);
  await tv.keyboard.press('Enter');
  await expect(rows).toHaveCount(2);
  await expect(laptop.page.locator('input[name=username]')).toBeVisible({ timeout: 5_000 });

  const myId = await tv.locator('[data-testid=device][data-this=true]').getAttribute('data-terminal-id');
  await moveTo(tv, 'ArrowUp', `device:${myId}`);
  await tv.keyboard.press('Enter');
  await expect.poll(() => tvFocus(tv)).toBe(`device-cancel:${myId}`);
  await tv.keyboard.press('ArrowLeft');
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('tv-link')).toBeVisible();
  // The PC sees one device left: itself.
  await pc.page.goto(`${server.url}/#/settings`);
  await expect(pc.page.getByTestId('devices').getByTestId('device')).toHaveCount(1);
});

test('TV devices by remote: rename this TV in the platform text field (OK saves, Back cancels)', async ({ browser, server }) => {
  test.setTimeout(120_000);
  const login = 'tvrename@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: 'Study PC' });
  const tv = await linkTv(browser, server, pc, 'Bedroom TV');
  await moveTo(tv, 'ArrowUp', 'tv-settings');
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('tv-settings')).toBeVisible();
  const me = tv.locator('[data-testid=device][data-this=true]');
  const myId = await me.getAttribute('data-terminal-id');
  const field = tv.getByTestId('tv-device-rename').locator('input');

  await moveTo(tv, 'ArrowDown', `device:${myId}`);
  // As a person would: the focused row has finished growing before ▶ is pressed (a grown
  // full-width row used to overlap its Rename button, and ▶ then found nothing to its right).
  await settled(tv);
  await tv.keyboard.press('ArrowRight');
  await expect.poll(() => tvFocus(tv)).toBe(`device-rename:${myId}`);
  await tv.keyboard.press('Enter');
  await expect.poll(() => tvFocus(tv)).toBe(`device-name:${myId}`);
  await expectAccessible(tv);
  // Typing replaces the selected old name; space, Backspace and ◀ ▶ are the field's, not the remote's.
  await tv.keyboard.type('Kids room TVX');
  await tv.keyboard.press('Backspace');
  await tv.keyboard.press('ArrowLeft');
  await expect.poll(() => tvFocus(tv)).toBe(`device-name:${myId}`);
  await expect(field).toHaveValue('Kids room TV');
  await tv.keyboard.press('Enter');
  await expect(me).toContainText('Kids room TV');
  await expect(field).toHaveCount(0);
  await expect.poll(() => tvFocus(tv)).toBe(`device-rename:${myId}`);

  // Back cancels (and does not leave settings).
  await tv.keyboard.press('Enter');
  await expect.poll(() => tvFocus(tv)).toBe(`device-name:${myId}`);
  await tv.keyboard.type('zzz');
  await tv.keyboard.press('Escape');
  await expect(field).toHaveCount(0);
  await expect(tv.getByTestId('tv-settings')).toBeVisible();
  await expect(me).toContainText('Kids room TV');
  await expect.poll(() => tvFocus(tv)).toBe(`device-rename:${myId}`);

  // A name the platform's IME commits (Chinese), saved with OK.
  await tv.keyboard.press('Enter');
  await expect.poll(() => tvFocus(tv)).toBe(`device-name:${myId}`);
  await tv.keyboard.insertText('儿童房电视');
  await tv.keyboard.press('Enter');
  await expect(me).toContainText('儿童房电视');
  // Back home: the TV's own chip has the new name; the PC lists it too.
  await tv.keyboard.press('Escape');
  await expect(tv.getByTestId('device-chip')).toHaveText('儿童房电视');
  await pc.page.goto(`${server.url}/#/settings`);
  await expect(pc.page.getByTestId('devices').getByTestId('device').filter({ hasText: '儿童房电视' })).toHaveCount(1);
});
