/**
 * "Who's watching?" on the TV by keys only (keyboard.press; no mouse): with two profiles the TV
 * shows the picker at start; a profile with a PIN opens the on-screen keypad — digits entered
 * with the arrows and OK, and with the number keys; Back deletes a digit, then closes the pad;
 * a wrong PIN is explained (tries left), the right one lets in and the restricted profile does
 * not list a programme above its limit; the choice is remembered per terminal; switching from
 * home's top bar and from settings; five wrong PINs lock the profile (and say for how long).
 * Axe scans of the picker and the pad; the same screens in 简体中文 with no English left.
 */
import type { Page } from '@playwright/test';
import { createAccount, englishLeft, expect, expectAccessible, keepScreenshot, linkTv, openTerminal, test, tvFocus, type Server, type Terminal } from '../fixtures.ts';

/** Press `key` until `focusKey` has focus. */
async function moveTo(tv: Page, key: string, focusKey: string, max = 14): Promise<void> {
  for (let i = 0; i < max && (await tvFocus(tv)) !== focusKey; i++) {
    await tv.keyboard.press(key);
    await tv.waitForTimeout(200);
  }
  await expect.poll(() => tvFocus(tv)).toBe(focusKey);
}

/** Make a profile through the API with the PC's terminal credential; its id. */
async function addProfile(pc: Terminal, body: object): Promise<string> {
  const r = await pc.page.evaluate(async (payload) => {
    const cred = /rat_[A-Za-z0-9_-]+/.exec(JSON.stringify(Object.entries(localStorage)))?.[0] ?? '';
    const res = await fetch('/api/v1/profiles', { method: 'POST', headers: { authorization: `Bearer ${cred}`, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    return { status: res.status, body: (await res.json()) as { id: string } };
  }, body);
  expect(r.status).toBe(201);
  return r.body.id;
}

/** A household with a PC and a linked TV, then a second profile (PIN 4321, limit 6); the TV restarted. */
async function household(browser: Parameters<typeof linkTv>[0], server: Server, lang: { locale: string; tv: string; kid: string }, login: string) {
  await createAccount(server, login, 'correct-horse-1', 'Sam');
  const pc = await openTerminal(browser, server, { login, name: 'Study PC', context: { locale: lang.locale } });
  const tv = await linkTv(browser, server, pc, lang.tv, undefined, lang.locale);
  const kidId = await addProfile(pc, { name: lang.kid, pin: '4321', maturityLimit: 6 });
  await tv.reload();
  await expect(tv.getByTestId('tv-who')).toBeVisible();
  return { pc, tv, kidId };
}

test('TV by keys only: who is watching, the PIN pad, switching profile', async ({ browser, server }, testInfo) => {
  test.setTimeout(150_000);
  const { tv, kidId } = await household(browser, server, { locale: 'en-GB', tv: 'Living-room TV', kid: 'Mia' }, 'tvwho@example.com');
  const who = tv.getByTestId('tv-who');
  const pad = tv.getByTestId('tv-pin');
  const boxes = tv.getByTestId('pin-boxes');
  await expect(who.getByTestId('tv-profile')).toHaveCount(2);
  // Nobody chosen yet on this TV: the household's first profile is current, and focused.
  await expect.poll(() => tvFocus(tv)).toMatch(/^who:/);
  await expect(who.locator('[aria-pressed=true]')).toContainText('Sam');
  await expectAccessible(tv);
  await keepScreenshot(testInfo, 'tv-1080p-who.png', await tv.screenshot());

  // Mia has a PIN: OK opens the pad, focus on 1.
  await moveTo(tv, 'ArrowRight', `who:${kidId}`);
  await tv.keyboard.press('Enter');
  await expect(pad).toBeVisible();
  await expect.poll(() => tvFocus(tv)).toBe('pin:1');
  await expect(pad).toContainText('Enter the 4-digit PIN of Mia.');
  // Back deletes a digit, and on an empty PIN closes the pad (focus back on Mia).
  await tv.keyboard.press('9');
  await expect(boxes).toHaveAttribute('data-count', '1');
  await tv.keyboard.press('Escape');
  await expect(boxes).toHaveAttribute('data-count', '0');
  await tv.keyboard.press('Escape');
  await expect(pad).toHaveCount(0);
  await expect.poll(() => tvFocus(tv)).toBe(`who:${kidId}`);
  await tv.keyboard.press('Enter');
  await expect(pad).toBeVisible();

  // A wrong PIN by the keypad alone (OK on 1, four times): explained, the boxes empty again.
  for (let i = 0; i < 4; i++) await tv.keyboard.press('Enter');
  await expect(pad.getByTestId('pin-error')).toContainText('That PIN is not right. 4 more wrong tries lock the profile');
  await expect(boxes).toHaveAttribute('data-count', '0');
  await expectAccessible(tv);
  await keepScreenshot(testInfo, 'tv-1080p-pin-wrong.png', await tv.screenshot());

  // The right one: 4 with the arrows (down from 1) and OK, then 3 2 1 on the number keys.
  await tv.keyboard.press('ArrowDown');
  await expect.poll(() => tvFocus(tv)).toBe('pin:4');
  await tv.keyboard.press('Enter');
  for (const d of ['3', '2', '1']) await tv.keyboard.press(d);
  await expect(who).toHaveCount(0);
  await expect(tv.getByTestId('tv-home')).toBeVisible();
  await expect(tv.getByTestId('tv-profile-button')).toContainText('Mia');
  // Mia's limit (6): live-news (rated 12) is not offered; a programme rated 6 is.
  await expect(tv.locator('[data-focus-key="cat:tea-break"]')).toHaveCount(1);
  await expect(tv.locator('[data-focus-key="cat:live-news"]')).toHaveCount(0);

  // Remembered by this TV: the picker shows on the next start with Mia current; Back closes it.
  await tv.reload();
  await expect(who).toBeVisible();
  await expect(who.locator('[aria-pressed=true]')).toContainText('Mia');
  await expect.poll(() => tvFocus(tv)).toBe(`who:${kidId}`);
  await tv.keyboard.press('Escape');
  await expect(who).toHaveCount(0);
  await expect(tv.getByTestId('tv-profile-button')).toContainText('Mia');

  // Switch from home's top bar: to Sam (no PIN).
  await moveTo(tv, 'ArrowUp', 'tv-settings');
  await moveTo(tv, 'ArrowLeft', 'tv-profile');
  await tv.keyboard.press('Enter');
  await expect(who).toBeVisible();
  await moveTo(tv, 'ArrowLeft', (await tv.locator('[data-testid=tv-profile]').first().getAttribute('data-focus-key')) ?? '');
  await tv.keyboard.press('Enter');
  await expect(who).toHaveCount(0);
  await expect(tv.getByTestId('tv-profile-button')).toContainText('Sam');
  await expect(tv.locator('[data-focus-key="cat:live-news"]')).toHaveCount(1);

  // Switch from settings; five wrong PINs lock Mia, and the pad says for how long.
  await moveTo(tv, 'ArrowUp', 'tv-settings');
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('tv-settings')).toBeVisible();
  await moveTo(tv, 'ArrowUp', 'tv-settings-profile');
  await expect(tv.getByTestId('tv-profile-button')).toContainText('Sam is watching');
  await tv.keyboard.press('Enter');
  await expect(who).toBeVisible();
  await moveTo(tv, 'ArrowRight', `who:${kidId}`);
  await tv.keyboard.press('Enter');
  for (let i = 1; i <= 5; i++) {
    for (const d of ['0', '0', '0', '0']) await tv.keyboard.press(d);
    await expect(pad.getByTestId('pin-error')).toContainText(i < 5 ? `${5 - i} more wrong ${5 - i === 1 ? 'try locks' : 'tries lock'}` : 'locked for 15 minutes');
  }
  await expectAccessible(tv);
  // Back closes the pad, then the picker (a profile is current): settings again.
  await tv.keyboard.press('Escape');
  await tv.keyboard.press('Escape');
  await expect(who).toHaveCount(0);
  await expect(tv.getByTestId('tv-settings')).toBeVisible();
});

test('TV who is watching in 简体中文: picker and PIN pad, no English left', async ({ browser, server }) => {
  test.setTimeout(120_000);
  const { tv, kidId } = await household(browser, server, { locale: 'zh-CN', tv: '客厅电视', kid: '小明' }, 'tvwhozh@example.com');
  const allowed = ['Sam', 'PIN'];
  await expect(tv.getByTestId('tv-who')).toContainText('谁在观看？');
  expect(await englishLeft(tv, allowed)).toEqual([]);
  await expectAccessible(tv);
  await moveTo(tv, 'ArrowRight', `who:${kidId}`);
  await tv.keyboard.press('Enter');
  await expect(tv.getByTestId('tv-pin')).toContainText('请输入“小明”的 4 位 PIN 码。');
  for (const d of ['1', '1', '1', '1']) await tv.keyboard.press(d);
  await expect(tv.getByTestId('pin-error')).toContainText('PIN 码不正确。再错 4 次');
  expect(await englishLeft(tv, allowed)).toEqual([]);
  await expectAccessible(tv);
  for (const d of ['4', '3', '2', '1']) await tv.keyboard.press(d);
  await expect(tv.getByTestId('tv-home')).toBeVisible();
  await expect(tv.getByTestId('tv-profile-button')).toContainText('小明');
});
