/**
 * Flow 6 — a phone-sized viewport (a mobile terminal, `?type=mobile`) completes flow 1 as the
 * resuming side: A (PC) stops at T; the phone's row shows it live, labelled with A; a tap on
 * Resume starts within 0.5 s of T.
 */
import { card, keepScreenshot, createAccount, expect, firstPlaying, openTerminal, playFromCatalogue, press, rowChanges, test, waitPlaying, watchRow } from '../fixtures.ts';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

test('a phone resumes what a PC stopped', async ({ browser, server }, testInfo) => {
  const login = 'gao@example.com';
  await createAccount(server, login);
  const a = await openTerminal(browser, server, { login, name: 'Study PC' });
  const phone = await openTerminal(browser, server, { login, name: 'Gao’s phone', type: 'mobile', context: PHONE });
  await watchRow(phone.page);

  await playFromCatalogue(a.page, 'dumpling-workshop');
  await press(a.page, 'ArrowRight', 4);
  await a.page.waitForTimeout(2_500);
  const stopRequest = a.page.waitForRequest((r) => /\/stream\/v1\/sessions\/[^/]+\/stop$/.test(r.url()));
  const stoppedAt = Date.now();
  await a.page.keyboard.press('Escape');
  const tMs = ((await stopRequest).postDataJSON() as { position: { offsetMs: number } }).position.offsetMs;

  const cardP = card(phone.page, 'dumpling-workshop');
  await expect(cardP).toHaveAttribute('data-offset-ms', String(tMs), { timeout: 1_000 });
  const shown = (await rowChanges(phone.page)).find((c) => c.programId === 'dumpling-workshop' && c.offsetMs === tMs);
  const cardDelayMs = (shown?.at ?? Infinity) - stoppedAt;
  await expect(cardP.getByTestId('cw-from')).toContainText('Study PC');
  await keepScreenshot(testInfo, 'flow6-phone-home.png', await phone.page.screenshot());

  await cardP.getByRole('button', { name: /^Resume Dumpling Workshop/ }).tap();
  const first = await firstPlaying(phone.page);
  const errorS = Math.abs(first.t - tMs / 1000);
  await waitPlaying(phone.page);
  await keepScreenshot(testInfo, 'flow6-phone-player.png', await phone.page.screenshot());

  const measured = { tMs, cardDelayMs, resumeErrorS: Number(errorS.toFixed(3)) };
  testInfo.annotations.push({ type: 'measured', description: JSON.stringify(measured) });
  console.log('flow6 measured', measured);
  expect(cardDelayMs).toBeLessThan(1_000);
  expect(errorS).toBeLessThan(0.5);
});
