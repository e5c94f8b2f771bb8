/**
 * The end of a programme with a next episode (issue 18: "darken behind it, large type, 'Watch
 * again' / 'Back' / next episode when there is one"), on the desktop in Chinese: Tea Break is made
 * episode 1 and Dumpling Workshop episode 2 of one series through the admin API. At the end the
 * picture is darkened, the title is large, the choices are Next episode (first, named), Watch
 * again and Back, with a countdown; the countdown starts episode 2 by itself. A programme with no
 * next episode offers Watch again and Back only (screens-i18n.spec.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAccount, englishLeft, expect, keepScreenshot, openTerminal, playFromCatalogue, press, settled, test, waitPlaying } from '../fixtures.ts';

test('end of programme: dark scrim, large title, Next episode · Watch again · Back; the countdown plays the next one', async ({ browser, server }, testInfo) => {
  test.setTimeout(180_000);
  const admin = (await readFile(join(server.dataDir, 'admin-token'), 'utf8')).trim();
  const catalogue = (await (await fetch(`${server.url}/admin/v1/programs`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { programs: { id: string }[] };
  const series = { id: 'kitchen-breaks', title: 'Kitchen Breaks' };
  const episodes = ['tea-break', 'dumpling-workshop'].map((id, i) => ({ ...catalogue.programs.find((p) => p.id === id), series: { ...series, season: 1, episode: i + 1 } }));
  const put = await fetch(`${server.url}/admin/v1/programs`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ programs: episodes }) });
  expect(put.status, await put.text()).toBe(200);

  const login = 'end@example.com';
  await createAccount(server, login);
  const pc = await openTerminal(browser, server, { login, name: '书房电脑', context: { viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' } });
  const { page } = pc;
  await playFromCatalogue(page, 'tea-break');
  await press(page, 'ArrowRight', 12);
  const end = page.getByTestId('player-end');
  await expect(end).toBeVisible({ timeout: 20_000 });
  await settled(page);

  // The three choices, the next episode first and named; a countdown to it.
  expect(await end.locator('[data-choice]').evaluateAll((els) => els.map((e) => e.getAttribute('data-choice')))).toEqual(['next', 'replay', 'back']);
  await expect(end.locator('[data-choice=next]')).toContainText('饺子工坊');
  await expect(page.getByTestId('next-countdown')).toBeVisible();
  // Dark behind the type, whatever the last frame: the scrim is at least 75 % opaque black-ish;
  // the title is large (≥ 40 px at 1080p), the buttons are solid.
  const look = await end.evaluate((el) => {
    const bg = getComputedStyle(el).backgroundImage;
    const alphas = [...bg.matchAll(/rgba\(\s*(\d+),\s*(\d+),\s*(\d+),\s*([\d.]+)\)/g)].map((m) => ({ rgb: [Number(m[1]), Number(m[2]), Number(m[3])], a: Number(m[4]) }));
    const title = el.querySelector('.player-end-title');
    const back = el.querySelector('[data-choice=back]');
    return { alphas, titlePx: title ? parseFloat(getComputedStyle(title).fontSize) : 0, backBg: back ? getComputedStyle(back).backgroundColor : '' };
  });
  expect(look.alphas.length).toBeGreaterThan(0);
  for (const { rgb, a } of look.alphas) {
    expect(a).toBeGreaterThanOrEqual(0.75);
    expect(Math.max(...rgb)).toBeLessThan(40);
  }
  expect(look.titlePx).toBeGreaterThanOrEqual(40);
  expect(look.backBg).not.toMatch(/rgba\(.*, 0\)$|transparent/);
  await keepScreenshot(testInfo, 'desktop-1080p-zh-player-end-next.png', await page.screenshot());
  // Key caps are printed in Latin letters (Esc), as on the keyboard.
  expect(await englishLeft(page, [login, login.split('@')[0] ?? login, server.url, 'Esc：']), 'end with a next episode: English left').toEqual([]);

  // The countdown (10 s) starts episode 2 by itself.
  await expect(page).toHaveURL(/dumpling-workshop/, { timeout: 20_000 });
  await waitPlaying(page);
  await expect(page.getByTestId('player-end')).toHaveCount(0);
});
