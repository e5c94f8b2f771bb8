/**
 * Flow 2 — a terminal that closes its tab mid-play loses at most one heartbeat interval: the
 * page's `pagehide` sends the stop (keepalive fetch), so B resumes at the point A closed at.
 */
import { card, createAccount, expect, firstPlaying, HEARTBEAT_SEC, openTerminal, playFromCatalogue, press, test, videoTime } from '../fixtures.ts';

test('A closes its tab mid-play; B resumes within one heartbeat interval of that point', async ({ browser, server }, testInfo) => {
  const login = 'ben@example.com';
  await createAccount(server, login);
  const a = await openTerminal(browser, server, { login, name: 'Office PC' });
  const b = await openTerminal(browser, server, { login, name: 'Home PC' });

  await playFromCatalogue(a.page, 'harbour-lights');
  await press(a.page, 'ArrowRight', 9);
  await a.page.waitForTimeout(3_500);
  const closedAtS = await videoTime(a.page);
  await a.page.close();

  const cardB = card(b.page, 'harbour-lights');
  await expect(cardB).toHaveAttribute('data-terminal-name', 'Office PC');
  await expect.poll(async () => Number(await cardB.getAttribute('data-offset-ms')), { timeout: 5_000 }).toBeGreaterThan(closedAtS * 1000 - HEARTBEAT_SEC * 1000);
  const savedMs = Number(await cardB.getAttribute('data-offset-ms'));

  await cardB.getByRole('button', { name: /^Resume Harbour Lights/ }).click();
  const first = await firstPlaying(b.page);
  const errorS = Math.abs(first.t - closedAtS);
  const measured = { closedAtS: Number(closedAtS.toFixed(3)), savedMs, resumedAtS: Number(first.t.toFixed(3)), errorS: Number(errorS.toFixed(3)) };
  testInfo.annotations.push({ type: 'measured', description: JSON.stringify(measured) });
  console.log('flow2 measured', measured);
  expect(errorS).toBeLessThan(HEARTBEAT_SEC);
});
