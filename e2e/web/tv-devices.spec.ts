/**
 * Settings → Devices on the TV, by remote keys only: the household's devices are listed with
 * "this device"; OK on another device asks, Cancel has focus, Left + OK removes it (that PC page
 * is signed out at once); removing the TV itself unlinks it (back to the link screen). Axe scan
 * of the confirmation.
 */
import type { Page } from '@playwright/test';
import { createAccount, expect, expectAccessible, linkTv, openTerminal, test, tvFocus } from '../fixtures.ts';

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
